"""The nightly 控辍保学 check (`schooling.absences.open_due_cases`) over a county of 100,000 children
and a term of absences, on PostgreSQL.

  SHOUHU_SECRET_KEY=$(cat var/dev-secret-key) SHOUHU_FIELD_KEYS=$(cat var/dev-field-key) SHOUHU_INDEX_KEY=$(cat var/dev-index-key) \
  DATABASE_URL=postgres://shouhu:shouhu@127.0.0.1:5432/shouhu_dropout_bench .venv/bin/python bench/bench_dropout.py [--size 100000] [--reuse]

Builds the demo county with care records (`bench_care.rebuild`, ~15 min at 100,000; `--reuse` keeps
a county built before with the same keys), then, each run:
  - a roster for every school from its registered pupils (0.3% 辍学 or 休学, 0.5% of the pupils
    left off: "registered but not on the roster");
  - a term of absences (`--school-days`, default 90): each school day ~3% of the pupils absent, a
    third of them excused; and `--streaks` pupils (default 300) absent without leave for the last
    5–8 school days;
  - 50 recent home visits noting 辍学迹象;
then times `open_due_cases` from no case (it opens them all) and a second run (opens nothing).
The database named by DATABASE_URL is flushed when not `--reuse`: point it at a scratch database.
"""
import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhu.settings")

import bench_care  # noqa: E402  (sets the environment and runs django.setup())
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from shouhu.care.models import Visit  # noqa: E402
from shouhu.notify.models import Notification  # noqa: E402
from shouhu.registry.models import Child  # noqa: E402
from shouhu.schooling import absences as A  # noqa: E402
from shouhu.schooling import dropout as S  # noqa: E402
from shouhu.schooling.models import Absence, DropoutCase, Roster, RosterEntry  # noqa: E402

TARGET_S = 60


def rosters(rng: random.Random) -> dict[str, int]:
    """A roster for every school with registered pupils, replacing what was there."""
    RosterEntry.objects.all().delete()
    Roster.objects.all().delete()
    kids = list(Child.objects.filter(status=Child.Status.ACTIVE, school__isnull=False).select_related("school_class")
                .only("id", "school_id", "school_class", "name", "sex", "birth_date", "id_number").order_by("id"))
    by_school: dict[int, list] = {}
    for c in kids:
        by_school.setdefault(c.school_id, []).append(c)
    entries, left_off, dropped = [], 0, 0
    for school_id, pupils in by_school.items():
        roster = Roster.objects.create(school_id=school_id, file_name="学籍名册.xlsx", rows_total=len(pupils), rows_stored=len(pupils))
        for i, c in enumerate(pupils):
            if rng.random() < 0.005:
                left_off += 1
                continue
            status = "在读"
            if rng.random() < 0.003:
                status, dropped = rng.choice(("辍学", "休学")), dropped + 1
            cls = c.school_class
            entries.append(RosterEntry(roster=roster, school_id=school_id, school_class=cls, row_no=i + 2, name=c.name, sex=c.sex,
                                       birth_date=c.birth_date, id_number=c.id_number or "", grade=cls.grade if cls else None,
                                       class_name=cls.name if cls else "", status=status))
    RosterEntry.objects.bulk_create(entries, batch_size=5000)
    return {"roster_entries": len(entries), "left_off": left_off, "roster_dropped": dropped}


def term(rng: random.Random, school_days: int, streaks: int) -> dict[str, int]:
    """A term of absences, kept by exception, ending yesterday."""
    Absence.objects.all().delete()
    cal = S.dropout_settings().calendar
    yesterday = timezone.localdate() - timedelta(days=1)
    days = list(cal.school_days_back(yesterday, limit=400))[:school_days]
    pupils = [(s, c, index or S.pupil_key(school_id=s, name=name, birth_date=birth), name)
              for s, c, index, name, birth in RosterEntry.objects.filter(status="在读", school_class__isnull=False)
              .values_list("school_id", "school_class_id", "id_number_index", "name", "birth_date")]
    rows = []
    for d in days:
        for school_id, class_id, key, name in rng.sample(pupils, int(len(pupils) * 0.03)):
            rows.append(Absence(school_id=school_id, school_class_id=class_id, pupil_key=key, name=name, day=d, excused=rng.random() < 1 / 3))
    long = rng.sample(pupils, streaks)
    seen = {(r.pupil_key, r.day) for r in rows}
    for school_id, class_id, key, name in long:
        for d in days[:rng.randrange(5, 9)]:
            if (key, d) in seen:
                continue
            rows.append(Absence(school_id=school_id, school_class_id=class_id, pupil_key=key, name=name, day=d, excused=False))
    with transaction.atomic():
        Absence.objects.bulk_create(rows, batch_size=10000, ignore_conflicts=True)
    return {"absences": Absence.objects.count(), "school_days": len(days), "planted_streaks": streaks}


def signs(rng: random.Random) -> int:
    since = timezone.localdate() - timedelta(days=20)
    ids = list(Visit.objects.filter(date__gte=since, child__school__isnull=False).values_list("id", flat=True)[:5000])
    chosen = rng.sample(ids, min(50, len(ids)))
    for v in Visit.objects.filter(id__in=chosen):
        v.concerns = [*v.concerns, "辍学迹象"]
        v.save(update_fields=["concerns"])
    return len(chosen)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--reuse", action="store_true", help="keep the county built before (same keys)")
    ap.add_argument("--school-days", type=int, default=90)
    ap.add_argument("--streaks", type=int, default=300)
    a = ap.parse_args()
    rng = random.Random(2026)
    if not a.reuse:
        bench_care.rebuild(a.size)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t = time.monotonic()
    DropoutCase.objects.all().delete()
    Notification.objects.filter(kind__in=("dropout", "escalation"), url__startswith="/schooling/").delete()
    built = {**rosters(rng), **term(rng, a.school_days, a.streaks), "visits_with_sign": signs(rng)}
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    print(f"== {Child.objects.count():,} children ({connection.vendor}); data in {time.monotonic() - t:.0f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in built.items()), flush=True)
    t = time.monotonic()
    first = A.open_due_cases()
    first_s = time.monotonic() - t
    t = time.monotonic()
    second = A.open_due_cases()
    second_s = time.monotonic() - t
    print("\n| run | opened (absence / roster / unrostered / visit) | seconds |\n|---|---|---|")
    print(f"| first (no case yet) | {' / '.join(str(v) for v in first.values())} | {first_s:.1f} |")
    print(f"| second (idempotent) | {' / '.join(str(v) for v in second.values())} | {second_s:.1f} |")
    ok = first_s < TARGET_S and second_s < TARGET_S and sum(second.values()) == 0 and first["absence"] >= a.streaks * 0.9
    print("\n" + ("PASS" if ok else "FAIL"), f"(targets: each run < {TARGET_S} s; the second opens nothing; the planted streaks found)")


if __name__ == "__main__":
    main()
