"""Care-work page speed at 10,000 and 100,000 children (about 10 visits a child over a year), in
one run (ratios, not absolute times).

  DATABASE_URL=postgres://shouhu:shouhu@127.0.0.1:5432/shouhu_care_bench .venv/bin/python bench/bench_care.py [--small 10000 --big 100000]

Builds the demo county (`build_demo`, which ends with `care.demo.build_care_demo`: helpers,
pairings, a year of visits and family contact, wishes, activities, a running care month, then
the maintained tables), runs VACUUM ANALYZE, and measures in-process with Django's test client
(server time: routing, middleware, queries, templates) the median of N requests of
  - the township supervisor's (dudao, 毛市镇) my-tasks page, /care/tasks/;
  - the county admin's care-month progress page, /care/campaigns/<pk>/ (townships of the county).
`--explain` prints each page's queries with EXPLAIN ANALYZE at every size.
The database named by DATABASE_URL is flushed: point it at a scratch database.
"""
import argparse
import base64
import faulthandler
import os
import signal
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

faulthandler.register(signal.SIGUSR1)  # `kill -USR1 PID` prints where a long run is

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from shouhu.accounts.models import User  # noqa: E402
from shouhu.care import demo as care_demo  # noqa: E402
from shouhu.care.models import Campaign, CampaignMark, FamilyContact, Pairing, Visit, VisitDue  # noqa: E402
from shouhu.demo.builder import build_demo  # noqa: E402
from shouhu.registry.models import Child  # noqa: E402

PAGES = {"tasks_dudao": ("dudao", lambda: reverse("care:tasks")),
         "campaign_admin": ("admin", lambda: reverse("care:campaign", args=[Campaign.objects.get(start__lte=timezone.localdate(),
                                                                                                    end__gte=timezone.localdate()).pk]))}


def rebuild(n: int) -> dict:
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    t0 = time.monotonic()
    times = {}
    inner = care_demo.build_care_demo

    def timed(**kw):  # build_demo imports it when it gets there: time the care part on its own
        t = time.monotonic()
        try:
            return inner(**kw)
        finally:
            times["care_s"] = time.monotonic() - t

    care_demo.build_care_demo = timed
    try:
        build_demo(children=n, log=lambda m: print(f"  {time.monotonic() - t0:6.1f}s {m}", flush=True))
    finally:
        care_demo.build_care_demo = inner
    times["build_s"] = time.monotonic() - t0
    t = time.monotonic()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
    times["vacuum_s"] = time.monotonic() - t
    counts = {"children": Child.objects.count(), "visits": Visit.objects.count(), "contacts": FamilyContact.objects.count(),
              "pairings": Pairing.objects.count(), "visit_dues": VisitDue.objects.count(), "campaign_marks": CampaignMark.objects.count()}
    print(f"  built in {times['build_s']:.0f} s (care part {times['care_s']:.0f} s), VACUUM ANALYZE {times['vacuum_s']:.0f} s; "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)
    return {**times, **counts}


def measure(client: Client, url: str, repeat: int) -> float:
    for _ in range(3):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200
    return statistics.median(times)


def explain(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    for q in ctx.captured_queries:
        print(f"\n  -- {q['time']} s: {q['sql'][:400]}")
        if connection.vendor == "postgresql" and q["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cur:
                cur.execute("EXPLAIN ANALYZE " + q["sql"])
                for (line,) in cur.fetchall():
                    print("     " + line)
    return len(ctx.captured_queries)


def run(sizes: list[int], repeat: int, show: bool) -> dict:
    results = {}
    for n in sizes:
        print(f"== {n:,} children ({connection.vendor})", flush=True)
        row = rebuild(n)
        for name, (user, url) in PAGES.items():
            client = Client(SERVER_NAME="localhost")  # ALLOWED_HOSTS has no "testserver" (settings fail closed)
            client.force_login(User.objects.get(username=user))  # the lockout backend wants a request; the password is not what is measured
            url = url()
            row[name] = measure(client, url, repeat)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            row[name + "_queries"] = len(ctx.captured_queries)
            if show:
                print(f"  {name} {url}")
                explain(client, url)
        results[n] = row
        print("  " + "  ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()), flush=True)
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--explain", action="store_true", help="print every query of the pages with EXPLAIN ANALYZE")
    a = ap.parse_args()
    res = run([a.small, a.big], a.repeat, a.explain)
    small, big = res[a.small], res[a.big]
    print(f"\n| | {a.small:,} children | {a.big:,} children |")
    print("|---|---|---|")
    for k in ("children", "visits", "contacts", "pairings", "visit_dues", "campaign_marks"):
        print(f"| {k} | {small[k]:,} | {big[k]:,} |")
    for k in ("build_s", "care_s", "vacuum_s"):
        print(f"| {k} | {small[k]:.0f} | {big[k]:.0f} |")
    print(f"\n| page | {a.small:,} children (ms) | {a.big:,} children (ms) | growth | queries |")
    print("|---|---|---|---|---|")
    ok = True
    for name in PAGES:
        growth = big[name] / small[name]
        ok &= growth < 2 and big[name] < 500
        print(f"| {name} | {small[name]:.1f} | {big[name]:.1f} | {growth:.2f}× | {small[name + '_queries']} / {big[name + '_queries']} |")
    print("\n" + ("PASS" if ok else "FAIL"), "(targets: growth < 2×, absolute < 500 ms)")


if __name__ == "__main__":
    main()
