"""控辍保学 on a phone: a head teacher records the day's absences and the pupil's fifth unexcused
school day opens a suspected-dropout case; two persuasion attempts; the written report goes to the
township; the township supervisor names the 七长 and records 复学."""
from datetime import timedelta

from shouhu.rules import dropout as D
from shouhu.schooling.dropout import dropout_settings
from shouhu.schooling.models import Absence, DropoutCase

from .test_care_flow import register
from .test_register_flow import login

HEADS = {"county": "王县长", "bureau": "李局长", "township": "张镇长", "principal": "赵校长", "village": "刘村长", "teacher": "陈老师",
         "parent": "孙某（父亲）"}


def fits(page) -> None:
    assert page.evaluate("document.body.scrollWidth") <= 390, page.url


def test_absences_open_a_case_and_the_township_brings_the_pupil_back(live_server, world, phone):
    kid = register(world, "孙小军", 30, school=world.jinxing, school_class=world.c31)
    cal = dropout_settings().calendar
    days = list(d for d, _ in zip(cal.school_days_back(world.today), range(5), strict=False))  # the last five school days
    for d in days[1:]:  # four already marked; the fifth is marked on the page
        Absence.objects.create(school=world.jinxing, school_class=world.c31, pupil_key=kid.id_number_index, child=kid, name=kid.name, day=d)
    page, base = phone, live_server.url
    login(page, base, "banzhuren")
    page.goto(base + f"/schooling/absences/?class={world.c31.pk}&day={days[0]:%Y-%m-%d}")
    row = page.locator(".absence-row", has_text="孙小军")
    row.get_by_text("旷课", exact=True).click()  # the fifth school day away
    page.click("#save-absences")
    assert "已达疑似辍学标准" in page.inner_text("#near-threshold")
    fits(page)
    case = DropoutCase.objects.get(child=kid)
    assert (case.state, case.streak) == ("school", 5)

    page.goto(base + "/schooling/dropout/")
    page.get_by_role("link", name="孙小军").click()
    assert "学校劝返（至少两次）" in page.inner_text("#dropout-due")
    for mode, note in (("上门", "家访：祖母说孩子不愿上学"), ("电话", "联系在广东的父亲，答应劝说，仍未到校")):
        form = page.locator("#form-attempt")
        form.get_by_text(mode, exact=True).click()
        form.locator("textarea").fill(note)
        form.get_by_role("button", name="记录劝返").click()
        assert "已记录劝返" in page.inner_text("main")
    fits(page)
    page.screenshot(path="var/screenshot-dropout.png", full_page=True)
    report = page.locator("#form-report")
    report.locator("textarea").fill("学校两次劝返未果，书面报告乡镇和县教育局")
    report.get_by_role("button", name="书面上报").click()
    assert "已书面上报" in page.inner_text("#dropout-state")

    page.context.clear_cookies()
    login(page, base, "dudao")
    page.goto(base + f"/schooling/dropout/{case.pk}/")
    assert "乡镇启动劝返复学" in page.inner_text("#dropout-due")
    start = page.locator("#form-start")
    for code, name in HEADS.items():
        start.locator(f"[name=start-head_{code}]").fill(name)
    start.locator("textarea").fill("镇政府启动劝返复学，明确七长责任")
    start.get_by_role("button", name="启动乡镇劝返").click()
    assert "乡镇劝返" in page.inner_text("#dropout-state") and "孙某（父亲）" in page.inner_text("main")
    back = page.locator("#form-return")
    back.locator("select").select_option("随班就读")
    back.locator("textarea").fill("父亲返乡送孩子到校")
    back.get_by_role("button", name="复学").click()
    assert "已复学" in page.inner_text("#dropout-state")
    case.refresh_from_db()
    assert case.due_kind == "follow" and case.due_on == case.returned_on + timedelta(weeks=1)
    assert "跟踪回访" in page.inner_text("#dropout-due")
    fits(page)
    assert D.STATES[case.state] == "已复学"
