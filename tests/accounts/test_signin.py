"""Sign-in hardening: lockout per username, the second factor, password rules and the forced change,
idle sessions; the county admin's unlock page (`accounts.signin`, `accounts.security`, `accounts.middleware`)."""
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shouhu.accounts.models import ApiToken, User
from tests.factories import PASSWORD, make_user


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True


@pytest.fixture
def second_factor(settings):
    settings.SHOUHU_SECOND_FACTOR = True


def _login_page(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def _signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def _code(device) -> str:
    return format(totp(device.bin_key, device.step, device.t0, device.digits, device.drift), "06d")


def test_25_wrong_passwords_then_the_right_one_is_refused(client, world, lockout):
    """Reproduces finding 9: 25 wrong passwords, then the right one, used to sign in."""
    for _ in range(25):
        _login_page(client, "zhuren", "wrong-password")
    r = _login_page(client, "zhuren", PASSWORD)
    assert r.status_code == 429 and "已锁定15分钟" in r.content.decode()
    assert not _signed_in(client)


def test_lock_is_per_username(client, world, lockout):
    for _ in range(10):
        _login_page(client, "zhuren", "wrong-password")
    assert _login_page(client, "zhuren", PASSWORD).status_code == 429
    assert _login_page(client, "dudao", PASSWORD).status_code == 302


def test_lock_ends_after_cooloff(client, world, lockout, settings):
    for _ in range(10):
        _login_page(client, "zhuren", "wrong-password")
    settings.AXES_COOLOFF_TIME = timedelta(seconds=0)
    assert _login_page(client, "zhuren", PASSWORD).status_code == 302


def test_county_admin_unlocks_and_other_roles_get_404(client, world, lockout):
    for _ in range(10):
        _login_page(client, "zhuren", "wrong-password")
    for other in (world.dudao, world.zhuren_lianfu, world.xiaozhang, world.volunteer):
        client.force_login(other)
        assert client.get(reverse("accounts:lockouts")).status_code == 404
        assert client.post(reverse("accounts:unlock"), {"username": "zhuren"}).status_code == 404
    client.logout()
    assert _login_page(client, "zhuren", PASSWORD).status_code == 429
    client.force_login(world.admin)
    page = client.get(reverse("accounts:lockouts")).content.decode()
    assert "zhuren" in page
    r = client.post(reverse("accounts:unlock"), {"username": "zhuren"}, follow=True)
    assert "已解锁 zhuren" in r.content.decode()
    client.logout()
    assert _login_page(client, "zhuren", PASSWORD).status_code == 302


@pytest.mark.parametrize("weak", ["12345678", "1234567890", "password123", "zhuren2026"])
def test_weak_passwords_refused_on_change(client, world, weak):
    """Reproduces finding 9: "12345678" was accepted."""
    client.force_login(world.zhuren)
    r = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak})
    assert r.status_code == 200 and "is-invalid" in r.content.decode()
    assert User.objects.get(pk=world.zhuren.pk).check_password(PASSWORD)


def test_weak_initial_password_refused_on_create(client, world):
    client.force_login(world.admin)
    r = client.post(reverse("accounts:user_new"), {"username": "zhuren9", "display_name": "新主任", "password": "12345678",
                                                   "role": "village_director", "region": world.lianfu.pk})
    assert r.status_code == 200 and not User.objects.filter(username="zhuren9").exists()


def test_created_user_must_change_password_first(client, world):
    """Reproduces finding 9: the form told users to change the initial password, but there was no page
    and nothing made them."""
    client.force_login(world.admin)
    client.post(reverse("accounts:user_new"), {"username": "zhuren9", "display_name": "新主任", "password": "lianfu-chushi-2026",
                                               "role": "village_director", "region": world.lianfu.pk})
    assert client.login(username="zhuren9", password="lianfu-chushi-2026")
    r = client.get(reverse("registry:list"))
    assert r.status_code == 302 and r["Location"] == reverse("password_change")
    assert "初始密码由管理员设置" in client.get(reverse("password_change")).content.decode()
    r = client.post(reverse("password_change"), {"old_password": "lianfu-chushi-2026", "new_password1": "Wo-de-xin-mima-88",
                                                 "new_password2": "Wo-de-xin-mima-88"})
    assert r.status_code == 302
    assert client.get(reverse("registry:list")).status_code == 200  # the session survived the change
    assert not User.objects.get(username="zhuren9").must_change_password


