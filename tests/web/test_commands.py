"""The production commands of the composition layer: `shouhu serve` (gunicorn and the task worker,
supervised) and `shouhu create-admin` (the first county admin). Before them a county ran Django's
development server, nothing restarted the worker, and a new installation had no way to make an
admin who could see the county."""
import io
import sys

import pytest
from django.core.management import CommandError, call_command

from shouhu.accounts.models import User
from shouhu.web.management.commands import serve


def test_gunicorn_access_log_carries_paths_not_query_strings():
    """Reproduces the leak a default log would have: %(r)s and %(q)s include the query string."""
    argv = serve.gunicorn_argv(bind="127.0.0.1:9", workers=3, timeout=30)
    fmt = argv[argv.index("--access-logformat") + 1]
    assert "%(U)s" in fmt
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "%(a)s"):
        assert leaky not in fmt
    assert argv[argv.index("--workers") + 1] == "3" and argv[argv.index("--bind") + 1] == "127.0.0.1:9"


def _script(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_supervisor_restarts_a_dead_worker_and_stops_with_the_web_server(tmp_path):
    """The worker dies at once each time; the supervisor starts it again until gunicorn exits."""
    web = serve.subprocess.Popen(_script("import time; time.sleep(3)"))
    count = tmp_path / "starts"
    worker = _script(f"open({str(count)!r}, 'a').write('x')")
    sup = serve.Supervisor(web, worker, env=None, log=lambda m: None, poll=0.05, max_backoff=0.1)
    sup.start_worker = lambda: setattr(sup, "worker", serve.subprocess.Popen(worker))
    assert sup.run() == 0
    assert count.read_text().count("x") >= 3
    assert sup.restarts >= 2


@pytest.mark.django_db
def test_create_admin_assigns_the_county(world, monkeypatch):
    monkeypatch.setenv("SHOUHU_ADMIN_PASSWORD", "a-long-county-pass")
    call_command("create-admin", "xianli", "--region", world.county.code, stdout=io.StringIO())
    user = User.objects.get(username="xianli")
    assert user.check_password("a-long-county-pass")
    assert [(a.role, a.region_id) for a in user.assignments.all()] == [("county_admin", world.county.pk)]


@pytest.mark.django_db
def test_create_admin_refuses_an_unknown_region_and_a_weak_password(world, monkeypatch):
    monkeypatch.setenv("SHOUHU_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError):
        call_command("create-admin", "xianli", "--region", world.county.code)
    monkeypatch.setenv("SHOUHU_ADMIN_PASSWORD", "a-long-county-pass")
    with pytest.raises(CommandError, match="load-regions"):
        call_command("create-admin", "xianli", "--region", "999999")
    assert not User.objects.filter(username="xianli").exists()
