import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from shouhu.demo.builder import PASSWORD, build_demo


class Command(BaseCommand):
    help = "Build a fresh demo county database (监利市) and start the server."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--no-server", action="store_true")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--addr", default="127.0.0.1")

    def handle(self, *args, children, seed, no_server, port, addr, **opts):
        t0 = time.monotonic()
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(str(db["NAME"]) + suffix).unlink(missing_ok=True)
            call_command("migrate", verbosity=0)
        else:
            call_command("migrate", verbosity=0)
            call_command("flush", interactive=False, verbosity=0)
        result = build_demo(children=children, seed=seed, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(
            f"演示数据已生成：{result.children} 名儿童，{result.villages} 个村（社区），{result.schools} 所学校（{time.monotonic() - t0:.0f} 秒）"))
        url = f"http://{addr}:{port}/"
        self.stdout.write("\n演示账号（密码均为 %s）：" % PASSWORD)
        for username, label in result.users:
            self.stdout.write(f"  {username:<12} {label}")
        if no_server:
            return
        # Background jobs (recompute after a settings change, imports) need a worker beside the server.
        worker = subprocess.Popen([sys.executable, "-m", "shouhu.manage", "db_worker", "--interval", "1", "--no-startup-delay"])
        # and the clock production runs from a timer (deploy/shouhu-escalate.timer): deadlines pass while the demo runs
        clock = subprocess.Popen([sys.executable, "-m", "shouhu.manage", "escalate", "--every", "300"], stdout=subprocess.DEVNULL)
        self.stdout.write(self.style.SUCCESS(f"\n守护 已启动：{url}\n"))
        try:
            call_command("runserver", f"{addr}:{port}", use_reloader=False)
        finally:
            worker.terminate()
            clock.terminate()
