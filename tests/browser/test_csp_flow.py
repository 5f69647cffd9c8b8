"""Under the Content-Security-Policy, on a phone: pages load with no CSP violation (Bootstrap,
HTMX and ECharts from our static files, no inline script), and what used to be inline script
still works — cancelling a wish asks first (declined: nothing happens; accepted: cancelled), the
error page's "返回上一页" goes back."""
from shouhu.care.wishes.models import Wish
from shouhu.care.wishes.services import wish_create
from tests.factories import make_child

from .test_register_flow import login


def test_pages_run_under_the_csp_and_the_old_inline_actions_still_work(live_server, world, phone):
    child = make_child(world.admin, world.guangrong, name="陆金兰")
    wish = wish_create(actor=world.zhuren, child=child, text="一个书包")
    page, base = phone, live_server.url
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, base, "zhuren")
    for url in ("/", "/children/", "/care/tasks/", f"/children/{child.uid}/", f"/children/{child.uid}/print/", "/quality/",
                "/care/campaigns/", "/intake/"):
        page.goto(base + url)
    page.goto(base + "/care/wishes/")
    page.once("dialog", lambda d: d.dismiss())
    page.click("button:has-text('取消心愿')")
    page.wait_for_timeout(300)
    wish.refresh_from_db()
    assert wish.status != Wish.Status.CANCELLED
    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('取消心愿')")
    page.wait_for_load_state("networkidle")
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CANCELLED
    page.goto(base + "/care/wishes/")
    page.goto(base + "/no-such-page/")
    assert "页面不存在" in page.inner_text("main")
    page.click("button:has-text('返回上一页')")
    page.wait_for_url(base + "/care/wishes/")
    assert violations == []
