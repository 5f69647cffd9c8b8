"""The pages fit a thumb: the menu fits every width from a phone to a desktop and marks the page;
on the key pages at 390 px every link, button and input is at least 44×44 CSS px and axe-core
finds no serious or critical violation."""
import json
from pathlib import Path

import pytest

from shouhu.registry.models import Child
from shouhu.registry.services import child_register
from tests.factories import PASSWORD, child_values

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

SMALL = """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
  .filter(el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
                  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('.dropdown-menu:not(.show), .collapse:not(.show)'); })
  .map(el => { // a box or a dot is tapped through its label: the label is the target
                  const box = (el.type === 'checkbox' || el.type === 'radio') && (el.closest('label, .form-check') || el.labels && el.labels[0]);
                  const r = (box || el).getBoundingClientRect(); return {tag: el.tagName, text: (el.innerText || el.name || el.id || '').trim().slice(0, 20),
               w: Math.round(r.width), h: Math.round(r.height), type: el.type || ''}; })
  .filter(t => t.w < 44 || t.h < 44)"""


def _context(browser, width):
    return browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)


def _login(page, base, username):
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


@pytest.mark.parametrize("username", ["admin", "zhuren"])
def test_the_menu_fits_from_390_to_1440_px_and_marks_the_page(live_server, world, browser, username):
    for width in (390, 800, 1024, 1280, 1440):
        ctx = _context(browser, width)
        page = ctx.new_page()
        _login(page, live_server.url, username)
        page.goto(live_server.url + "/children/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
        if page.locator(".navbar-toggler").is_visible():
            page.click(".navbar-toggler")
            page.wait_for_selector("#nav.show")
        heights = page.evaluate("[...document.querySelectorAll('#topnav .navbar-nav > .nav-item > .nav-link')]"
                                ".filter(a => a.offsetParent).map(a => a.getBoundingClientRect().height)")
        assert heights and max(heights) < 60, (width, heights)  # one line each, never a character a line
        bar = page.evaluate("document.querySelector('#topnav').getBoundingClientRect().height")
        if width >= 1400:
            assert bar < 70, (width, bar)  # the whole menu in one row
        assert page.locator("#topnav [aria-current=page]").inner_text().strip() == "儿童名单"
        ctx.close()


KEY_PAGES = ["/", "/care/tasks/", "/children/", "child", "visit", "/children/new/", "/quality/", "/intake/"]


@pytest.mark.skipif(not AXE.exists(), reason="npm axe-core not installed (npm install)")
def test_key_pages_have_thumb_sized_targets_and_no_serious_axe_violation(live_server, world, browser):
    girl = child_register(actor=world.admin, child=Child(**child_values(world.guangrong, name="陆金兰")))
    ctx = _context(browser, 390)
    page = ctx.new_page()
    base = live_server.url
    _login(page, base, "zhuren")
    small, serious = {}, {}
    for key in KEY_PAGES:
        url = {"child": f"/children/{girl.uid}/", "visit": f"/care/visits/new/{girl.uid}/"}.get(key, key)
        page.goto(base + url)
        found = page.evaluate(SMALL)
        if found:
            small[url] = found
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                               ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                               ".map(v => ({id: v.id, n: v.nodes.length, at: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.any[0] ? n.any[0].message : ''))}))")
        if result:
            serious[url] = result
    ctx.close()
    for username in ("admin", "dudao", "xiaozhang", "zhiyuanzhe"):  # each role's home
        ctx = _context(browser, 390)
        page = ctx.new_page()
        _login(page, base, username)
        found = page.evaluate(SMALL)
        if found:
            small[f"{username} /"] = found
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => (await axe.run(document)).violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                               ".map(v => v.id)")
        if result:
            serious[f"{username} /"] = result
        ctx.close()
    assert not serious, json.dumps(serious, ensure_ascii=False, indent=1)
    assert not small, json.dumps(small, ensure_ascii=False, indent=1)