def test_password_change_kills_api_tokens(client, world):
    ApiToken.issue(world.zhuren)
    client.force_login(world.zhuren)
    client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "Wo-de-xin-mima-88", "new_password2": "Wo-de-xin-mima-88"})
    assert not ApiToken.objects.filter(user=world.zhuren).exists()


def test_logout_kills_api_tokens(client, world):
    ApiToken.issue(world.zhuren)
    client.force_login(world.zhuren)
    client.post(reverse("logout"))
    assert not ApiToken.objects.filter(user=world.zhuren).exists()


def test_full_id_role_cannot_reach_children_without_otp(client, world, second_factor):
    """Reproduces finding 9: no second factor for roles that see full ID numbers."""
    assert client.login(username="zhuren", password=PASSWORD)
    r = client.get(reverse("registry:list"))
    assert r.status_code == 302 and r["Location"] == reverse("otp_enrol")
    assert client.get("/api/v1/children/").status_code == 403  # the session does not open the API either
    page = client.get(reverse("otp_enrol")).content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=world.zhuren)
    r = client.post(reverse("otp_enrol"), {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "验证码不正确" in r.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the device wait before the next try
    assert client.post(reverse("otp_enrol"), {"code": _code(device)}).status_code == 302
    assert client.get(reverse("registry:list")).status_code == 200
    # the next sign-in asks for a code from the enrolled device
    client.logout()
    assert client.login(username="zhuren", password=PASSWORD)
    r = client.get(reverse("registry:list"))
    assert r["Location"] == reverse("otp_verify")
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    assert client.post(reverse("otp_verify"), {"code": _code(device)}).status_code == 302
    assert client.get(reverse("registry:list")).status_code == 200


@pytest.mark.parametrize("who,needs", [("admin", True), ("edu", True), ("zhuren", True), ("xiaozhang", False),
                                       ("banzhuren", False), ("volunteer", False), ("partner", False)])
def test_second_factor_follows_the_role_table(client, world, second_factor, who, needs):
    client.force_login(getattr(world, who))
    r = client.get(reverse("home"))
    assert (r.status_code == 302 and r["Location"] == reverse("otp_enrol")) is needs


def test_counsellor_needs_second_factor(client, world, second_factor):
    make_user("xinli", "counsellor", school=world.jinxing)
    assert client.login(username="xinli", password=PASSWORD)
    assert client.get(reverse("home"))["Location"] == reverse("otp_enrol")


def test_session_expires_after_30_minutes_idle(client, world):
    """Reproduces finding 9: sessions lasted 8 hours whatever the user did."""
    client.force_login(world.zhuren)
    client.get(reverse("home"))
    session = Session.objects.get()
    left = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < left <= timedelta(minutes=30)
    session.expire_date = timezone.now() - timedelta(seconds=1)  # 30 minutes without a request
    session.save()
    r = client.get(reverse("registry:list"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("https,secure", [("1", "True"), ("0", "False")])
def test_cookies_are_secure_under_https(https, secure):
    """Reproduces finding 9: no Secure flag on the session cookie."""
    code = "import shouhu.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"SHOUHU_HTTPS": https, "SHOUHU_SECRET_KEY": "k" * 50, "PATH": "/usr/bin:/bin",
                              "SHOUHU_FIELD_KEYS": "a" * 44, "SHOUHU_INDEX_KEY": "b" * 44}).stdout.split()
    assert out == [secure, secure]
