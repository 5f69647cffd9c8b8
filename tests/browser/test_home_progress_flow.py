"""The county admin's home on a phone (390 px) shows the townships' progress, and a tap on a
figure opens the list behind it."""
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from shouhu.care.dues.models import VisitDue

from .test_care_flow import register
from .test_register_flow import login


def test_the_county_admin_taps_a_townships_overdue_visits(live_server, world, phone):
    cache.clear()
    for i in range(2):
        register(world, f"陆金{i}", 40)
    VisitDue.objects.filter(village_code__startswith=world.maoshi.code).update(due=timezone.localdate() - timedelta(days=5))
    n = VisitDue.objects.filter(village_code__startswith=world.maoshi.code).count()
    assert n >= 2
    page, base = phone, live_server.url
    login(page, base, "admin")
    table = page.locator("#home-progress-421088")
    table.scroll_into_view_if_needed()
    assert table.is_visible() and "毛市镇" in table.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls inside its card, not the page
    link = table.locator("tr", has_text="毛市镇").locator("td[data-col=visits] a")
    assert link.inner_text().strip() == str(n)
    link.click()
    page.wait_for_url(f"{base}/care/tasks/?kind=visit&region={world.maoshi.code}")
    main = page.inner_text("main")
    assert "毛市镇的待办" in main and "陆金0" in main and "陆金1" in main
