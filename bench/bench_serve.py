"""Concurrent users against the development server and against `shouhu serve` (gunicorn + the task
worker), in one run: the village director's (zhuren) and the county admin's (admin) home page `/`
and children list `/children/`.

  DATABASE_URL=postgres://shouhu:shouhu@127.0.0.1:5432/shouhu_serve .venv/bin/python bench/bench_serve.py [--users 20 --seconds 60]

The database must already hold a demo county (`shouhu demo --children 100000 --no-server`, or a
copy: CREATE DATABASE shouhu_serve TEMPLATE shouhu_bench). Each server is started in turn on
--port; half the users log in as zhuren, half as admin (password shouhu2026), and each loops over
the two pages for --seconds. A response other than 200 (a redirect to the login page included) or
a connection error counts as an error. The development server runs as the README used to run it
(`shouhu runserver`, SHOUHU_DEBUG=1); `shouhu serve` as deploy/shouhu.env.example sets it
(SHOUHU_DEBUG=0, workers 2×cores+1). Pass: p95 < 500 ms and no error on every page.
--think S makes each user wait S seconds after a page before asking for the next (a person reads
the page); with the default 0 every user asks again at once, so 20 users are 20 requests always
in flight: the saturation figure, not a day's use.
"""
import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SHOUHU = str(Path(sys.executable).parent / "shouhu")
PAGES = ["/", "/children/"]
PASSWORD = "shouhu2026"


def start(kind: str, port: int):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shouhu.settings"}
    if kind == "runserver":
        env["SHOUHU_DEBUG"] = "1"
        cmd = [SHOUHU, "runserver", f"127.0.0.1:{port}", "--noreload"]
    else:
        env["SHOUHU_DEBUG"] = "0"
        env["SHOUHU_BIND"] = f"127.0.0.1:{port}"
        cmd = [SHOUHU, "serve"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{port}/login/", timeout=5).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"{kind} did not start on port {port}")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=40)
    except subprocess.TimeoutExpired:
        proc.kill()


def login(base: str, username: str) -> requests.Session:
    s = requests.Session()
    s.get(f"{base}/login/", timeout=30)
    r = s.post(f"{base}/login/", data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": s.cookies["csrftoken"]},
               headers={"Referer": f"{base}/login/"}, allow_redirects=False, timeout=60)
    if r.status_code != 302:
        raise SystemExit(f"login as {username} failed: {r.status_code}")
    return s


def drive(base: str, users: int, seconds: float, think: float):
    sessions = [(name, login(base, name)) for name in (["zhuren", "admin"] * users)[:users]]
    for _, s in sessions:  # one warm-up round: first-request imports, template loading
        for page in PAGES:
            s.get(base + page, timeout=60)
    samples = defaultdict(list)  # (user, page) -> [seconds]
    errors = defaultdict(int)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(name, s):
        i = 0
        while time.monotonic() < deadline:
            page = PAGES[i % len(PAGES)]
            i += 1
            t0 = time.perf_counter()
            try:
                ok = s.get(base + page, allow_redirects=False, timeout=60).status_code == 200
            except requests.RequestException:
                ok = False
            dt = time.perf_counter() - t0
            with lock:
                samples[(name, page)].append(dt)
                if not ok:
                    errors[(name, page)] += 1
            if think:
                time.sleep(think)

    threads = [threading.Thread(target=loop, args=pair) for pair in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples, errors


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--port", type=int, default=8790)
    ap.add_argument("--servers", default="runserver,serve")
    ap.add_argument("--think", type=float, default=0.0, help="seconds a user waits between pages")
    args = ap.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min), cores {os.cpu_count()}")
    rows = []
    for kind in args.servers.split(","):
        proc = start(kind, args.port)
        try:
            samples, errors = drive(f"http://127.0.0.1:{args.port}", args.users, args.seconds, args.think)
        finally:
            stop(proc)
        for (name, page), xs in sorted(samples.items()):
            p95 = pct(xs, 95)
            verdict = "PASS" if p95 < 0.5 and not errors[(name, page)] else "FAIL"
            rows.append((kind, name, page, len(xs), statistics.median(xs) * 1000, p95 * 1000, errors[(name, page)], verdict))
        print(f"load after {kind}: {os.getloadavg()[0]:.2f}", flush=True)
    print(f"\n{args.users} users, {args.seconds:.0f} s per server, think time {args.think:g} s\n")
    print("| server | user | page | requests | p50 ms | p95 ms | errors | p95 < 500 ms, 0 errors |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for kind, name, page, n, p50, p95, err, verdict in rows:
        print(f"| {kind} | {name} | `{page}` | {n} | {p50:.0f} | {p95:.0f} | {err} | {verdict} |")


if __name__ == "__main__":
    main()
