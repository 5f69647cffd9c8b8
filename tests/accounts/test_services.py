"""Account changes: nobody grants a role to themselves; every grant, removal and activation is logged."""
import pytest
from django.urls import reverse

from shouhu.accounts import services
from shouhu.accounts.models import Assignment
from shouhu.audit.models import AccessLog
from shouhu.core.errors import Forbidden
from tests.factories import PASSWORD, make_user


def test_admin_cannot_grant_himself_counsellor(world):
    """Reproduces: the county admin gave himself the counsellor role and read every counselling note."""
    with pytest.raises(Forbidden) as exc:
        services.assignment_grant(actor=world.admin, target=world.admin, assignment=Assignment(role="counsellor", school=world.jinxing))
    assert exc.value.code == "self_grant"
    assert not world.admin.assignments.filter(role="counsellor").exists()


def test_no_role_to_oneself_at_all(world):
    with pytest.raises(Forbidden):
        services.assignment_grant(actor=world.admin, target=world.admin, assignment=Assignment(role="village_director", region=world.guangrong))


def test_self_grant_refused_on_the_page(client, world):
    assert client.login(username="admin", password=PASSWORD)
    r = client.post(reverse("accounts:user", args=[world.admin.pk]), {"role": "counsellor", "school": world.jinxing.pk})
    assert r.status_code == 200 and "不能给自己分配角色" in r.content.decode()
    assert not world.admin.assignments.filter(role="counsellor").exists()


def test_grant_by_another_admin_is_logged_and_listed(client, world):
    """Reproduces: role changes were not logged; now the grant is a row and shows on the audit page."""
    admin2 = make_user("admin2", "county_admin", region=world.county)
    a = services.assignment_grant(actor=admin2, target=world.admin, assignment=Assignment(role="counsellor", school=world.jinxing))
    row = AccessLog.objects.get(action="role_grant")
    assert (row.username, row.target, row.scope) == ("admin2", "admin", "counsellor") and "心理辅导员" in row.detail
    services.assignment_revoke(actor=world.admin, target=world.admin, assignment_id=a.pk)
    assert AccessLog.objects.filter(action="role_revoke", username="admin", target="admin", scope="counsellor").exists()
    assert client.login(username="admin", password=PASSWORD)
    page = client.get(reverse("audit:log")).content.decode()
    assert "保密角色变更" in page and page.count("心理辅导员 · 金星小学") >= 2


def test_revoke_of_another_users_assignment_is_404(world):
    a = world.zhuren.assignments.get()
    with pytest.raises(Exception) as exc:
        services.assignment_revoke(actor=world.admin, target=world.dudao, assignment_id=a.pk)
    assert getattr(exc.value, "status", None) == 404
    assert Assignment.objects.filter(pk=a.pk).exists()


def test_activation_changes_and_user_creation_are_logged(client, world):
    assert client.login(username="admin", password=PASSWORD)
    client.post(reverse("accounts:user_active", args=[world.zhuren.pk]))
    client.post(reverse("accounts:user_active", args=[world.zhuren.pk]))
    assert list(AccessLog.objects.filter(target="zhuren").order_by("id").values_list("action", flat=True)) == ["deactivate", "activate"]
    client.post(reverse("accounts:user_new"), {"username": "zhuren9", "display_name": "新主任", "password": "abcd1234efg",
                                                "role": "village_director", "region": world.lianfu.pk})
    assert list(AccessLog.objects.filter(target="zhuren9").order_by("id").values_list("action", flat=True)) == ["user_create", "role_grant"]


def test_cannot_deactivate_oneself(world):
    with pytest.raises(Forbidden):
        services.user_set_active(actor=world.admin, target=world.admin, active=False)
