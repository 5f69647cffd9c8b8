"""Data-quality issues in the database: opened by the checks, closed when the data is fixed,
dismissed with a reason (kept), counted per unit through the scope; pages and 404s."""
from datetime import timedelta

import pytest

from shouhu.quality import selectors, services
from shouhu.quality.models import Issue, Snapshot
from shouhu.registry.models import Child
from shouhu.registry.services import child_register, child_update
from tests.factories import child_values, own_sitting


def reg(oc, world, village=None, **over):
    return oc(child_register, actor=world.admin, child=Child(**child_values(village or world.guangrong, **over)))


def open_codes(child):
    return set(Issue.objects.filter(child=child, status="open").values_list("code", flat=True))


def test_a_save_opens_issues_and_fixing_the_data_closes_them(world, oc):
    girl = reg(oc, world, name="陆金兰", father_phone="", mother_phone="", carer_phone="")
    assert "no_phone" in open_codes(girl)                          # checked right after the save
    girl.mother_phone = "13912345678"
    oc(child_update, actor=world.admin, child=girl)
    assert "no_phone" not in open_codes(girl)
    fixed = Issue.objects.get(child=girl, code="no_phone")
    assert fixed.status == "fixed" and fixed.closed_on == world.today


def test_dismissed_issue_stays_dismissed_and_needs_a_reason(world, oc):
    from shouhu.core.errors import NotFound, ServiceError

    girl = reg(oc, world, name="陆金兰", father_phone="", mother_phone="", carer_phone="")
    issue = Issue.objects.get(child=girl, code="no_phone")
    with pytest.raises(ServiceError):
        services.dismiss(actor=world.zhuren, issue=issue, reason="")
    with pytest.raises(NotFound):
        services.dismiss(actor=world.zhuren_lianfu, issue=issue, reason="另一个村的人不能关闭")
    services.dismiss(actor=world.zhuren, issue=issue, reason="家中无电话，已登记邻居电话")
    services.recheck_children([girl.pk])
    issue.refresh_from_db()
    assert issue.status == "dismissed" and issue.dismissed_by == world.zhuren and "邻居" in issue.dismiss_reason


def test_orphan_with_parent_alive_is_found_and_scoped(world, oc):
    girl = reg(oc, world, name="陈小宝", benefits=["孤儿基本生活费"])
    assert "orphan_with_parent_alive" in open_codes(girl)
    assert selectors.issues_visible_to(world.zhuren).filter(child=girl).exists()
    assert not selectors.issues_visible_to(world.zhuren_lianfu).filter(child=girl).exists()
    assert not selectors.issues_visible_to(world.volunteer).exists()


def test_county_run_finds_a_mother_copied_onto_another_household(world, oc):
    a = reg(oc, world, name="张小红", mother_name="李桂芳", mother_phone="13900001111", address_detail="1组1号", carer_name="张爷爷")
    b = reg(oc, world, village=world.hongxing, name="王小明", mother_name="李桂芳", mother_phone="13900001111",
            father_name="王大", address_detail="5组9号", carer_name="王奶奶")
    services.recheck_all()
    assert "shared_parent_details" in open_codes(a) and "shared_parent_details" in open_codes(b)
    assert Snapshot.objects.filter(month=world.today.replace(day=1)).exists()


def test_units_scores_and_trend(world, oc):
    reg(oc, world, name="甲", father_phone="", mother_phone="", carer_phone="")
    reg(oc, world, village=world.hongxing, name="乙")
    services.recheck_all()
    rows = {u.label: u for u in selectors.units(world.admin, world.county)}
    assert rows["毛市镇"].errors >= 1 and rows["毛市镇"].score < rows["朱河镇"].score
    assert [u.label for u in selectors.units(world.admin, world.county)][0] == "毛市镇"   # worst first
    t = selectors.trend(world.county)
    assert t and t[-1]["records"] == 2


