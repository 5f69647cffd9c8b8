"""强制报告 on a phone: a head teacher files one in under a minute from the pupil's page; the
township supervisor sees it waiting and the child's red alert on his home page, receives it and
records the police receipt."""
import time

from shouhu.protection.models import Alert, MandatoryReport

from .test_care_flow import register
from .test_register_flow import login


def test_head_teacher_reports_and_supervisor_receives(live_server, world, phone):
    kid = register(world, "王小雨", 30, school=world.jinxing, school_class=world.c31, agreement_date=world.today)
    page, base = phone, live_server.url
    login(page, base, "banzhuren")
    started = time.monotonic()
    page.goto(base + f"/children/{kid.uid}/")
    page.locator("#protection").get_by_role("link", name="强制报告").click()
    page.check("input[name=situation][value=injury_abuse]")
    page.fill("#id_seen", "脸上和手臂有多处淤青，说是在家被打的")
    page.screenshot(path="var/screenshot-report.png", full_page=True)
    page.get_by_role("button", name="提交报告").click()
    assert "报告已提交" in page.inner_text("main")
    assert time.monotonic() - started < 60
    report = MandatoryReport.objects.get(child=kid)
    assert report.reporter.username == "banzhuren" and report.village_id == world.guangrong.pk

    page.context.clear_cookies()  # signed out
    login(page, base, "dudao")
    home = page.locator("#home-alerts")
    assert "1 份强制报告待受理" in home.inner_text() and "王小雨" in home.inner_text()
    home.get_by_role("link", name="1 份强制报告待受理").click()
    page.get_by_role("link", name="王小雨").click()
    assert "banzhuren" in page.inner_text("main")  # the handler reads who reported
    page.fill("#id_police_notified_at", "2026-01-01T08:00")
    page.fill("#id_police_unit", "毛市派出所")
    page.fill("#id_police_receipt_no", "JL-2026-0098")
    page.fill("#id_civil_affairs_told", "县民政局、县教育局")
    page.get_by_role("button", name="受理并保存").click()
    assert "已受理并记录" in page.inner_text("main")
    report.refresh_from_db()
    assert (report.status, report.police_receipt_no) == ("received", "JL-2026-0098")
    assert Alert.objects.get(child=kid, code="report_received").level == "red"
