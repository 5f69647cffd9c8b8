"""Registry read speed at 1,000 and 100,000 children, in one run (ratios, not absolute times).

  DATABASE_URL=postgres://shouhu:shouhu@127.0.0.1:5432/shouhu_bench .venv/bin/python bench/bench_registry.py [--big 100000]

Measures, in-process with Django's test client (server time: URL routing, middleware, queries,
template rendering), the median of N requests of
  - the children list filtered to one township (毛市镇), as the county admin;
  - the county admin's home page (底数 by township, the townships' progress);
  - the same with its cached progress counts expired (printed, not a target: once per 5 minutes);
and the number of SQL queries of the list at page sizes 10 and 100 (must be equal).
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

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from shouhu.accounts.models import User  # noqa: E402
from shouhu.demo.builder import build_demo  # noqa: E402

PAGES = {"list_township": "/children/?region=421088109", "home_admin": "/"}


def rebuild(n: int) -> None:
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    cache.clear()  # the home page's progress counts are cached: never carry the small county's into the big one
    t0 = time.monotonic()
    build_demo(children=n, log=lambda m: print(f"  {time.monotonic() - t0:6.1f}s {m}", flush=True))
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
    print(f"  built {n} children in {time.monotonic() - t0:.1f} s", flush=True)


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


def measure_cold(client: Client, url: str, repeat: int = 5) -> float:
    """The page with its short-lived cached counts expired (the first request after five minutes)."""
    times = []
    for _ in range(repeat):
        cache.clear()
        t0 = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def run(sizes: list[int], repeat: int) -> dict:
    results = {}
    for n in sizes:
        print(f"== {n} children ({connection.vendor})", flush=True)
        rebuild(n)
        client = Client(SERVER_NAME="localhost")  # ALLOWED_HOSTS has no "testserver" (settings fail closed)
        client.force_login(User.objects.get(username="admin"))  # the lockout backend wants a request; the password is not what is measured
        row = {name: measure(client, url, repeat) for name, url in PAGES.items()}
        row["home_admin_cold"] = measure_cold(client, PAGES["home_admin"])
        row["queries_per10"] = queries(client, PAGES["list_township"] + "&per=10")
        row["queries_per100"] = queries(client, PAGES["list_township"] + "&per=100")
        results[n] = row
        print("  " + "  ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()), flush=True)
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=30)
    a = ap.parse_args()
    res = run([a.small, a.big], a.repeat)
    small, big = res[a.small], res[a.big]
    print(f"\n| page | {a.small:,} children (ms) | {a.big:,} children (ms) | growth |")
    print("|---|---|---|---|")
    ok = True
    for name in PAGES:
        growth = big[name] / small[name]
        ok &= growth < 2 and big[name] < 300
        print(f"| {name} | {small[name]:.1f} | {big[name]:.1f} | {growth:.2f}× |")
    cold = big["home_admin_cold"] / small["home_admin_cold"]
    print(f"| home_admin, cache expired (not a target: once per 5 minutes) | {small['home_admin_cold']:.1f} | {big['home_admin_cold']:.1f} | {cold:.2f}× |")
    same = big["queries_per10"] == big["queries_per100"]
    print(f"\nlist queries at page size 10 / 100: {big['queries_per10']} / {big['queries_per100']} ({'independent' if same else 'DEPENDS ON PAGE SIZE'})")
    print("PASS" if ok and same else "FAIL", "(targets: growth < 2×, absolute < 300 ms, query count independent of page size)")


if __name__ == "__main__":
    main()
