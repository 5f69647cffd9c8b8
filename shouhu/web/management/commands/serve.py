"""`shouhu serve`: the production server for one box — gunicorn for the pages and the task
worker (`db_worker`) beside it, the worker restarted when it dies. A county that prefers systemd
runs the two as separate units instead (deploy/shouhu-web.service, deploy/shouhu-worker.service)."""
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# The access log shows method, path (never the query string: %(U)s, not %(r)s or %(q)s), status,
# size and time. Searches by ID number go by POST and children are addressed by opaque UUIDs, so
# the path carries no personal data (未保法 Art. 72: children's personal information is protected).
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def default_workers() -> int:
    # gunicorn's rule of thumb; pages wait on the database more than on Python
    return 2 * (os.cpu_count() or 1) + 1


def gunicorn_argv(*, bind: str, workers: int, timeout: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "shouhu.wsgi:application",
        "--bind", bind,
        "--workers", str(workers),
        "--timeout", str(timeout),
        # register-sheet imports and exports are the slow requests; a worker is recycled now and
        # then so a leak in a library cannot grow without bound
        "--max-requests", "2000", "--max-requests-jitter", "200",
        "--access-logfile", "-",
        "--access-logformat", ACCESS_LOG_FORMAT,
        "--error-logfile", "-",
        # trust X-Forwarded-* only from the nginx in front (deploy/nginx.conf)
        "--forwarded-allow-ips", os.environ.get("SHOUHU_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]


def worker_argv() -> list[str]:
    return [sys.executable, "-m", "shouhu.manage", "db_worker", "--no-reload", "--queue-name", "*"]


class Command(BaseCommand):
    help = "Run the production web server (gunicorn) and the background task worker, supervised."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("SHOUHU_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SHOUHU_WEB_WORKERS") or default_workers()))
        parser.add_argument("--timeout", type=int, default=int(os.environ.get("SHOUHU_WEB_TIMEOUT", "120")))
        parser.add_argument("--no-worker", action="store_true", help="pages only (the worker runs elsewhere)")
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, **opts):
        if settings.DEBUG:
            self.stderr.write("警告：SHOUHU_DEBUG 未设为 0，生产环境请关闭调试模式。")
        if not opts["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "shouhu.settings")}
        web = subprocess.Popen(gunicorn_argv(bind=opts["bind"], workers=opts["workers"], timeout=opts["timeout"]), env=env)
        supervisor = Supervisor(web, None if opts["no_worker"] else worker_argv(), env=env, log=self.stderr.write)
        signal.signal(signal.SIGTERM, supervisor.stop)
        signal.signal(signal.SIGINT, supervisor.stop)
        sys.exit(supervisor.run())


class Supervisor:
    """Keeps the task worker alive beside gunicorn (which supervises its own workers). When
    gunicorn itself exits, everything stops: a box without pages must be noticed, not limp on."""

    def __init__(self, web, worker_cmd, *, env, log, poll=1.0, max_backoff=30.0):
        self.web, self.worker_cmd, self.env, self.log = web, worker_cmd, env, log
        self.poll, self.max_backoff = poll, max_backoff
        self.worker = None
        self.restarts = 0
        self.stopping = False

    def start_worker(self):
        self.worker = subprocess.Popen(self.worker_cmd, env=self.env)

    def stop(self, *_):
        self.stopping = True

    def run(self) -> int:
        if self.worker_cmd:
            self.start_worker()
        backoff, next_start = 1.0, None
        while not self.stopping:
            if self.web.poll() is not None:
                self.log(f"gunicorn 已退出（{self.web.returncode}），停止服务")
                break
            if self.worker is not None and next_start is None and self.worker.poll() is not None:
                self.log(f"任务进程已退出（{self.worker.returncode}），{backoff:.0f} 秒后重启")
                next_start = time.monotonic() + backoff
                backoff = min(backoff * 2, self.max_backoff)
            if next_start is not None and time.monotonic() >= next_start:
                self.start_worker()
                self.restarts += 1
                next_start = None
            time.sleep(self.poll)
        for proc in (self.worker, self.web):
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in (self.worker, self.web):
            if proc is not None:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        return self.web.returncode or 0
