"""The menu: each role sees only entries that lead somewhere."""
from django.urls import reverse

from shouhu.registry.models import Child
from shouhu.registry.services import child_register
from tests.factories import child_values


def test_village_director_has_no_dead_ends_and_the_county_admin_a_management_menu(client, world):
    client.force_login(world.zhuren)
    html = client.get("/").content.decode()
    assert "学校班级" not in html and reverse("regions:schools") not in html  # no schools: 暂无学校 was a dead end
    assert f'href="{reverse("schooling:mismatches")}"' in html and "学籍核对" not in html
    client.force_login(world.xiaozhang)
    html = client.get("/").content.decode()
    assert "学籍核对" in html
    client.force_login(world.admin)
    html = client.get("/").content.decode()
    assert "学校班级" in html and ">管理<" in html and 'lang="zh-CN"' in html


def test_every_phone_on_the_child_page_can_be_tapped(client, world):
    girl = child_register(actor=world.admin, child=Child(**child_values(world.guangrong, name="陆金兰")))
    client.force_login(world.zhuren)
    html = client.get(reverse("registry:detail", args=[girl.uid])).content.decode()
    for phone in (girl.father_phone, girl.mother_phone, girl.carer_phone):
        if phone:
            assert f'href="tel:{phone}"' in html
