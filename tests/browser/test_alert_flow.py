"""Early warning on a phone: a visit that notes an injury raises a red alert on the village
director's home page; she acknowledges it and records what she did. One left alone past its
deadline climbs to the township supervisor, who finds it on his home page."""
from datetime import timedelta

from shouhu.care.visits.services import visit_record
from shouhu.protection.models import Alert
from shouhu.protection.services import escalate_due

from .test_care_flow import register
from .test_register_flow import login


def test_a_visit_concern_becomes_a_red_alert_worked_on_a_phone(live_server, world, phone):
    kid = register(world, "陈小宝", 45)
    visit_record(actor=world.zhuren, child=kid, date=world.today, mode="入户", areas={"safety": "手臂有淤青"}, concerns=["疑似受伤"])
    page, base = phone, live_server.url
    login(page, base, "zhuren")
    card = page.locator("#home-alerts")
    assert "红色" in card.inner_text() and "陈小宝" in card.inner_text() and "走访发现伤害迹象" in card.inner_text()
    page.screenshot(path="var/screenshot-home-alerts.png", full_page=True)
    card.get_by_role("link", name="陈小宝").first.click()
    page.wait_for_selector("text=未成年人保护法第11条")
    page.get_by_role("button", name="签收（我已知悉，正在处理）").click()
    assert "已签收" in page.inner_text("main")
    page.select_option("#act-action", "上门核实")
    page.fill("#act-note", "孩子摔伤，已陪同就医，通知了父母")
    page.screenshot(path="var/screenshot-alert.png", full_page=True)
    page.get_by_role("button", name="记录处置").click()
    assert "已记录处置" in page.inner_text("main") and "已处置" in page.inner_text("main")
    assert Alert.objects.get(child=kid, code="visit_harm").status == "acted"


def test_an_unacknowledged_red_alert_reaches_the_township(live_server, world, phone):
    kid = register(world, "刘独居", 45, living_alone=True)
    alert = Alert.objects.get(child=kid, code="unguarded")
    assert escalate_due(now=alert.opened_at + timedelta(hours=3)) >= 1
    page, base = phone, live_server.url
    login(page, base, "dudao")
    card = page.locator("#home-alerts")
    assert "刘独居" in card.inner_text() and "已上报1级" in card.inner_text()
