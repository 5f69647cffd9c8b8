"""The 考核 scoreboard of a quarter and of a year over a whole county, on a database already built
(by `bench/bench_care.py`: the demo county with a year of care work) or built here.

  DATABASE_URL=postgres://shouhu:shouhu@127.0.0.1:5432/shouhu_care_bench SHOUHU_SECRET_KEY=… SHOUHU_FIELD_KEYS=… SHOUHU_INDEX_KEY=… \
      .venv/bin/python bench/bench_scoreboard.py [--build 100000]

Migrates the database, then times `supervision.scoreboard.compute` for the county (every
indicator of every app, every township and school) for this quarter and this year, 3 runs each,
and prints the median. Target: < 30 s for a quarter at 100,000 children. `--build N` flushes the
database and builds the demo county of N children first (point it at a scratch database); pass the
keys the database was built with to reuse one.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhu.settings")
os.environ.setdefault("SHOUHU_DEBUG", "0")
os.environ.setdefault("SHOUHU_DEMO_NO_2FA", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from shouhu.regions.models import Region  # noqa: E402
from shouhu.registry.models import Child  # noqa: E402
from shouhu.rules import evaluation as E  # noqa: E402
from shouhu.supervision.scoreboard import compute  # noqa: E402

TARGET_S = 30.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", type=int, default=0, help="flush and build the demo county of N children first")
    args = ap.parse_args()
    call_command("migrate", verbosity=0)
    if args.build:
        from shouhu.demo.builder import build_demo

        call_command("flush", interactive=False, verbosity=0)
        build_demo(children=args.build, log=lambda *a: None)
    county = Region.objects.filter(level=3).order_by("code").first()
    today = timezone.localdate()
    year, quarter = E.quarter_of(today)
    print(f"== {Child.objects.count():,} children ({connection.vendor}), county {county.name}")
    ok = True
    for label, q in ((E.period_label(year, quarter), quarter), (E.period_label(year, None), None)):
        times = []
        for _ in range(3):
            t = time.perf_counter()
            f = compute(region=county, year=year, quarter=q, today=today)
            times.append(time.perf_counter() - t)
        med = statistics.median(times)
        ok &= med < TARGET_S if q else True
        print(f"| {label} | {len(f['townships'])} townships, {len(f['schools'])} schools | {med:.2f} s (median of 3) |")
    print("PASS" if ok else "FAIL", f"(target: a quarter < {TARGET_S:.0f} s)")


if __name__ == "__main__":
    main()
