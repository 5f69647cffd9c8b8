"""The county's access-log page: counselling rows name the child only to counsellors."""
from django.urls import reverse

from shouhu.accounts.models import Assignment
from shouhu.audit.services import log_access
from tests.factories import PASSWORD, make_child, make_user


def _setup(world):
    child = make_child(world.admin, world.guangrong, name="陆金兰", school=world.jinxing, school_class=world.c31)
    xinli = make_user("xinli", "counsellor", school=world.jinxing)
    log_access(actor=xinli, action="view", child=child, detail="查看心理辅导记录", confidential=True)
    return child


def test_counselling_rows_do_not_name_the_child_to_the_admin(client, world):
    """Reproduces: the access log showed the county admin which children are in counselling."""
    child = _setup(world)
    assert client.login(username="admin", password=PASSWORD)
    page = client.get(reverse("audit:log")).content.decode()
    assert "陆金兰" not in page and "（保密）" in page and "xinli" in page
    # nor can the child filter find them
    page = client.post(reverse("audit:log"), {"child": "陆金兰"}, follow=True).content.decode()
    assert "xinli" not in page.split("共")[1]
    page = client.get(reverse("audit:log"), {"child": str(child.uid)}).content.decode()
    assert "共 0 条" in page


def test_a_county_admin_who_is_also_counsellor_sees_the_child(client, world):
    _setup(world)
    Assignment.objects.create(user=world.admin, role="counsellor", school=world.jinxing)
    assert client.login(username="admin", password=PASSWORD)
    assert "陆金兰" in client.get(reverse("audit:log")).content.decode()


def test_ordinary_rows_still_name_the_child(client, world):
    child = make_child(world.admin, world.guangrong, name="王小明")
    log_access(actor=world.zhuren, action="view", child=child)
    assert client.login(username="admin", password=PASSWORD)
    r = client.post(reverse("audit:log"), {"child": "王小明", "action": "view"})
    assert r.status_code == 302 and "王小明" not in r["Location"] and "action=view" in r["Location"]
    assert "王小明" in client.get(r["Location"]).content.decode()


def test_a_child_name_in_the_url_is_refused(client, world):
    """Reproduces `/audit/?child=<name>`: the name reached the URL and the server log."""
    assert client.login(username="admin", password=PASSWORD)
    r = client.get(reverse("audit:log"), {"child": "王小明"})
    assert r.status_code == 400 and "搜索框" in r.content.decode()


def test_log_page_is_county_admin_only(client, world):
    for user in (world.dudao, world.zhuren, world.xiaozhang):
        assert client.login(username=user.username, password=PASSWORD)
        assert client.get(reverse("audit:log")).status_code == 404
