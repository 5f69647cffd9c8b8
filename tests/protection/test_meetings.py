"""联席会议: a meeting at the county or a township, its action items followed to done; overdue items
show to the county; a township sees the county's items about it, not another township's."""
from datetime import timedelta

import pytest
from django.urls import reverse

from shouhu.core.errors import NotFound, ServiceError
from shouhu.protection import meetings as M


@pytest.fixture
def county_meeting(world, baohu):
    m = M.meeting_record(actor=world.admin, held_on=world.today - timedelta(days=20), title="第三季度联席会议", region=world.county,
                         units="民政局、教育局、公安局、妇联")
    M.item_add(actor=world.admin, meeting=m, text="毛市镇排查独居儿童", unit="毛市镇政府", owner="李镇长", due=world.today - timedelta(days=5),
               region=world.maoshi)
    M.item_add(actor=world.admin, meeting=m, text="朱河镇建儿童之家", unit="朱河镇政府", owner="王镇长", due=world.today + timedelta(days=30),
               region=world.zhuhe)
    M.item_add(actor=world.admin, meeting=m, text="全县摸底复核", unit="县民政局", owner="张科长", due=world.today + timedelta(days=10))
    return m


def test_who_sees_what(world, baohu, county_meeting):
    assert M.meeting_for(world.dudao, county_meeting.pk) == county_meeting
    mine = set(M.items_visible_to(world.dudao).values_list("text", flat=True))
    assert mine == {"毛市镇排查独居儿童", "全县摸底复核"}
    assert set(M.items_visible_to(world.admin).values_list("text", flat=True)) == {"毛市镇排查独居儿童", "朱河镇建儿童之家", "全县摸底复核"}
    for user in (world.zhuren, world.xiaozhang, world.volunteer, world.partner, world.inspector):
        assert not M.meetings_visible_to(user).exists(), user
        with pytest.raises(NotFound):
            M.meeting_for(user, county_meeting.pk)


def test_items_are_done_by_the_place_they_concern(world, county_meeting):
    item = county_meeting.items.get(text="毛市镇排查独居儿童")
    with pytest.raises(ServiceError) as e:
        M.item_done(actor=world.dudao, item=item, evidence=" ")
    assert e.value.field == "evidence"
    with pytest.raises(NotFound):
        M.item_done(actor=world.dudao_zhuhe, item=item, evidence="已排查")
    M.item_done(actor=world.dudao, item=item, evidence="已排查12户，发现独居儿童1名，已安排照护")
    item.refresh_from_db()
    assert (item.status, item.done_by) == ("done", world.dudao)
    county_item = county_meeting.items.get(text="全县摸底复核")
    with pytest.raises(NotFound):  # a county item is the county's to close
        M.item_done(actor=world.dudao, item=county_item, evidence="x")


def test_bad_input_is_named(world, county_meeting):
    with pytest.raises(ServiceError) as e:
        M.meeting_record(actor=world.dudao, held_on=world.today, title="x", region=world.zhuhe, units="民政")
    assert e.value.field == "region"  # not his township
    with pytest.raises(ServiceError) as e:
        M.meeting_record(actor=world.dudao, held_on=world.today + timedelta(days=1), title="x", region=world.maoshi, units="民政")
    assert e.value.field == "held_on"
    with pytest.raises(ServiceError) as e:
        M.item_add(actor=world.admin, meeting=county_meeting, text="x", unit="y", owner="z", due=world.today - timedelta(days=60))
    assert e.value.field == "due"
    with pytest.raises(NotFound):
        M.item_add(actor=world.dudao, meeting=county_meeting, text="x", unit="y", owner="z", due=world.today)


def test_pages_and_the_home_card(client, world, county_meeting):
    client.force_login(world.admin)
    assert "1 项联席会议事项逾期" in client.get("/").content.decode()
    page = client.get(reverse("protection:items") + "?overdue=1").content.decode()
    assert "毛市镇排查独居儿童" in page and "朱河镇建儿童之家" not in page
    r = client.post(reverse("protection:meeting_new"), {"held_on": "", "title": "", "units": "", "region": world.county.pk})
    assert "请填写会议日期" in r.content.decode()
    client.force_login(world.dudao)
    page = client.get(reverse("protection:meeting", args=[county_meeting.pk])).content.decode()
    assert "毛市镇排查独居儿童" in page and "朱河镇建儿童之家" not in page and "添加事项" not in page
    client.force_login(world.xiaozhang)
    assert client.get(reverse("protection:meetings")).status_code == 404
    assert client.get(reverse("protection:meeting", args=[county_meeting.pk])).status_code == 404
