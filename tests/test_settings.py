"""Settings fail closed: DEBUG only by name, no server on a public key, no `testserver` host, and
the documented production environment (README "Configuration") passes `check --deploy` clean.
Each runs `shouhu` in a fresh process, as a server would start, with only the environment given."""
import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

SHOUHU = str(Path(sys.executable).with_name("shouhu"))
PRODUCTION = {  # README "Configuration"
    "SHOUHU_SECRET_KEY": secrets.token_urlsafe(50),
    "SHOUHU_ALLOWED_HOSTS": "shouhu.example.gov.cn",
    "SHOUHU_HTTPS": "1",
    "SHOUHU_CSRF_TRUSTED_ORIGINS": "https://shouhu.example.gov.cn",
    "SHOUHU_FIELD_KEYS": base64.b64encode(os.urandom(32)).decode(),
    "SHOUHU_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
}
KEYS = {k: PRODUCTION[k] for k in ("SHOUHU_FIELD_KEYS", "SHOUHU_INDEX_KEY")}
SHOW = ("import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)")
# the suite's own environment (tests/settings.py, conftest.py) is not a deployment's
NOT_PASSED = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")


def run(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("SHOUHU_") and k not in NOT_PASSED}
    base["SHOUHU_VAR_DIR"] = os.environ.get("SHOUHU_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var"))
    return subprocess.run(list(args), env={**base, "DJANGO_SETTINGS_MODULE": "shouhu.settings", **env},
                          capture_output=True, text=True, timeout=120)


def show(**env) -> list[str]:
    r = run(sys.executable, "-c", SHOW, **env)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_without_a_secret_key_and_debug_off_the_server_refuses_to_start():
    """Reproduces the fallback to a public key ("dev-only-insecure-key-change-me"): it started."""
    r = run(SHOUHU, "check")
    assert r.returncode != 0 and "SHOUHU_SECRET_KEY" in r.stderr


@pytest.mark.parametrize("missing", ["SHOUHU_FIELD_KEYS", "SHOUHU_INDEX_KEY"])
def test_without_the_field_keys_and_debug_off_the_server_refuses_to_start(missing):
    """ID numbers and counselling notes were stored in clear; a server must not start without
    the keys that encrypt them (nor fall back to a key of its own that a restore would not have)."""
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    r = run(SHOUHU, "check", **env)
    assert r.returncode != 0 and missing in r.stderr


def test_debug_is_off_unless_asked_for_by_name_and_testserver_is_not_a_host():
    """Reproduces DEBUG on by default (debug pages list URLs, settings, SQL) and `testserver` allowed."""
    shown = show(SHOUHU_SECRET_KEY=PRODUCTION["SHOUHU_SECRET_KEY"], **KEYS)
    assert shown[0] == "False" and "testserver" not in " ".join(shown)
    assert show(SHOUHU_DEBUG="1")[0] == "True"  # a debug run needs no key


def test_the_documented_production_settings_pass_check_deploy_with_no_warning():
    r = run(SHOUHU, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout
    assert show(**PRODUCTION) == ["False", "['shouhu.example.gov.cn']", "True", "True"]


@pytest.mark.parametrize("header, value", [
    ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "microphone=()"), ("Content-Security-Policy", "script-src 'self'"), ("Content-Security-Policy", "style-src 'self'"),
    ("Content-Security-Policy", "frame-ancestors 'none'"), ("Content-Security-Policy", "object-src 'none'"),
])
def test_every_page_carries_the_security_headers(client, db, header, value):
    """Reproduces the missing CSP, Referrer-Policy and Permissions-Policy headers."""
    r = client.get("/login/")
    if header == "Content-Security-Policy":  # directives in any order; each exactly as set (no 'unsafe-inline' added)
        assert value in [d.strip() for d in r.headers.get(header, "").split(";")]
    else:
        assert value in r.headers.get(header, "")
