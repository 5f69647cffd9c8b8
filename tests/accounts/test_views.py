"""County admin pages: users and assignments, county settings (with background recompute)."""
import pytest
from django.urls import reverse

from shouhu.accounts.models import User
from shouhu.registry.models import Child, CountySetting
from tests.factories import PASSWORD, make_child, months_ago


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.parametrize("url", ["accounts:users", "accounts:user_new", "registry:settings"])
def test_only_county_admin(client, world, url):
    for user in (world.dudao, world.zhuren, world.xiaozhang, world.partner, world.volunteer):
        login(client, user)
        assert client.get(reverse(url)).status_code == 404
    login(client, world.admin)
    assert client.get(reverse(url)).status_code == 200


def test_create_user_with_assignment_and_errors(client, world):
    login(client, world.admin)
    r = client.post(reverse("accounts:user_new"), {"username": "zhuren9", "display_name": "新主任", "password": "abcd1234efg", "role": "village_director"})
    assert r.status_code == 200 and "该角色需要选择区划" in r.content.decode()
    r = client.post(reverse("accounts:user_new"), {"username": "zhuren9", "display_name": "新主任", "password": "abcd1234efg",
                                                   "role": "village_director", "region": world.lianfu.pk})
    assert r.status_code == 302
    u = User.objects.get(username="zhuren9")
    assert [a.region for a in u.assignments.all()] == [world.lianfu]
    assert client.login(username="zhuren9", password="abcd1234efg")


def test_deactivated_user_cannot_log_in(client, world):
    login(client, world.admin)
    client.post(reverse("accounts:user_active", args=[world.zhuren.pk]))
    assert not client.login(username="zhuren", password=PASSWORD)


def test_threshold_change_recomputes_in_background(client, world):
    # parents away 4 months: not left-behind at 6 months, left-behind at 3
    kid = make_child(world.admin, world.guangrong, father_since=months_ago(4), mother_since=months_ago(4))
    assert kid.status == "exited" and not kid.is_left_behind
    login(client, world.admin)
    r = client.post(reverse("registry:settings"), {"left_behind_min_months": 3})
    assert r.status_code == 302
    assert CountySetting.current().left_behind_min_months == 3
    kid = Child.objects.get(pk=kid.pk)
    assert kid.is_left_behind and kid.status == "active"
    assert "已满3个月" in kid.category_reasons["left_behind"]
    r = client.post(reverse("registry:settings"), {"left_behind_min_months": 0})
    assert "1到24" in r.content.decode()
