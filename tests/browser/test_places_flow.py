"""阵地 on a phone (390 px): 光荣村's child director opens the 儿童之家 from the menu, registers this
Saturday's opening, finds and ticks two children and signs a third in from a pasted list; then
records a 家长学校 lecture there: a child's mother by video and the carer in the room, and the carer
leaves the list of those due for training."""
import json

import pytest

from shouhu.places import services as S
from shouhu.places.models import Attendance, GuardianAttendance
from shouhu.regions.models import Place
from shouhu.rules import places as P

from .test_care_flow import register
from .test_phone_fit import AXE, SMALL
from .test_register_flow import login, open_menu


def fits(page) -> None:
    assert page.evaluate("document.body.scrollWidth") <= 390, page.url


def test_village_director_records_attendance_and_a_parent_school_session(live_server, world, phone, tmp_path):
    w = world
    home = S.place_save(actor=w.zhuren, place=Place(kind="children_home", name="光荣村儿童之家", region=w.guangrong,
                                                    checklist=dict.fromkeys(P.DEFAULT_CHECKLIST, True), hours="周六 14:00—17:00"))
    S.place_act(actor=w.zhuren, place=home, action="declare")
    S.place_act(actor=w.admin, place=home, action="accept")
    lan, ming = register(w, "陆金兰", 30), register(w, "陈小明", 30, sex="男")
    hua = register(w, "张小花", 30, agreement_date=w.today)
    register(w, "莲福村孩子", 30, village=w.lianfu)
    page, base = phone, live_server.url
    login(page, base, "zhuren")
    page.click(".navbar-toggler")
    open_menu(page, "#places-menu")
    page.get_by_role("link", name="场所").click()
    page.get_by_role("link", name="光荣村儿童之家").click()
    fits(page)
    page.click("#new-session")
    page.fill("#id_topic", "读书会")
    page.click("#save")
    page.wait_for_selector("#tick-list")
    fits(page)
    assert "莲福村孩子" not in page.inner_text("#tick-list")
    page.fill("#find", "陆")  # the search narrows the list as one types
    assert page.locator(".tick-row:visible").count() == 1
    page.locator(".tick-row:visible").click()
    page.fill("#find", "")
    page.locator(".tick-row", has_text="陈小明").click()
    box = page.locator(".tick-row", has_text="陈小明").bounding_box()
    assert box["height"] >= 44  # a thumb's target
    page.click("#save-ticks")
    page.wait_for_selector("text=已保存签到")
    assert page.inner_text("#n-present") == "2"
    page.click("#paste summary")
    page.fill("#names", "1. 张小花\n2. 王某某")
    page.click("#read-list")
    page.wait_for_selector("#matched")
    assert "张小花" in page.inner_text("#matched") and "未找到：王某某" in page.inner_text("#matched")
    session = home.sessions.get()
    assert set(Attendance.objects.filter(session=session).values_list("child__name", flat=True)) == {"陆金兰", "陈小明", "张小花"}

    # a 家长学校 lecture at the same home
    page.goto(base + f"/places/{home.pk}/")
    page.get_by_role("link", name="登记家庭教育讲座").click()
    assert page.is_checked("#id_parent_school")
    page.fill("#id_topic", "隔代教育与亲子沟通")
    page.fill("#id_speaker", "刘老师")
    page.click("#save")
    page.wait_for_selector("#guardians")
    fits(page)
    page.select_option("#id_child", str(hua.uid))
    page.locator("label[for=id_who_1]").click()  # mother
    page.locator("label[for=id_mode_2]").click()  # video
    page.click("#add-guardian")
    page.wait_for_selector("#guardian-list:has-text('视频')")
    page.select_option("#id_child", str(hua.uid))
    page.locator("label[for=id_who_2]").click()  # the carer
    page.locator("label[for=id_mode_0]").click()  # in the room
    page.click("#add-guardian")
    page.wait_for_selector("#guardian-list:has-text('委托照护人')")
    assert set(GuardianAttendance.objects.values_list("who", "mode")) == {("mother", "video"), ("carer", "present")}
    page.goto(base + "/places/parent-school/")
    assert page.inner_text("#n-due") == "0" and "隔代教育与亲子沟通" in page.inner_text("#lectures")
    fits(page)
    page.screenshot(path=str(tmp_path / "parent-school.png"), full_page=True)
    assert lan and ming


@pytest.mark.skipif(not AXE.exists(), reason="npm axe-core not installed (npm install)")
def test_place_pages_fit_a_thumb(live_server, world, browser):
    """The places' pages at 390 px: every target at least 44×44 CSS px, no serious axe violation."""
    w = world
    home = S.place_save(actor=w.zhuren, place=Place(kind="children_home", name="光荣村儿童之家", region=w.guangrong,
                                                    checklist=dict.fromkeys(P.DEFAULT_CHECKLIST, True)))
    S.place_act(actor=w.zhuren, place=home, action="declare")
    S.place_act(actor=w.admin, place=home, action="accept")
    register(w, "陆金兰", 30, agreement_date=w.today)
    lecture = S.session_create(actor=w.zhuren, place=home, date=w.today, parent_school=True, topic="亲子沟通")
    ctx = browser.new_context(viewport={"width": 390, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = ctx.new_page()
    base = live_server.url
    login(page, base, "zhuren")
    small, serious = {}, {}
    for url in ("/places/", f"/places/{home.pk}/", f"/places/{home.pk}/edit/", f"/places/sessions/{lecture.pk}/",
                "/places/parent-school/", "/places/coverage/"):
        page.goto(base + url)
        if page.locator("#paste").count():
            page.click("#paste summary")  # the pasted list's box and button too
        if found := page.evaluate(SMALL):
            small[url] = found
        page.add_script_tag(path=str(AXE))
        if result := page.evaluate("async () => (await axe.run(document)).violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                                   ".map(v => v.id + ' ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', '))"):
            serious[url] = result
    ctx.close()
    assert not serious, json.dumps(serious, ensure_ascii=False, indent=1)
    assert not small, json.dumps(small, ensure_ascii=False, indent=1)
