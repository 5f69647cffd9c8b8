"""Register-sheet import and export at 100,000 rows: Shouhu against django-import-export, in one run.

  DATABASE_URL=postgres://shouhu:shouhu@127.0.0.1:5432/shouhu_bench .venv/bin/python bench/bench_import.py [--rows 100000] [--die-rows N]

Steps (each measured in a child process of its own: wall time, peak resident memory):
  1. a scratch county (regions, schools, users; the database is flushed) and a generated sheet of
     --rows rows drawn from the demo generator, ~5% of them invalid in the ways real sheets are
     (bad checksum, future birth date, unknown village, the same ID twice, a dead father "working");
  2. Shouhu: `shouhu import-register SHEET` — check every row (preview), then write in one transaction;
  3. Shouhu: `shouhu export-register OUT.xlsx` of the whole county;
  4. django-import-export: export of the same children through a ModelResource (tablib → openpyxl);
  5. children removed; django-import-export: `ChildResource().import_data(...)` of the first
     --die-rows rows of the same sheet (default: all), saving row by row as it does by default.
Rows/s are compared (django-import-export may run on fewer rows: it is slow, its rate is what counts).
"""
import argparse
import base64
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhu.settings")
os.environ.setdefault("SHOUHU_DEBUG", "0")
# DEBUG off refuses to start without a key (settings fail closed): a throwaway one for the run
os.environ.setdefault("SHOUHU_SECRET_KEY", "bench-" + os.urandom(24).hex())
# and throwaway field-encryption keys (each run builds its own data)
os.environ.setdefault("SHOUHU_FIELD_KEYS", base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("SHOUHU_INDEX_KEY", base64.b64encode(os.urandom(32)).decode())
OUT = ROOT / "bench" / "out"


def setup_django():
    import django

    django.setup()


def run_measured(cmd: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, output) of one child process."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        print(out)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return seconds, usage.ru_maxrss / 1024, out


def make_sheet(path: Path, rows: int, seed: int = 7) -> int:
    """Rows from the demo generator, written as the export would, with ~5% made invalid."""
    import xlsxwriter
    from django.utils import timezone

    from shouhu.intake.services import Directory, row_of_child
    from shouhu.intake.sheet import COLUMNS
    from shouhu.regions.models import Region, School, SchoolClass
    from shouhu.registry.demo import Gen, _make_child
    from shouhu.registry.models import Child

    g = Gen(seed, timezone.localdate())
    villages = list(Region.objects.filter(level=5).select_related("parent"))
    schools: dict = {}
    for s in School.objects.all():
        key = "jinxing" if s.name == "金星小学" else "middle" if s.stage == "初中" else "primary"
        schools.setdefault(s.region_code, {})[key] = s
    class_map: dict = {}
    for sc in SchoolClass.objects.all():
        class_map.setdefault((sc.school_id, sc.grade), []).append(sc)
    directory = Directory()
    names = [f.name for f in Child._meta.concrete_fields]
    headers = [c.header for c in COLUMNS]
    col = {h: i for i, h in enumerate(headers)}
    rnd = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("登记表")
    ws.write_row(0, 0, headers)
    bad = 0
    previous_id = None
    for n in range(1, rows + 1):
        c = _make_child(g, rnd.choice(villages), schools, class_map, n)
        values = {f: getattr(c, Child._meta.get_field(f).attname) for f in names}
        row = row_of_child(values, directory.names(values), COLUMNS)
        if rnd.random() < 0.05:
            bad += 1
            kind = rnd.randrange(5)
            if kind == 0 and row[col["公民身份号码"]]:
                i = row[col["公民身份号码"]]
                row[col["公民身份号码"]] = i[:17] + ("0" if i[17] != "0" else "1")
            elif kind == 1:
                row[col["出生日期"]] = "2031-01-01"
            elif kind == 2:
                row[col["村（社区）"]] = "不存在村"
            elif kind == 3 and previous_id:
                row[col["公民身份号码"]] = previous_id
            else:
                row[col["父亲状况"]] = "死亡"
                row[col["父亲务工地点"]] = "广东 东莞市"
        previous_id = row[col["公民身份号码"]] or previous_id
        ws.write_row(n, 0, row)
    wb.close()
    return bad


def cmd_die_import(path: str, rows: int) -> None:
    """Load the sheet with tablib and import it, as an admin action would (one pass, no preview)."""
    setup_django()
    import tablib

    from bench.die_resource import ChildResource
    from shouhu.accounts.models import User

    with open(path, "rb") as f:
        data = tablib.Dataset().load(f.read(), format="xlsx")
    assert len(data) == rows, (len(data), rows)
    t0 = time.monotonic()
    result = ChildResource(actor=User.objects.get(username="admin")).import_data(data, dry_run=False, raise_errors=False)
    print(f"rows={len(data)} new={result.totals.get('new', 0)} skip={result.totals.get('skip', 0)} "
          f"invalid={len(result.invalid_rows)} errors={len(result.row_errors())} import_seconds={time.monotonic() - t0:.1f}")


def cmd_die_export(path: str) -> None:
    setup_django()
    from bench.die_resource import ChildResource
    from shouhu.registry.models import Child

    data = ChildResource().export(queryset=Child.objects.select_related("village", "school", "school_class").order_by("id"))
    Path(path).write_bytes(data.export("xlsx"))
    print(f"rows={len(data)}")


def clear_children() -> None:
    from django.db import connection

    tables = ["intake_importrow", "intake_importbatch", "registry_categoryevent", "registry_historicalchild", "registry_statcell",
              "care_pairing", "audit_accesslog", "registry_child"]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")
        else:
            for t in tables:
                cur.execute(f"DELETE FROM {t}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--die-rows", type=int, default=0, help="rows for django-import-export (0 = all)")
    ap.add_argument("cmd", nargs="?", default="bench")
    ap.add_argument("args", nargs="*")
    a = ap.parse_args()
    if a.cmd == "die-import":
        return cmd_die_import(a.args[0], int(a.args[1]))
    if a.cmd == "die-export":
        return cmd_die_export(a.args[0])

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from shouhu.demo.builder import build_demo
    from shouhu.registry.models import Child

    OUT.mkdir(parents=True, exist_ok=True)
    shouhu = str(Path(sys.executable).with_name("shouhu"))
    print(f"== {a.rows:,} rows ({connection.vendor})", flush=True)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    build_demo(children=0, log=lambda m: None)
    clear_children()
    sheet = OUT / f"sheet-{a.rows}.xlsx"
    t0 = time.monotonic()
    bad = make_sheet(sheet, a.rows)
    print(f"  sheet: {sheet.stat().st_size / 1048576:.1f} MB, {bad} rows made invalid, generated in {time.monotonic() - t0:.0f} s", flush=True)

    load = os.getloadavg()[0]
    ours_s, ours_mb, out = run_measured([shouhu, "import-register", str(sheet), "--report", str(OUT / "problems.csv")])
    print("  shouhu import: " + " / ".join(line for line in out.splitlines() if not line.startswith("  ")), flush=True)
    # the machine is shared: the 1-minute load average says how much else ran meanwhile
    print(f"  load average (1 min) before / after the import: {load:.2f} / {os.getloadavg()[0]:.2f}", flush=True)
    written = Child.objects.count()
    exp_s, exp_mb, _ = run_measured([shouhu, "export-register", str(OUT / "export-shouhu.xlsx")])
    dexp_s, dexp_mb, _ = run_measured([sys.executable, __file__, "die-export", str(OUT / "export-die.xlsx")])
    print(f"  exports: shouhu {exp_s:.1f} s, django-import-export {dexp_s:.1f} s ({written:,} children)", flush=True)

    clear_children()
    die_rows = a.die_rows or a.rows
    die_sheet = sheet
    if die_rows < a.rows:  # the same first rows (same generator, same seed), in a file of their own
        die_sheet = OUT / f"sheet-{die_rows}.xlsx"
        make_sheet(die_sheet, die_rows)
    die_s, die_mb, out = run_measured([sys.executable, __file__, "die-import", str(die_sheet), str(die_rows)])
    print("  django-import-export import: " + out.strip().splitlines()[-1], flush=True)
    die_written = Child.objects.count()
    clear_children()

    ours_rate, die_rate = a.rows / ours_s, die_rows / die_s
    exp_rate, dexp_rate = written / exp_s, written / dexp_s
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\n| step | rows | seconds | rows/s | peak memory (MiB) |")
    print("|---|---|---|---|---|")
    print(f"| Shouhu import (check + write) | {a.rows:,} | {ours_s:.1f} | {ours_rate:,.0f} | {ours_mb:.0f} |")
    print(f"| django-import-export import | {die_rows:,} | {die_s:.1f} | {die_rate:,.0f} | {die_mb:.0f} |")
    print(f"| Shouhu export | {written:,} | {exp_s:.1f} | {exp_rate:,.0f} | {exp_mb:.0f} |")
    print(f"| django-import-export export | {written:,} | {dexp_s:.1f} | {dexp_rate:,.0f} | {dexp_mb:.0f} |")
    print(f"\nimport: {ours_rate / die_rate:.1f}× the rows/s of django-import-export ({written:,} written by Shouhu, "
          f"{die_written:,} by django-import-export of its {die_rows:,}); export: {exp_rate / dexp_rate:.1f}×")
    ok = ours_rate / die_rate >= 5 and ours_s < 60 and ours_mb < 1024
    print("PASS" if ok else "FAIL", f"(targets: import ≥5× django-import-export, < 60 s, < 1 GiB; bench process peak {rss:.0f} MiB)")


if __name__ == "__main__":
    main()
