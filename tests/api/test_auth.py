"""API sign-in: tokens expire (idle, absolute), die at logout, count towards the lockout, and need
a TOTP code for the roles with a second factor (`api.auth`, `api.authentication`)."""
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from shouhu.accounts.models import ApiToken
from tests.factories import PASSWORD

URL = "/api/v1/auth/token/"


def _token(username, **extra) -> str:
    r = APIClient().post(URL, {"username": username, "password": PASSWORD, **extra}, format="json")
    assert r.status_code == 200, r.content
    return r.json()["token"]


def _client(key) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION="Token " + key)
    return c


def test_only_the_hash_is_stored(world):
    key = _token("zhuren")
    assert not ApiToken.objects.filter(digest=key).exists() and ApiToken.objects.filter(digest=ApiToken.digest_of(key)).exists()


def test_idle_token_is_401(world):
    """Reproduces finding 9: tokens never expired."""
    key = _token("zhuren")
    assert _client(key).get("/api/v1/children/").status_code == 200
    ApiToken.objects.update(last_used=timezone.now() - timedelta(hours=8, minutes=1))
    assert _client(key).get("/api/v1/children/").status_code == 401
    assert not ApiToken.objects.exists()


def test_old_token_is_401_even_if_used(world):
    key = _token("zhuren")
    ApiToken.objects.update(created=timezone.now() - timedelta(days=7, minutes=1))
    assert _client(key).get("/api/v1/children/").status_code == 401


def test_token_dead_after_api_logout(world):
    """Reproduces finding 9: tokens survived logout."""
    key = _token("zhuren")
    assert _client(key).post("/api/v1/auth/logout/").status_code == 204
    assert _client(key).get("/api/v1/children/").status_code == 401


def test_token_dead_after_web_logout(client, world):
    key = _token("zhuren")
    client.force_login(world.zhuren)
    client.post("/logout/")
    assert _client(key).get("/api/v1/children/").status_code == 401


def test_token_failures_count_towards_lockout(world, settings):
    settings.AXES_ENABLED = True
    for i in range(10):
        r = APIClient().post(URL, {"username": "zhuren", "password": "wrong"}, format="json")
        assert r.status_code == (400 if i < 9 else 429)  # the tenth failure locks
    r = APIClient().post(URL, {"username": "zhuren", "password": PASSWORD}, format="json")
    assert r.status_code == 429 and "锁定" in r.json()["detail"]


def test_full_id_role_needs_otp_for_a_token(world, settings):
    settings.SHOUHU_SECOND_FACTOR = True
    r = APIClient().post(URL, {"username": "zhuren", "password": PASSWORD}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "otp"
    device = TOTPDevice.objects.create(user=world.zhuren, name="手机", confirmed=True)
    bad = APIClient().post(URL, {"username": "zhuren", "password": PASSWORD, "otp": "abc"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "otp"
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the device wait before the next try
    code = format(totp(device.bin_key, device.step, device.t0, device.digits, device.drift), "06d")
    assert _client(_token("zhuren", otp=code)).get("/api/v1/children/").status_code == 200
    # a helper (no full ID numbers) needs no code
    _token("zhiyuanzhe")


def test_must_change_password_gets_no_token(world):
    world.zhuren.must_change_password = True
    world.zhuren.save()
    r = APIClient().post(URL, {"username": "zhuren", "password": PASSWORD}, format="json")
    assert r.status_code == 403


@pytest.mark.parametrize("body", [{}, {"username": "zhuren"}])
def test_missing_fields(world, body):
    r = APIClient().post(URL, body, format="json")
    assert r.status_code == 400 and r.json()["code"] == "required"
