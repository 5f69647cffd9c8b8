"""Data-quality check time on a county database (the nightly job, and what an import triggers).

  DATABASE_URL=postgres://shouhu:shouhu@127.0.0.1:5432/shouhu_care_bench .venv/bin/python bench/bench_quality.py

Uses the children and visits already in the database (build them with bench/bench_care.py: the
demo county at 100,000 children and ~1M visits). Measures, in one process:
  - the record checks of a tenth of the villages, then of all (the ratio is the growth);
  - the duplicate finder over the county with its pairs and issues kept;
  - the group checks (copied parents, copied notes, bursts, backdating over 120 days of visits);
  - a second whole run (steady state: the issues exist, few change);
  - a form save's inline recheck of one child (the baseline the others are compared to);
  - then the quality pages (median of 5, server time through Django's test client) for the county
    admin and the township supervisor, against the children list of the same user (a page
    measured since the registry was built) as the baseline.
Issues and pairs are deleted first: the first run opens every issue.
"""
import base64
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhu.settings")
os.environ.setdefault("SHOUHU_DEBUG", "0")
# DEBUG off refuses to start without a key (settings fail closed): a throwaway one for the run
os.environ.setdefault("SHOUHU_SECRET_KEY", "bench-" + os.urandom(24).hex())
# and throwaway field-encryption keys (each run builds its own data)
os.environ.setdefault("SHOUHU_FIELD_KEYS", base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("SHOUHU_INDEX_KEY", base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("SHOUHU_DEMO_NO_2FA", "1")  # the demo accounts, as `make demo` runs them

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from shouhu.care.models import Visit  # noqa: E402
from shouhu.quality import services  # noqa: E402
from shouhu.quality.models import DuplicatePair, Issue  # noqa: E402
from shouhu.registry.models import Child  # noqa: E402


def timed(label: str, fn, *a, **kw):
    t = time.perf_counter()
    out = fn(*a, **kw)
    dt = time.perf_counter() - t
    print(f"  {label:<52} {dt:8.2f} s", flush=True)
    return out, dt


def main() -> None:
    n = Child.objects.count()
    print(f"{connection.vendor}: {n:,} children, {Visit.objects.count():,} visits; load {os.getloadavg()[0]:.1f}")
    Issue.objects.all().delete()
    DuplicatePair.objects.all().delete()
    today = timezone.localdate()
    some = list(Child.objects.order_by("id").values_list("id", flat=True)[:8])
    services.recheck_children(some[:1], today=today)  # warm up (imports, first queries)
    times = []
    for c in some[1:]:
        t = time.perf_counter()
        services.recheck_children([c], today=today)
        times.append(time.perf_counter() - t)
    base = statistics.median(times)
    print(f"  {'inline recheck of one child (a form save), median of 7':<52} {base:8.3f} s")
    villages = sorted(set(Child.objects.values_list("village_code", flat=True)))
    tenth = villages[::10]
    k = Child.objects.filter(village_code__in=tenth).count()
    ids = list(Child.objects.filter(village_code__in=tenth).values_list("id", flat=True))
    _, small = timed(f"record checks, {len(tenth)} villages ({k:,} children)", lambda: [services.recheck_children(ids[i:i + 2000], today=today) for i in range(0, len(ids), 2000)])
    ids = list(Child.objects.values_list("id", flat=True))
    _, big = timed(f"record checks, county ({n:,} children)", lambda: [services.recheck_children(ids[i:i + 2000], today=today) for i in range(0, len(ids), 2000)])
    pairs, dup = timed("duplicate finder + pairs + issues", services.find_duplicate_pairs, today=today)
    _, group = timed("group checks (parents, notes, bursts, dates)", services._group_checks, today)
    _, snap = timed("monthly snapshot", services.snapshot, today=today)
    _, again = timed("second whole run (recheck_all, steady state)", services.recheck_all, today=today)
    print(f"open issues {Issue.objects.filter(status='open').count():,}, open pairs {pairs:,}")
    pages(today)
    print(f"record checks per child: tenth {1000 * small / k:.3f} ms, county {1000 * big / n:.3f} ms "
          f"(growth ×{(big / n) / (small / k):.2f} per child); first whole run {big + dup + group + snap:.1f} s "
          f"= {(big + dup + group + snap) / base:,.0f}× one form save's recheck; steady state {again:.1f} s")


def measure(client, url: str, repeat: int = 5) -> float:
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def pages(today) -> None:
    from django.test import Client

    from shouhu.accounts.models import User

    for username in ("admin", "dudao"):
        client = Client(SERVER_NAME="localhost")  # ALLOWED_HOSTS has no "testserver" (settings fail closed)
        client.force_login(User.objects.get(username=username))
        base = measure(client, "/children/")
        print(f"  {username}: children list {1000 * base:.1f} ms (baseline)")
        for url in ("/quality/", "/quality/issues/", "/quality/issues/?code=missing_carer_id", "/quality/duplicates/"):
            ms = measure(client, url)
            print(f"  {username}: {url:<40} {1000 * ms:7.1f} ms  ×{ms / base:.2f}")


if __name__ == "__main__":
    main()