def test_pages_and_404s(client, world, oc):
    girl = reg(oc, world, name="陆金兰", father_phone="", mother_phone="", carer_phone="")
    services.recheck_all()
    client.force_login(world.dudao)
    html = client.get(f"/quality/?region={world.maoshi.code}").content.decode()
    assert "光荣村" in html and "没有任何联系电话" in html
    html = client.get("/quality/issues/?code=no_phone").content.decode()
    assert "陆金兰" in html and f"/children/{girl.uid}/edit/#wrap-" in html
    issue = Issue.objects.get(child=girl, code="no_phone")
    r = client.post(f"/quality/issues/{issue.pk}/dismiss/", {"reason": "确无电话，已备注", "next": "/quality/issues/"})
    assert r.status_code == 302 and Issue.objects.get(pk=issue.pk).status == "dismissed"
    client.force_login(world.dudao_zhuhe)
    assert f'id="issue-{issue.pk}"' not in client.get("/quality/issues/?code=no_phone&status=dismissed").content.decode()
    assert client.get(f"/quality/?region={world.maoshi.code}").status_code == 404
    assert client.post(f"/quality/issues/{issue.pk}/dismiss/", {"reason": "不是我的"}).status_code == 404
    client.force_login(world.volunteer)
    assert client.get("/quality/").status_code == 404
    client.force_login(world.zhuren)
    assert client.post("/quality/recheck/").status_code == 404
    client.force_login(world.admin)
    assert client.post("/quality/recheck/").status_code == 302


def test_exit_over_age_is_not_an_issue_while_visit_in_future_is(world, oc):
    from shouhu.care.models import Visit

    girl = reg(oc, world, name="走访")
    Visit.objects.create(child=girl, date=world.today + timedelta(days=3), visitor=world.zhuren, visitor_role="village_director",
                         visitor_name="x", life="y")
    services.recheck_all()
    assert "visit_in_future" in open_codes(girl)


def test_a_bulk_change_runs_the_check_as_a_job_with_progress(world, oc, client):
    """An import announces its villages: the check (duplicates included) runs as a background job
    whose progress the overview polls."""
    from shouhu.core import progress
    from shouhu.quality.models import DuplicatePair
    from shouhu.quality.tasks import PROGRESS_KEY
    from shouhu.registry.signals import announce

    first = reg(oc, world, name="陆金兰")
    own_sitting(reg(oc, world, name="陆晶兰", id_number="", birth_date=first.birth_date))
    assert not DuplicatePair.objects.exists()              # a form save checks the record only
    oc(announce, village_codes={world.guangrong.code})     # what an import sends
    assert DuplicatePair.objects.filter(status="open").count() == 1
    assert progress.read(PROGRESS_KEY)["phase"] == "完成"
    client.force_login(world.zhuren)
    assert "检查完成" in client.get("/quality/job/").content.decode()
    progress.report(PROGRESS_KEY, done=500, total=2000, phase="正在检查")
    html = client.get("/quality/job/").content.decode()
    assert "500 / 2000" in html and 'hx-trigger="every 2s"' in html and "pct-25" in html
    client.force_login(world.volunteer)
    assert client.get("/quality/job/").status_code == 404


def test_scores_per_school_for_both_lines_and_per_village_for_the_administrative_line(world, oc, client):
    reg(oc, world, name="陆金兰", school=world.jinxing, father_phone="", mother_phone="", carer_phone="")   # no_phone: a warning
    reg(oc, world, world.hongxing, name="朱河孩子", school=world.zhuhe_school)
    client.force_login(world.edu)
    html = client.get("/quality/").content.decode()
    assert 'id="schools"' in html and "金星小学" in html and 'id="units"' not in html
    client.force_login(world.dudao)                     # 毛市镇: its villages and its school, not 朱河小学
    html = client.get("/quality/").content.decode()
    assert 'id="units"' in html and 'id="schools"' in html and "金星小学" in html and "朱河小学" not in html
    client.force_login(world.xiaozhang)                 # the school itself: its checks
    r = client.get("/quality/")
    assert "数据质量 · 金星小学" in r.content.decode() and r.context["checks"]
    assert client.get(f"/quality/?school={world.zhuhe_school.pk}").status_code == 404
    rows = selectors.school_units(world.edu, None)
    jin = next(u for u in rows if u.label == "金星小学")
    assert jin.records == 1 and jin.warnings >= 1 and jin.score < 100


