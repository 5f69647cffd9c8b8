"""Early-warning alerts at 10,000 and 100,000 children (the care benchmark's county), in one run.

  DATABASE_URL=postgres://shouhu:shouhu@127.0.0.1:5432/shouhu_alerts_bench .venv/bin/python bench/bench_alerts.py [--small 10000 --big 100000]

Builds the demo county with care records (`bench_care.rebuild`: the build ends with the alert demo),
then measures:
  - the full alert run (`protection.services.evaluate_all`) over every child, twice: the first
    after deleting every alert (all opened), the second steady (nothing changes; the nightly);
  - the incremental re-evaluation after one save: `registry.services.child_update` of one child
    and its commit hooks (care refresh and alerts), median of 15 — and the alert part alone;
  - pages, median of N requests (server time, Django's test client): the township supervisor's
    home page (dudao, with the alert card) and the alert list.
Targets: full run < 60 s at 100,000; incremental < 200 ms; pages grow < 2× and stay < 500 ms.
The database named by DATABASE_URL is flushed: point it at a scratch database.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_care  # noqa: E402  (sets up Django)
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from shouhu.accounts.models import User  # noqa: E402
from shouhu.protection import services  # noqa: E402
from shouhu.protection.models import Alert, AlertEvent  # noqa: E402
from shouhu.registry.models import Child  # noqa: E402
from shouhu.registry.services import child_update  # noqa: E402

PAGES = {"home_dudao": ("dudao", lambda: "/"), "alerts_dudao": ("dudao", lambda: reverse("protection:alerts"))}


def incremental(repeat: int = 15) -> tuple[float, float]:
    """(whole save with its commit hooks, the alert part alone), ms, median."""
    zhuren = User.objects.get(username="zhuren")
    kids = list(Child.objects.filter(village_code__startswith="421088109200", status="active").order_by("id")[:repeat])
    whole, alert_only = [], []
    for kid in kids:
        kid.living_alone = not kid.living_alone
        t0 = time.perf_counter()
        with transaction.atomic():
            child_update(actor=zhuren, child=kid)
        whole.append((time.perf_counter() - t0) * 1000)  # on_commit hooks ran at the block's end
        t0 = time.perf_counter()
        services.evaluate_children([kid.pk])
        alert_only.append((time.perf_counter() - t0) * 1000)
    return statistics.median(whole), statistics.median(alert_only)


def run(sizes: list[int], repeat: int) -> dict:
    out = {}
    for n in sizes:
        print(f"== {n:,} children ({connection.vendor})", flush=True)
        row = bench_care.rebuild(n)
        AlertEvent.objects.all().delete()
        Alert.objects.all().delete()
        t0 = time.monotonic()
        c = services.evaluate_all()
        row["full_first_s"] = time.monotonic() - t0
        row["alerts"] = c["opened"]
        t0 = time.monotonic()
        services.evaluate_all()
        row["full_steady_s"] = time.monotonic() - t0
        row["save_ms"], row["eval_one_ms"] = incremental()
        for name, (user, url) in PAGES.items():
            client = Client(SERVER_NAME="localhost")  # ALLOWED_HOSTS has no "testserver" (settings fail closed)
            client.force_login(User.objects.get(username=user))  # the lockout backend wants a request; the password is not what is measured
            row[name] = bench_care.measure(client, url(), repeat)
        out[n] = row
        print("  " + "  ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=30)
    a = ap.parse_args()
    res = run([a.small, a.big], a.repeat)
    small, big = res[a.small], res[a.big]
    print(f"\n| | {a.small:,} children | {a.big:,} children |")
    print("|---|---|---|")
    for k in ("children", "visits", "alerts"):
        print(f"| {k} | {small[k]:,} | {big[k]:,} |")
    for k in ("full_first_s", "full_steady_s", "save_ms", "eval_one_ms"):
        print(f"| {k} | {small[k]:.1f} | {big[k]:.1f} |")
    print(f"\n| page | {a.small:,} children (ms) | {a.big:,} children (ms) | growth |")
    print("|---|---|---|---|")
    ok = big["full_first_s"] < 60 and big["full_steady_s"] < 60 and big["eval_one_ms"] < 200
    for name in PAGES:
        growth = big[name] / small[name]
        ok &= growth < 2 and big[name] < 500
        print(f"| {name} | {small[name]:.1f} | {big[name]:.1f} | {growth:.2f}× |")
    print("\n" + ("PASS" if ok else "FAIL"), "(targets: full run < 60 s, one child < 200 ms, pages growth < 2× and < 500 ms)")


if __name__ == "__main__":
    main()
