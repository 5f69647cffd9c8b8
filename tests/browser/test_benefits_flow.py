"""兜底保障 on a phone: the county admin opens the 兜底率, sees a township below 100%, opens its missing
children, registers the missing 低保 for one of them, and the township's rate comes back to 100%."""
from django.utils import timezone

from shouhu.benefits import services as V
from shouhu.benefits.models import Grant
from tests.benefits.conftest import kids  # noqa: F401 (the fixture)

from .test_register_flow import login


def fits(page) -> None:
    assert page.evaluate("document.body.scrollWidth") <= 390, page.url


def test_the_county_sees_a_townships_rate_and_its_missing_children(live_server, world, kids, phone):  # noqa: F811
    V.grant_create(actor=world.zhuren, child=kids["orphan"], kind="orphan", monthly_amount="1350", start=timezone.localdate().replace(day=1))
    page, base = phone, live_server.url
    login(page, base, "admin")
    page.goto(base + "/benefits/")
    assert page.get_by_test_id("rate").inner_text() == "33.3%"
    fits(page)
    page.get_by_role("link", name="毛市镇").click()
    assert page.get_by_test_id("rate").inner_text() == "50.0%"
    page.get_by_role("link", name="查看 1 名应享未享儿童").click()
    assert "贫小红" in page.inner_text("main") and "低保或特困供养" in page.inner_text("main")
    fits(page)
    page.get_by_role("link", name="登记发放").click()
    assert page.locator("#id_kind").input_value() == "dibao"  # the kind the child's need calls for
    page.fill("#id_monthly_amount", "520")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=已登记发放")
    assert Grant.objects.filter(child=kids["poor"], kind="dibao").exists()
    page.goto(base + f"/benefits/?region={world.maoshi.code}")
    assert page.get_by_test_id("rate").inner_text() == "100.0%"
