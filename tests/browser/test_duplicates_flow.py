"""Duplicates on a phone: the village child director opens data quality, follows the duplicates
link, compares the two records side by side, takes the school's class from the second record and
merges after a confirmation that says what moves; the kept record has the visit the duplicate had,
and the duplicate says where it went; then the merge is undone and both stand again."""
from shouhu.care.models import Visit
from shouhu.quality.services import find_duplicate_pairs
from shouhu.registry.models import Child
from shouhu.registry.services import child_register
from tests.factories import child_values, own_sitting

from .test_register_flow import login


def test_zhuren_merges_a_girl_registered_twice(live_server, world, phone):
    first = child_register(actor=world.admin, child=Child(**child_values(world.guangrong, name="陆金兰", archive_no="GR-001")))
    second = own_sitting(child_register(actor=world.admin, child=Child(**child_values(
        world.guangrong, name="陆晶兰", id_number="", birth_date=first.birth_date, archive_no="GR-077",
        school=world.jinxing, school_class=world.c31))))
    Visit.objects.create(child=second, date=world.today, visitor_role="head_teacher", visitor_name="王老师", life="午饭在学校吃")
    find_duplicate_pairs()
    page, base = phone, live_server.url
    login(page, base, "zhuren")
    page.goto(base + "/quality/")
    page.click("#dup-link")
    page.locator(".pair", has_text="陆晶兰").click()
    page.wait_for_selector("text=对比疑似重复档案")
    row = page.locator("tr[data-field=school_class]")
    assert "（空）" in row.inner_text() and "1班" in row.inner_text()
    assert page.locator("input[name=f_school_class][value=b]").is_checked()  # the kept record has none: take it
    page.screenshot(path="var/screenshot-duplicate.png", full_page=True)
    page.fill("#reason", "同一人，学校重复登记")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))  # first: think again
    page.get_by_role("button", name="合并为一份档案").click()
    assert asked and "保留「陆金兰」" in asked[0] and "走访1次" in asked[0] and "30天内可以撤销" in asked[0]
    assert Child.objects.get(pk=second.pk).merged_into_id is None  # nothing happened
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="合并为一份档案").click()
    page.wait_for_selector("text=已合并")
    assert "陆金兰" in page.inner_text("h1")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.school_class_id == world.c31.pk and first.visits.count() == 1
    assert second.merged_into_id == first.pk and second.status == "exited"
    page.goto(f"{base}/children/{second.uid}/")
    assert "这是一份重复档案" in page.inner_text("#merged-note")
    page.click("#merged-note a")
    assert "陆金兰" in page.inner_text("h1")
    # a week later it turns out they are twins: undo from the pair's page
    page.goto(base + "/quality/duplicates/?status=merged")
    page.locator(".pair", has_text="陆晶兰").click()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="撤销合并").click()
    page.wait_for_selector("text=已撤销合并")
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.merged_into_id is None and second.status == "active" and second.visits.count() == 1
    assert first.visits.count() == 0 and first.school_class_id is None


def test_a_swapped_name_is_shown_with_its_pattern(live_server, world, phone):
    """The school typed 张豪嘉 for the village's 张嘉豪: same birthday and household, no ID number."""
    first = child_register(actor=world.admin, child=Child(**child_values(world.guangrong, name="张嘉豪", sex="男", archive_no="GR-002")))
    own_sitting(child_register(actor=world.admin, child=Child(**child_values(
        world.guangrong, name="张豪嘉", sex="男", id_number="", birth_date=first.birth_date, archive_no="GR-078",
        school=world.jinxing, school_class=world.c31))))
    find_duplicate_pairs()
    page, base = phone, live_server.url
    login(page, base, "zhuren")
    page.goto(base + "/quality/")
    page.click("#dup-link")
    page.locator(".pair", has_text="张豪嘉").click()
    page.wait_for_selector("text=对比疑似重复档案")
    assert "姓名前后两字颠倒：张嘉豪／张豪嘉" in page.inner_text("body")
