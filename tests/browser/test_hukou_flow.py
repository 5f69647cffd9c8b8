"""The county admin, on a phone: upload the police's 户籍 extract (GBK CSV), see the comparison, open
the list of 户籍 children under 16 who have no record, filter it by village, and export it."""
import pytest

from tests.browser.test_register_flow import login
from tests.factories import make_child
from tests.quality.test_hukou import extract_rows, write_csv


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_county_uploads_an_extract_and_opens_the_not_registered_list(live_server, world, phone, tmp_path):
    registered = [make_child(world.admin, world.guangrong, name="陆金兰"), make_child(world.admin, world.lianfu, name="张广", sex="男")]
    write_csv(tmp_path / "户籍.csv", extract_rows(registered), "gbk")
    page, base = phone, live_server.url
    login(page, base, "admin")
    page.goto(base + "/quality/")
    page.click("#hukou-link")
    page.set_input_files("#id_file", str(tmp_path / "户籍.csv"))
    assert page.is_checked("#id_delete_after")
    box = page.locator("#hukou-submit").bounding_box()
    assert box["height"] >= 44 and box["width"] <= 390
    page.click("#hukou-submit")
    page.wait_for_selector("#hukou-summary")
    assert page.inner_text("#n-unregistered") == "1" and page.inner_text("#n-missing") == "1" and page.inner_text("#n-mismatch") == "1"
    assert "户籍数据已删除" in page.inner_text("main")
    listing = page.inner_text("#hukou-list")
    assert "户籍中有、未建档" in listing and "新生" in listing and "红星村" in listing
    page.select_option("#village", world.hongxing.code)
    page.click("button:has-text('筛选')")
    assert "新生" in page.inner_text("#hukou-list")
    with page.expect_download() as dl:
        page.click("#export-list")
    assert dl.value.suggested_filename.startswith("hukou-unregistered")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="var/screenshot-hukou.png", full_page=True)
