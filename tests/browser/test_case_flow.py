"""The protection procedure on a phone (390 px), end to end: a head teacher files a mandatory report
from the pupil's page; the township supervisor finds the child's red alert on his home page, signs
for it and opens a case from it in one tap, confirms the child is safe, places, assesses (an empty
assessment is refused beside the field), plans a service and submits the plan — which he may not
approve himself. Deadlines pass (the case's assessment, another child's unacknowledged red alert):
the county's protection worker sees both in the top bar, the inbox and on the home page, approves
the plan; the supervisor asks for closure, the county approves it, and the case says 已结案 with
the follow-up visit due."""
import re
import time
from datetime import timedelta

from django.utils import timezone

from shouhu.notify.models import Notification
from shouhu.protection.cases import escalate_cases
from shouhu.protection.models import Alert, MandatoryReport, ProtectionCase
from shouhu.protection.services import escalate_due

from .test_care_flow import register
from .test_register_flow import login

WIDTH = 390


def fits(page):
    """Nothing wider than the phone: no sideways scrolling."""
    width = page.evaluate("document.body.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width}px wide"


def primary(page):
    """The case page's main action: the one filled button in the bordered action card."""
    return page.locator(".card.border-primary .case-form button.btn-primary")


def sign_in_as(page, base, username):
    page.context.clear_cookies()  # the previous user signed out
    login(page, base, username)


def test_a_report_becomes_a_case_worked_to_closure_on_a_phone(live_server, world, baohu, phone):
    kid = register(world, "王小雨", 30, school=world.jinxing, school_class=world.c31, agreement_date=world.today)
    page, base = phone, live_server.url

    # 1. the head teacher reports from the pupil's page, in under a minute
    login(page, base, "banzhuren")
    started = time.monotonic()
    page.goto(base + f"/children/{kid.uid}/")
    page.locator("#protection").get_by_role("link", name="强制报告").click()
    page.check("input[name=situation][value=injury_abuse]")
    page.fill("#id_seen", "脸上和手臂有多处淤青，说是在家被打的")
    fits(page)
    page.get_by_role("button", name="提交报告").click()
    assert "报告已提交" in page.inner_text("main")
    assert time.monotonic() - started < 60
    assert MandatoryReport.objects.get(child=kid).reporter == world.banzhuren

    # 2. the township supervisor: the red alert on his home page, signed for, a case opened from it
    sign_in_as(page, base, "dudao")
    card = page.locator("#home-alerts")
    assert "红色" in card.inner_text() and "王小雨" in card.inner_text() and "收到强制报告" in card.inner_text()
    fits(page)
    card.locator(".alert-card", has_text="收到强制报告").get_by_role("link", name="王小雨").click()
    page.wait_for_selector("text=未成年人保护法第11条")
    page.get_by_role("button", name="签收（我已知悉，正在处理）").click()
    assert "已签收" in page.inner_text("main")
    fits(page)
    page.get_by_role("button", name="开立保护个案").click()
    page.wait_for_url(re.compile(r".*/protection/cases/\d+/$"))
    case = ProtectionCase.objects.get(child=kid)
    assert page.url == base + f"/protection/cases/{case.pk}/"
    assert "已立案" in page.inner_text("main") and page.inner_text("#case-state") == "已报告"
    assert primary(page).inner_text() == "确认儿童安全"
    assert Alert.objects.get(child=kid, code="report_received").action == "开立个案"
    fits(page)

    page.fill("#id_respond-note", "已到校见到孩子，由班主任陪同，暂时安全")
    primary(page).click()
    assert "已确认儿童安全" in page.inner_text("main") and page.inner_text("#case-state") == "已响应"
    assert primary(page).inner_text() == "安置"

    page.select_option("#id_place-placement", "亲属照护")
    page.fill("#id_place-note", "暂住外婆家（同村）")
    primary(page).click()
    assert "已安置" in page.inner_text("main") and "亲属照护" in page.inner_text("main")
    assert primary(page).inner_text() == "评估"

    # the assessment's deadline passes (in-process: the test shares the live server's database)
    ProtectionCase.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert escalate_cases() == 1
    page.reload()
    assert "已超过时限" in page.inner_text("#case-due") and "完成评估已超过时限" in page.inner_text("#case-steps")

    primary(page).click()  # nothing filled in
    assert "请选择风险等级" in page.inner_text("#form-assess #wrap-risk")
    assert page.inner_text("#case-state") == "已安置"
    fits(page)
    page.check("#form-assess input[name=assess-risk][value=高]")
    page.fill("#id_assess-assessment", "安全处境：父亲酒后打骂，暂离家\n监护情况：母亲外出务工，外婆可照护\n身心健康：淤青，情绪低落")
    primary(page).click()
    assert "已评估" in page.inner_text("main") and page.inner_text("#case-state") == "已评估"

    plan = page.locator("#form-plan")
    assert plan.is_visible()  # the first service's form is open on an assessed case without a plan
    page.select_option("#id_plan-service", "心理疏导")
    page.fill("#id_plan-unit", "镇卫生院")
    page.fill("#id_plan-owner", "张医生")
    page.fill("#id_plan-due", (world.today + timedelta(days=14)).isoformat())
    plan.get_by_role("button", name="添加").click()
    assert "已添加帮扶服务" in page.inner_text("main") and "心理疏导" in page.inner_text("main")
    assert primary(page).inner_text() == "提交帮扶计划"
    fits(page)
    page.screenshot(path="var/screenshot-case.png", full_page=True)
    primary(page).click()
    assert page.inner_text("#case-state") == "计划待审批"
    assert "等待审批" in page.inner_text("main")
    assert page.get_by_role("button", name="批准计划").count() == 0  # not his own plan

    # 3. another child's red alert left unsigned past both deadlines climbs to the county
    alone = register(world, "刘独居", 45, living_alone=True)
    long_ago = timezone.now() - timedelta(hours=25)
    Alert.objects.filter(child=alone, code="unguarded").update(opened_at=long_ago, next_check_at=long_ago + timedelta(hours=2))
    assert escalate_due() >= 1
    assert Alert.objects.get(child=alone, code="unguarded").owner_role == "protection"

    sign_in_as(page, base, "baohu")
    unread = Notification.objects.filter(user=baohu, read_at__isnull=True).count()
    assert unread >= 3 and page.inner_text("#unread") == str(unread)
    home = page.locator("#home-alerts")
    assert "刘独居" in home.inner_text() and "已上报2级" in home.inner_text()
    assert page.locator("#home-cases a[href$='status=approval'] .fs-5").inner_text() == "1"  # the plan awaits him
    fits(page)
    page.locator(".inbox-link").click()
    inbox = page.inner_text("main")
    assert "红色预警逾期未处理，已转交您：刘独居" in inbox
    assert f"个案逾期未完成评估：王小雨 · 个案 #{case.pk}" in inbox
    fits(page)

    # 4. the county approves the plan (from the inbox), the supervisor asks to close, the county closes
    page.get_by_role("link", name=f"帮扶计划待审批：王小雨 · 个案 #{case.pk}").click()
    page.wait_for_url(base + f"/protection/cases/{case.pk}/")
    assert primary(page).inner_text() == "批准计划"
    fits(page)
    primary(page).click()
    assert "已批准计划" in page.inner_text("main") and page.inner_text("#case-state") == "跟进中"

    sign_in_as(page, base, "dudao")
    page.goto(base + f"/protection/cases/{case.pk}/")
    assert primary(page).inner_text() == "计划复核"  # the 30-day review is the step's main action
    page.locator("summary", has_text="申请结案").click()
    page.fill("#id_request_close-note", "已回原家庭，父亲接受训诫，孩子情绪好转")
    page.locator("#form-request_close").get_by_role("button", name="申请结案").click()
    assert page.inner_text("#case-state") == "结案待审批" and "等待审批" in page.inner_text("main")
    assert page.get_by_role("button", name="批准结案").count() == 0

    sign_in_as(page, base, "baohu")
    page.goto(base + f"/protection/cases/{case.pk}/")
    assert primary(page).inner_text() == "批准结案"
    primary(page).click()
    assert page.inner_text("#case-state") == "已结案"
    case.refresh_from_db()
    assert (case.state, case.due_kind) == ("closed", "revisit")
    due = page.inner_text("#case-due")
    assert "下一步：回访" in due and timezone.localtime(case.due_at).strftime("%m-%d %H:%M") in due
    fits(page)
