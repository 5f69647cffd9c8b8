"""Care work on a phone: the village child director opens my tasks, records a visit for an
overdue child from the list and the task disappears; a volunteer helper sees only the children
paired with them."""
from datetime import timedelta

from shouhu.care.dues.services import refresh_children
from shouhu.care.models import Helper, Pairing
from shouhu.registry.models import Child
from shouhu.registry.services import child_register
from tests.factories import child_values

from .test_register_flow import login

DEAD = dict(father_situation="死亡", father_work_province="", father_work_city="", father_since=None, father_phone="",
            mother_situation="死亡", mother_work_province="", mother_work_city="", mother_since=None, mother_phone="")


def register(world, name, days_ago, village=None, **over):
    child = Child(**child_values(village or world.guangrong, name=name, **over))
    return child_register(actor=world.admin, child=child, effective_date=world.today - timedelta(days=days_ago))


def test_zhuren_records_a_visit_from_my_tasks(live_server, world, phone):
    orphan = register(world, "陈小宝", 45, **DEAD)        # village director visits orphans monthly: 15 days overdue
    register(world, "陆金兰", 10)                          # left-behind: quarterly, not due yet
    register(world, "莲福村孩子", 45, village=world.lianfu, **DEAD)  # another village: not zhuren's task
    page, base = phone, live_server.url
    login(page, base, "zhuren")
    page.click(".navbar-toggler")
    page.get_by_role("link", name="我的待办").click()
    card = page.locator(f".task-card[data-kind=visit][data-child='{orphan.uid}']")
    assert "逾期15天" in card.inner_text()
    assert "莲福村孩子" not in page.inner_text("#task-list")
    page.screenshot(path="var/screenshot-tasks.png", full_page=True)
    card.get_by_role("link", name="记录走访").click()
    page.wait_for_selector("text=记录走访")
    page.check("input[name=mode][value=入户]")
    page.fill("#id_life", "与祖父同住，饮食正常")
    page.fill("#id_mind", "情绪稳定，想念父母")
    page.check("input[name=concerns][value=住房危险]")
    page.fill("#id_needs", "冬衣")
    page.screenshot(path="var/screenshot-visit-form.png", full_page=True)
    page.click("button[type=submit]:has-text('保存走访记录')")
    page.wait_for_url(base + "/care/tasks/")
    assert "已记录对陈小宝的走访" in page.inner_text("main")
    assert page.locator(f".task-card[data-kind=visit][data-child='{orphan.uid}']").count() == 0
    # the visit is on the child's page
    page.goto(base + f"/children/{orphan.uid}/")
    assert "住房危险" in page.inner_text("#care")


def test_zhuren_sees_errors_beside_the_field(live_server, world, phone):
    orphan = register(world, "陈小宝", 45, **DEAD)
    page, base = phone, live_server.url
    login(page, base, "zhuren")
    page.goto(base + f"/care/visits/new/{orphan.uid}/")
    page.fill("#id_date", (world.today + timedelta(days=3)).isoformat())
    page.click("button[type=submit]:has-text('保存走访记录')")
    page.wait_for_selector("#wrap-date .invalid-feedback")  # the form is sent by the queue's script: no new page
    assert "不能晚于今天" in page.inner_text("#wrap-date")
    assert "至少填写一项" in page.inner_text("#wrap-life") or "不能晚于今天" in page.inner_text("#wrap-date")


def test_volunteer_sees_only_paired_children(live_server, world, phone):
    paired = register(world, "结对娃", 30)
    other = register(world, "别的娃", 30)
    helper = Helper.objects.create(name="李爱心", kind="志愿者", user=world.volunteer, region=world.guangrong)
    Pairing.objects.create(helper=helper, child=paired, mode="一对多", start=world.today - timedelta(days=40))
    refresh_children([paired.pk, other.pk])
    page, base = phone, live_server.url
    login(page, base, "zhiyuanzhe")
    page.click(".navbar-toggler")
    page.get_by_role("link", name="儿童名单").click()
    text = page.inner_text("main")
    assert "结对娃" in text and "别的娃" not in text
    page.get_by_role("link", name="结对娃").first.click()
    body = page.inner_text("main")
    assert "记录走访" in body and "李爱心（帮扶人）" in body
    assert paired.id_number not in body and paired.father_phone not in body and "儿童主任" not in body   # fewer fields, own dues only
    r = page.goto(base + f"/children/{other.uid}/")
    assert r.status == 404
    page.goto(base + "/care/tasks/")
    assert "结对娃" in page.inner_text("#task-list") and "别的娃" not in page.inner_text("main")
