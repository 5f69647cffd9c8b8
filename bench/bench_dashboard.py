"""The leaders' screen and the county admin's home at 1,000 and 100,000 children, in one process
(ratios, not absolute times).

  SHOUHU_SECRET_KEY=$(cat var/dev-secret-key) SHOUHU_FIELD_KEYS=$(cat var/dev-field-key) SHOUHU_INDEX_KEY=$(cat var/dev-index-key) \\
  DATABASE_URL=postgres://shouhu:shouhu@127.0.0.1:5432/shouhu_board_small .venv/bin/python bench/bench_dashboard.py \\
      --big-db shouhu_board_big [--reuse]

The small county (DATABASE_URL's database) is built with `build_demo` (care records included) unless
`--reuse` finds it built; the big one (`--big-db`, a database on the same server) must be built
already with the same keys — e.g. `CREATE DATABASE shouhu_board_big TEMPLATE shouhu_bench`, the
100,000-child county of `bench_care.rebuild` — or is built here without `--reuse` (~20 min).
The process switches its connection from one database to the other between the sizes.

Measures in-process with Django's test client (routing, middleware, queries, templates) the median
of N requests of the county admin's home `/`, the county admin's `/dashboard/` (county, by
township) and the township supervisor's `/dashboard/` (毛市镇, by village), with the screen's
cached parts warm, as a reader after the first sees them; and, once, the cold cost of those parts
(the cache emptied: the history reconstruction of the trend and the grouped counts).
"""
import argparse
import base64
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhu.settings")
os.environ.setdefault("SHOUHU_DEBUG", "0")
os.environ.setdefault("SHOUHU_SECRET_KEY", "bench-" + os.urandom(24).hex())
os.environ.setdefault("SHOUHU_FIELD_KEYS", base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("SHOUHU_INDEX_KEY", base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("SHOUHU_DEMO_NO_2FA", "1")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.bench_care import measure, rebuild  # noqa: E402  (the care benchmark's county and timing)
from shouhu.accounts.models import User  # noqa: E402
from shouhu.regions.models import Region  # noqa: E402
from shouhu.registry.models import Child  # noqa: E402
from shouhu.web import dashboard  # noqa: E402

PAGES = {"home_admin": ("admin", "/"), "dashboard_admin": ("admin", "/dashboard/"), "dashboard_dudao": ("dudao", "/dashboard/")}


def use(name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name
    cache.clear()  # the screen's cache keys name places, not databases


def build(n: int) -> None:
    rebuild(n)  # the care benchmark's county: build_demo with care records, VACUUM ANALYZE


def cold(node_code: str) -> tuple[float, float]:
    """Seconds for the trend and for the open-work counts of a node, uncached."""
    node = Region.objects.get(code=node_code)
    today, now = timezone.localdate(), timezone.now()
    t0 = time.perf_counter()
    dashboard.reports.month_series(node=node, months=dashboard.trend_months(today))
    t1 = time.perf_counter()
    dashboard.open_work(node, today=today, now=now)
    return t1 - t0, time.perf_counter() - t1


def run(db: str, repeat: int) -> dict:
    use(db)
    call_command("migrate", verbosity=0)
    n = Child.objects.count()
    print(f"== {db}: {n:,} children ({connection.vendor})", flush=True)
    row = {"children": n}
    for name, (user, url) in PAGES.items():
        client = Client(SERVER_NAME="localhost")
        client.force_login(User.objects.get(username=user))
        row[name] = measure(client, url, repeat)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        row[name + "_queries"] = len(ctx.captured_queries)
    cache.clear()
    row["cold_trend_county"], row["cold_counts_county"] = cold("421088")
    row["cold_trend_township"], row["cold_counts_township"] = cold("421088109")
    print("  " + "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()), flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--big-db", required=True)
    ap.add_argument("--reuse", action="store_true", help="keep counties built before (same keys)")
    ap.add_argument("--repeat", type=int, default=30)
    a = ap.parse_args()
    small_db = connection.settings_dict["NAME"]
    for db, n in ((small_db, a.small), (a.big_db, a.big)):
        use(db)
        call_command("migrate", verbosity=0)
        if not (a.reuse and Child.objects.exists()):
            build(n)
    small, big = run(small_db, a.repeat), run(a.big_db, a.repeat)
    print(f"\n| page | {small['children']:,} children (ms) | {big['children']:,} children (ms) | growth | queries |")
    print("|---|---|---|---|---|")
    ok = True
    for name in PAGES:
        growth = big[name] / small[name]
        ok &= growth < 2 and big[name] < 300
        print(f"| {name} | {small[name]:.1f} | {big[name]:.1f} | {growth:.2f}× | {small[name + '_queries']} / {big[name + '_queries']} |")
    print("\n| cold (cache empty), seconds | small | big |\n|---|---|---|")
    for k in ("cold_trend_county", "cold_counts_county", "cold_trend_township", "cold_counts_township"):
        print(f"| {k} | {small[k]:.2f} | {big[k]:.2f} |")
    print("\nPASS" if ok else "\nFAIL", "(targets: growth < 2×, absolute < 300 ms, warm)")


if __name__ == "__main__":
    main()