def test_the_issue_list_exports_what_it_shows_and_logs_it(world, oc, client):
    import io

    from openpyxl import load_workbook

    from shouhu.audit.models import AccessLog
    from shouhu.rules.quality import CATALOGUE

    reg(oc, world, name="陆金兰", father_phone="", mother_phone="", carer_phone="")
    reg(oc, world, world.lianfu, name="莲福孩子", father_phone="", mother_phone="", carer_phone="")
    client.force_login(world.zhuren)
    r = client.get("/quality/issues/?code=no_phone&export=xlsx")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("档案编号", "姓名", "乡镇（街道）", "村（社区）", "问题")
    assert [x[1] for x in rows[1:-1]] == ["陆金兰"] and rows[1][4] == CATALOGUE["no_phone"].title and rows[1][8] == "待处理"
    assert rows[-1][0].startswith("导出：zhuren")
    assert AccessLog.objects.filter(user=world.zhuren, action="export", detail="导出数据质量问题 1 条").exists()


def test_the_trend_is_charted_from_two_months_on(world, oc, client):
    from datetime import date

    reg(oc, world, name="陆金兰")
    client.force_login(world.zhuren)
    assert 'id="trend-chart"' not in client.get("/quality/").content.decode()   # one month: the table only
    Snapshot.objects.create(month=date(2026, 9, 1), village_code=world.guangrong.code, records=10, errors=5, warnings=10)
    Snapshot.objects.create(month=date(2026, 10, 1), village_code=world.guangrong.code, records=10, errors=1, warnings=2)
    html = client.get("/quality/").content.decode()
    assert 'id="trend-chart"' in html and "echarts.min.js" in html
    assert '{"month": "2026-09", "score": 20, "errors": 5, "warnings": 10}' in html  # 100 − ⌈100 × (5 + 3) / 10⌉


def test_the_issue_list_queries_do_not_grow_with_the_rows(world, oc, client, django_assert_max_num_queries):
    from shouhu.care.models import Visit

    for i in range(6):
        girl = reg(oc, world, name=f"走访{i}", father_phone="", mother_phone="", carer_phone="")
        Visit.objects.create(child=girl, date=world.today + timedelta(days=3), visitor=world.zhuren, visitor_role="village_director",
                             visitor_name="x", life="y")
    services.recheck_all()
    client.force_login(world.zhuren)
    client.get("/quality/issues/?status=open")
    with django_assert_max_num_queries(9):
        r = client.get("/quality/issues/?status=open")
    assert r.context["page"].paginator.count >= 12


def test_the_trend_is_for_the_administrative_line_and_dismiss_returns_only_here(world, oc, client):
    from datetime import date

    girl = reg(oc, world, name="陆金兰", school=world.jinxing, father_phone="", mother_phone="", carer_phone="")
    for m in (9, 10):
        Snapshot.objects.create(month=date(2026, m, 1), village_code=world.lianfu.code, records=777, errors=55)
    client.force_login(world.xiaozhang)       # the school's township: its villages' figures are not the school's
    assert client.get(f"/quality/?region={world.maoshi.code}").context["trend"] == []
    client.force_login(world.dudao)
    assert client.get(f"/quality/?region={world.maoshi.code}").context["trend"]
    issue = Issue.objects.get(child=girl, code="no_phone")
    client.force_login(world.zhuren)
    r = client.post(f"/quality/issues/{issue.pk}/dismiss/", {"reason": "家中无电话，已登记邻居电话", "next": "https://evil.example/x"})
    assert r.status_code == 302 and r["Location"] == "/quality/issues/"
