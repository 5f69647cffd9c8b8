"""队伍建设 on a phone: the county admin sees on the home page that posts are vacant, opens the
vacancy list (the two vacancies), appoints a 儿童主任 to one of them from the list, and the list
shows one vacancy left."""
from shouhu.staffing import services as S

from .test_register_flow import login


def fits(page) -> None:
    assert page.evaluate("document.body.scrollWidth") <= 390, page.url


def test_county_sees_and_fills_a_vacancy(live_server, world, phone, tmp_path):
    shots = tmp_path
    for name, kind, node in (("张桂英", "village_director", {"region": world.guangrong}), ("李春花", "village_director", {"region": world.lianfu}),
                             ("王建国", "township_supervisor", {"region": world.maoshi}), ("赵红梅", "township_supervisor", {"region": world.zhuhe}),
                             ("陈老师", "counsellor", {"school": world.jinxing})):
        S.person_appoint(actor=world.admin, values={"name": name}, kind=kind, start_on=world.today, **node)
    S.vacancies_refresh(today=world.today)
    page, base = phone, live_server.url
    login(page, base, "admin")
    page.get_by_role("link", name="2 个岗位空缺（儿童主任、儿童督导员、心理辅导教师），请及时选配").click()
    page.wait_for_url("**/staff/vacancies/")
    fits(page)
    page.screenshot(path=str(shots / "vacancies.png"), full_page=True)
    rows = page.locator("#vacancies .vacancy")
    assert rows.count() == 2
    assert "红星村" in rows.nth(0).inner_text() + rows.nth(1).inner_text()
    assert "朱河小学" in rows.nth(0).inner_text() + rows.nth(1).inner_text()
    box = rows.locator("a", has_text="任命").first.bounding_box()
    assert box["height"] >= 44  # a target a thumb hits

    rows.filter(has_text="红星村").get_by_role("link", name="任命").click()
    page.wait_for_url("**/staff/appoint/**")
    fits(page)
    page.fill("#id_p-name", "刘小红")
    page.fill("#id_p-phone", "13900002222")
    page.click("#appoint")
    page.wait_for_url("**/staff/people/*/")
    assert "已任命 刘小红 为红星村儿童主任" in page.content()
    assert page.locator("a[href='tel:13900002222']").count() == 1
    fits(page)
    page.screenshot(path=str(shots / "person.png"), full_page=True)
    page.goto(base + "/staff/")
    assert "刘小红" in page.locator("#roster").inner_text()
    fits(page)
    page.screenshot(path=str(shots / "roster.png"), full_page=True)
    page.goto(base + "/staff/vacancies/")
    assert page.locator("#vacancies .vacancy").count() == 1
