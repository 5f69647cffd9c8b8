"""Without signal on a phone (docs/domain.md "Working without signal"): the village director opens
my tasks and a visit form, loses the network, records the visit (with a photo), reloads the page
— served by the service worker — and when the network is back the queue sends it: one visit,
with its photo. Sending the same record again saves nothing more."""
import time

from playwright.sync_api import expect

from shouhu.care.models import Visit
from shouhu.care.visits import services
from tests.factories import make_user

from .test_care_flow import DEAD, register
from .test_register_flow import login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def wait_for_worker(page):
    """The service worker controls the page (it claims its clients on activation). Polled from
    here: `wait_for_function` evaluates a string in the page, which the CSP refuses."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    for _ in range(100):
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            return
        time.sleep(0.1)
    raise AssertionError("the service worker never took control of the page")


def wait_for_kept(page, path):
    """My tasks asks the phone to keep 待上传 when it has been open a moment."""
    for _ in range(100):
        if page.evaluate("p => caches.open('shouhu-pages').then(c => c.match(p)).then(Boolean)", path):
            return
        time.sleep(0.1)
    raise AssertionError(f"{path} was not kept on the phone")


def test_visit_recorded_offline_is_sent_once(live_server, world, phone, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    orphan = register(world, "陈小宝", 45, **DEAD)
    page, base = phone, live_server.url
    ctx = page.context
    login(page, base, "zhuren")
    wait_for_worker(page)
    page.goto(base + "/care/tasks/")     # kept by the worker for use without signal
    wait_for_kept(page, "/care/queue/")
    page.locator(f".task-card[data-kind=visit][data-child='{orphan.uid}']").get_by_role("link", name="记录走访").click()
    page.wait_for_selector("form[data-offline]")
    form_url = page.url
    assert page.locator("#queue-badge").is_hidden()

    ctx.set_offline(True)
    page.check("input[name=mode][value=入户]")
    page.fill("#id_life", "与祖父同住，饮食正常")
    page.set_input_files("#id_photos", files=[{"name": "home.png", "mimeType": "image/png", "buffer": PNG}])
    key = page.input_value("[name=client_key]")
    opened_at = page.input_value("[name=opened_at]")
    page.click("button[type=submit]:has-text('保存走访记录')")
    page.wait_for_selector("#queue-notice")
    assert "已保存在手机上" in page.inner_text("#queue-notice")
    expect(page.locator("#queue-badge")).to_have_text("1 条待上传")  # the badge is redrawn once the record is kept
    page.screenshot(path="var/screenshot-offline-waiting.png", full_page=True)
    assert Visit.objects.count() == 0

    # reload without network: the worker answers with the page it kept
    response = page.reload()
    assert response is None or response.from_service_worker
    page.wait_for_selector("form[data-offline]")
    expect(page.locator("#queue-badge")).to_have_text("1 条待上传")
    assert page.input_value("[name=opened_at]") == opened_at  # the copy kept on the phone, not a new page
    assert page.input_value("[name=client_key]") != key  # a fresh form has a fresh key
    # the list of waiting records, and my tasks marking the child, also without network
    page.click("#queue-badge")
    page.wait_for_selector(".queue-item")
    assert "陈小宝 · 走访" in page.inner_text("#queue-list") and "等待网络" in page.inner_text("#queue-list")
    assert "含照片 1 张" in page.inner_text("#queue-list")
    page.screenshot(path="var/screenshot-offline-queue.png", full_page=True)
    page.goto(base + "/care/tasks/")
    page.wait_for_selector(f".task-card[data-child='{orphan.uid}'] .queued-mark")
    assert Visit.objects.count() == 0

    # the network is back: the queue sends by itself
    ctx.set_offline(False)
    expect(page.locator("#queue-badge")).to_be_hidden(timeout=20000)
    visits = Visit.objects.filter(child=orphan)
    assert visits.count() == 1
    v = visits.get()
    assert str(v.client_key) == key and v.life == "与祖父同住，饮食正常" and v.photos.count() == 1 and v.visitor == world.zhuren
    page.goto(base + "/care/queue/")
    page.wait_for_selector(".queue-item.queue-saved")
    assert "已保存" in page.inner_text("#queue-list")
    page.click("button:has-text('知道了')")
    page.wait_for_selector("text=没有待上传的记录")

    # the same record sent again (a lost answer, a second tab): still one visit
    page.goto(form_url)
    page.wait_for_selector("form[data-offline]")
    page.evaluate("k => document.querySelector('[name=client_key]').value = k", key)
    page.fill("#id_life", "与祖父同住，饮食正常")
    page.click("button[type=submit]:has-text('保存走访记录')")
    page.wait_for_url(base + "/care/tasks/")
    assert "此前已上传保存" in page.inner_text("main")
    assert Visit.objects.filter(child=orphan).count() == 1


def test_online_visit_goes_through_the_queue_and_errors_stay_beside_the_field(live_server, world, phone):
    orphan = register(world, "陈小宝", 45, **DEAD)
    page, base = phone, live_server.url
    login(page, base, "zhuren")
    page.goto(base + f"/care/visits/new/{orphan.uid}/?next=/care/tasks/")
    page.click("button[type=submit]:has-text('保存走访记录')")   # nothing seen: refused, on the field
    page.wait_for_selector("#wrap-life .invalid-feedback")
    assert "至少填写一项" in page.inner_text("#wrap-life")
    page.fill("#id_life", "一切正常")
    page.click("button[type=submit]:has-text('保存走访记录')")
    page.wait_for_url(base + "/care/tasks/")
    assert "已记录对陈小宝的走访" in page.inner_text("main")
    assert Visit.objects.filter(child=orphan).count() == 1
    assert page.locator("#queue-badge").is_hidden()


def test_visit_sent_after_someone_else_did_the_task_is_a_conflict(live_server, world, phone):
    """While the phone is without signal a second village director records a visit of the same
    child: both visits are kept, and 待上传 says the task was done by someone else."""
    orphan = register(world, "陈小宝", 45, **DEAD)
    colleague = make_user("zhuren_b", "village_director", region=world.guangrong)
    page, base = phone, live_server.url
    login(page, base, "zhuren")
    wait_for_worker(page)
    page.goto(base + "/care/tasks/")
    wait_for_kept(page, "/care/queue/")
    page.goto(base + f"/care/visits/new/{orphan.uid}/?next=/care/tasks/")
    page.context.set_offline(True)
    page.fill("#id_life", "饮食正常")
    page.click("button[type=submit]:has-text('保存走访记录')")
    page.wait_for_selector("#queue-notice")
    services.visit_record(actor=colleague, child=orphan, date=world.today, mode="入户", areas={"life": "同日走访"})
    page.goto(base + "/care/queue/")
    page.wait_for_selector(".queue-item.queue-waiting")
    page.context.set_offline(False)
    page.wait_for_selector(".queue-item.queue-conflict", timeout=20000)
    text = page.inner_text("#queue-list")
    assert "冲突：您打开表单后" in text and "儿童主任走访" in text
    expect(page.locator("#queue-badge")).to_have_text("1 条冲突")
    page.screenshot(path="var/screenshot-offline-conflict.png", full_page=True)
    assert Visit.objects.filter(child=orphan).count() == 2
    page.click("button:has-text('知道了')")
    page.wait_for_selector("text=没有待上传的记录")
    expect(page.locator("#queue-badge")).to_be_hidden()
