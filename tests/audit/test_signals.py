"""Sign-ins, failures and sign-outs are in the access log (the password never is)."""
from shouhu.audit.models import AccessLog
from tests.factories import PASSWORD


def test_login_failure_and_logout_are_logged(client, world):
    """Reproduces: logins and failed logins left no trace."""
    assert not client.login(username="zhuren", password="wrong-password-123")
    fail = AccessLog.objects.get(action="login_failed")
    assert fail.username == "zhuren" and fail.user_id == world.zhuren.pk
    assert "wrong-password" not in fail.detail
    assert client.login(username="zhuren", password=PASSWORD)
    assert AccessLog.objects.filter(action="login", username="zhuren").count() == 1
    client.logout()
    assert AccessLog.objects.filter(action="logout", username="zhuren").count() == 1


def test_failed_login_of_unknown_username(client, db):
    assert not client.login(username="nobody", password="x")
    row = AccessLog.objects.get(action="login_failed")
    assert row.username == "nobody" and row.user_id is None

