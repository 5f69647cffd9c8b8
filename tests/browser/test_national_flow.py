"""The county admin, on a phone: the 统计表 (附件3) for 监利市 at a cut-off date, every 勾稽关系 shown
as holding, a township opened from its row, and the Excel in the national layout downloaded."""
from tests.browser.test_register_flow import login
from tests.reports.test_national import cutoff, kids  # noqa: F401  fixtures


def test_county_reads_and_downloads_the_summary_table(live_server, world, kids, cutoff, phone):  # noqa: F811
    page, base = phone, live_server.url
    login(page, base, "admin")
    page.goto(base + "/reports/")
    page.click("#national-link")
    page.fill("#cutoff", cutoff.isoformat())
    page.click("button:has-text('查看')")
    page.wait_for_selector("#checks-ok")
    assert "1列=2列+5列+8列（6 = 6）" in page.inner_text("#checks")
    assert page.inner_text("#national-total").split()[1] == "6"
    with page.expect_download() as dl:
        page.click("#download-national")
    assert dl.value.suggested_filename.endswith(".xlsx")
    page.click("#national-table a:has-text('毛市镇')")
    page.wait_for_selector("#checks-ok")
    assert page.inner_text("#national-total").split()[1] == "4"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the wide table scrolls inside its card
    page.screenshot(path="var/screenshot-national.png", full_page=True)
