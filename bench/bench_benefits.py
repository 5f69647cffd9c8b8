"""The county's 兜底率 over a whole county, on a database already built or built here.

  DATABASE_URL=postgres://shouhu:shouhu@127.0.0.1:5432/shouhu_benefits_bench SHOUHU_SECRET_KEY=… SHOUHU_FIELD_KEYS=… SHOUHU_INDEX_KEY=… \
      .venv/bin/python bench/bench_benefits.py [--build 100000]

Migrates the database, then times, as the county admin, the 兜底率 page's figures
(`benefits.selectors.region_coverage` for the county: one row per township), the county's 应享未享
list, and the scoreboard's 兜底率 indicator (every village and school), 5 runs each, and prints the
medians. Target: the county's 兜底率 < 1 s at 100,000 children. `--build N` flushes the database and
builds the demo county's register of N children and its grants first (a few eligible children left
out; the rest of the demo — care work, alerts — plays no part in the figure).
"""
import argparse
import os
import random
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

from shouhu.accounts.models import User  # noqa: E402
from shouhu.benefits import selectors as S  # noqa: E402
from shouhu.benefits.demo import build_benefits_demo  # noqa: E402
from shouhu.benefits.models import Grant  # noqa: E402
from shouhu.regions.models import Region  # noqa: E402
from shouhu.registry.demo import build_registry_demo  # noqa: E402
from shouhu.registry.models import Child  # noqa: E402

TARGET_S = 1.0


def _median(fn, runs: int = 5) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", type=int, default=0, help="flush and build the demo county of N children first")
    args = ap.parse_args()
    call_command("migrate", verbosity=0)
    if args.build:
        call_command("flush", interactive=False, verbosity=0)
        t = time.perf_counter()
        build_registry_demo(children=args.build, log=lambda *a: None)  # the county's children, as the demo makes them
        build_benefits_demo(today=timezone.localdate(), rng=random.Random(2037), log=lambda *a: None)  # and their grants
        print(f"built in {time.perf_counter() - t:.0f} s")
    county = Region.objects.filter(level=3).order_by("code").first()
    admin = User.objects.get(username="admin")
    month = timezone.localdate().replace(day=1)
    print(f"== {Child.objects.count():,} children, {Grant.objects.count():,} grants ({connection.vendor}), county {county.name}")
    rate_s, cov = _median(lambda: S.region_coverage(admin, county, month))
    print(f"| county 兜底率 ({len(cov['units'])} townships) | {cov['eligible']:,} eligible, {cov['missing']:,} missing, {cov['rate']}% | "
          f"{rate_s * 1000:.0f} ms |")
    miss_s, rows = _median(lambda: S.missing_children(admin, county, month))
    print(f"| county 应享未享 list | {len(rows):,} children | {miss_s * 1000:.0f} ms |")
    ind_s, counts = _median(lambda: S.benefit_counts(first=month, last=timezone.localdate(), today=timezone.localdate()))
    print(f"| 兜底率 indicator | {len(counts['places']):,} villages, {len(counts['schools']):,} schools | {ind_s * 1000:.0f} ms |")
    print("PASS" if rate_s < TARGET_S else "FAIL", f"(target: the county's 兜底率 < {TARGET_S:.0f} s)")


if __name__ == "__main__":
    main()
