"""Two people edit one child on their phones: the second save is stopped with what the first
changed, the second's input is still on the page, and they save again with both changes kept."""
from shouhu.registry.models import Child
from tests.browser.test_register_flow import login
from tests.factories import make_child


def test_second_save_shows_the_conflict_and_saves_again(live_server, world, browser, phone):
    base = live_server.url
    girl = make_child(world.admin, world.guangrong, name="陆金兰")
    edit = f"{base}/children/{girl.uid}/edit/"
    other_ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    other = other_ctx.new_page()
    other.set_default_timeout(15000)
    try:
        login(phone, base, "zhuren")
        login(other, base, "dudao")
        phone.goto(edit)
        other.goto(edit)
        # the village director saves first
        phone.fill("#id_carer_phone", "13800000001")
        phone.click("button[type=submit]:has-text('保存')")
        phone.wait_for_selector("#categories")
        # the supervisor, whose form still shows the old record, saves an address
        other.fill("#id_address_detail", "三组12号")
        other.click("button[type=submit]:has-text('保存')")
        other.wait_for_selector("#stale-edit")
        warning = other.inner_text("#stale-edit")
        assert "此档案已被" in warning and "修改" in warning
        assert "委托照护人电话" in other.inner_text("#stale-changes") and "13800000001" in other.inner_text("#stale-changes")
        assert other.locator("#id_address_detail").input_value() == "三组12号"  # their input is kept
        other.screenshot(path="var/screenshot-conflict.png")
        assert Child.objects.get(pk=girl.pk).address_detail == ""
        # they take the other's change in and save again
        other.fill("#id_carer_phone", "13800000001")
        other.click("button[type=submit]:has-text('保存')")
        other.wait_for_selector("#categories")
        girl.refresh_from_db()
        assert girl.carer_phone == "13800000001" and girl.address_detail == "三组12号" and girl.version == 3
    finally:
        other_ctx.close()
