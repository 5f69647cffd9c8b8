"""The leaders' screen on a phone (390 px): the county admin opens it from the home page, the
charts draw under the CSP, and a tap on a township's bar opens the children list behind it."""
from django.core.cache import cache

from .test_care_flow import register
from .test_register_flow import login


def test_the_county_admin_taps_a_bar_through_to_the_list(live_server, world, phone):
    cache.clear()
    for i in range(3):
        register(world, f"陆金{i}", 40)
    register(world, "李小红", 40, village=world.hongxing)
    page, base = phone, live_server.url
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, base, "admin")
    page.locator("#dashboard-link").click()
    page.wait_for_url(base + "/dashboard/")
    page.wait_for_function("() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-base'))")
    page.screenshot(path="var/screenshot-dashboard.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    # the 在册儿童 bar of 毛市镇 (second row): where ECharts drew it, tapped like a finger would
    page.locator("#chart-base").scroll_into_view_if_needed()
    x, y = page.evaluate("""() => {
        const el = document.getElementById('chart-base');
        const c = echarts.getInstanceByDom(el);
        const [px, py] = c.convertToPixel({seriesIndex: 1}, [1, 1]);  // value 1 (inside a bar of 3), row 1: its centre is the middle bar
        const box = el.getBoundingClientRect();
        return [box.left + px - 2, box.top + py];
    }""")
    page.mouse.click(x, y)
    page.wait_for_url(f"{base}/children/?region={world.maoshi.code}&category=left_behind")  # the middle bar of the row: 农村留守儿童
    assert "陆金0" in page.inner_text("main") and "李小红" not in page.inner_text("main")
    assert not violations, violations
