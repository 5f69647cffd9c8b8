"""月报: figures reconstructed as of a month end from the history, sums by level, entered/exited,
submission freezing (also after backdated edits), reopening, lateness, pages, scope, download."""
import json
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.core.errors import Conflict, Forbidden, NotFound, ServiceError
from shouhu.registry.models import Child
from shouhu.registry.services import child_register, child_update
from shouhu.reports import rules, selectors, services, views
from shouhu.reports.models import Submission
from tests.factories import PASSWORD, child_values, years_ago


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def table(figures, key):
    return next(t for t in figures["tables"] if t["key"] == key)


def row(t, code):
    return next(r for r in t["rows"] if r["code"] == code)["counts"]


def make_child(actor, village, *, effective_date=None, **over) -> Child:
    return child_register(actor=actor, child=Child(**child_values(village, **over)), effective_date=effective_date)


def update(actor, child, *, on, reason="更新档案", **changes):
    child = Child.objects.get(pk=child.pk)
    for k, v in changes.items():
        setattr(child, k, v)
    return child_update(actor=actor, child=child, reason=reason, effective_date=on)


@pytest.fixture
def month():
    """The report month: two months ago (complete, and its deadline has passed)."""
    return rules.add_months(timezone.localdate(), -2)


@pytest.fixture
def data(world, month):
    """Hand-made children. Registered (effective) on the 10th of the report month unless said."""
    first, last = rules.month_bounds(month)
    on = first.replace(day=10)
    after = last + timedelta(days=3)
    before = first - timedelta(days=5)
    age = lambda n: years_ago(n, days=40, today=last)  # noqa: E731  n whole years on the month's last day
    a = world.admin
    c = {}
    # 光荣村 (毛市镇)
    c["double"] = make_child(a, world.guangrong, name="陆金兰", birth_date=age(8), effective_date=on)  # 双亲: 广东 + 浙江
    c["single"] = make_child(a, world.guangrong, name="王小明", sex="男", birth_date=age(10), effective_date=on,
                             mother_situation="重病", mother_work_province="", guardianship="父或母无监护能力")
    c["orphan"] = make_child(a, world.guangrong, name="李孤", birth_date=age(15), schooling="初中", effective_date=on,
                             father_situation="死亡", father_work_province="", mother_situation="死亡", mother_work_province="",
                             guardianship="监护情况较好")
    c["exits"] = make_child(a, world.guangrong, name="赵退", birth_date=age(9), effective_date=before)
    update(a, c["exits"], on=on, reason="父母返乡", father_situation="在家", mother_situation="在家")
    # 莲福村 (毛市镇)
    c["canton"] = make_child(a, world.lianfu, name="张广", birth_date=age(3), schooling="幼儿园", effective_date=on,
                             mother_work_province="广东", mother_work_city="深圳")
    c["prison"] = make_child(a, world.lianfu, name="刘服", birth_date=age(16), schooling="高中", effective_date=on,
                             father_situation="服刑在押", father_work_province="", mother_situation="死亡", mother_work_province="",
                             guardianship="受委托监护人监护能力不足")
    # 红星村 (朱河镇)
    c["hong"] = make_child(a, world.hongxing, name="陈红", birth_date=age(12), effective_date=on)
    c["later"] = make_child(a, world.hongxing, name="晚登记", birth_date=age(7), effective_date=after)  # absent
    c["changed"] = make_child(a, world.hongxing, name="周变", birth_date=age(13), effective_date=on)
    update(a, c["changed"], on=after, schooling="初中", father_work_province="江苏", name="周改名")  # counted with old values
    return c


# -- exact figures on the hand-made dataset ------------------------------------------------------------
def test_category_counts_by_village(world, data, month):
    f = selectors.report_figures(node=world.maoshi, month=month)
    t = table(f, "categories")
    assert [r["code"] for r in t["rows"]] == ["421088109200", "421088109202"]
    g, lf = row(t, "421088109200"), row(t, "421088109202")
    assert g["total"] == 3 and lf["total"] == 2
    assert g["left_behind"] == 2 and g["left_behind_double"] == 1 and g["left_behind_single"] == 1 and g["orphan"] == 1
    assert lf["left_behind"] == 1 and lf["left_behind_double"] == 1 and lf["de_facto"] == 1 and lf["parents_imprisoned"] == 1
    assert t["total"]["counts"]["total"] == 5 and t["total"]["counts"]["orphan"] == 1


def test_guardianship_age_schooling_province(world, data, month):
    f = selectors.report_figures(node=world.county, month=month)
    maoshi, zhuhe = "421088109", "421088101"
    gu = table(f, "guardianship")
    assert row(gu, maoshi) == {"无人监护": 0, "父或母无监护能力": 1, "受委托监护人监护能力不足": 1, "监护情况一般": 2, "监护情况较好": 1}
    assert row(gu, zhuhe)["监护情况一般"] == 2
    age = table(f, "age")
    assert row(age, maoshi) == {"0-5": 1, "6-13": 2, "14-16": 1, "16-18": 1}
    assert row(age, zhuhe) == {"0-5": 0, "6-13": 2, "14-16": 0, "16-18": 0}
    sc = table(f, "schooling")
    assert row(sc, maoshi)["小学"] == 2 and row(sc, maoshi)["初中"] == 1 and row(sc, maoshi)["幼儿园"] == 1 and row(sc, maoshi)["高中"] == 1
    assert row(sc, zhuhe)["小学"] == 2 and row(sc, zhuhe)["初中"] == 0  # 周变 changed to 初中 only after the month
    pr = table(f, "province")
    # 陆金兰 广东+浙江, 王小明 广东, 张广 广东+广东 (once), 陈红 广东+浙江, 周变 广东(old)+浙江
    assert row(pr, maoshi) == {rules.AWAY_ANY: 3, "广东": 3, "浙江": 1}
    assert row(pr, zhuhe) == {rules.AWAY_ANY: 2, "广东": 2, "浙江": 2}
    assert [c[0] for c in pr["columns"]] == [rules.AWAY_ANY, "广东", "浙江"]  # 江苏 only after the month


def test_entered_and_exited_in_month(world, data, month):
    f = selectors.report_figures(node=world.maoshi, month=month)
    mv = table(f, "movement")
    assert row(mv, "421088109200") == {"enter": 3, "reenter": 0, "exit": 1}
    assert row(mv, "421088109202") == {"enter": 2, "reenter": 0, "exit": 0}
    exits = [m for m in f["movements"] if m["kind"] == "exit"]
    assert len(exits) == 1 and exits[0]["name"] == "赵退" and exits[0]["village"] == "光荣村"
    assert exits[0]["uid"] == str(data["exits"].uid) and exits[0]["reason"]
    assert sorted(m["name"] for m in f["movements"] if m["kind"] == "enter") == sorted(["陆金兰", "王小明", "李孤", "张广", "刘服"])
    # 赵退 entered the month before
    prev = selectors.report_figures(node=world.maoshi, month=rules.add_months(month, -1))
    assert [m["name"] for m in prev["movements"]] == ["赵退"]
    assert table(prev, "categories")["total"]["counts"]["total"] == 1


def test_history_reconstruction(world, data, month):
    f = selectors.report_figures(node=world.hongxing, month=month)
    assert table(f, "categories")["total"]["counts"]["total"] == 2  # 晚登记 registered after the month end is absent
    assert sorted(m["name"] for m in f["movements"]) == sorted(["陈红", "周变"])  # the name as of the month end
    assert table(f, "schooling")["total"]["counts"]["初中"] == 0
    # the next month sees the later registration and the change
    nxt = selectors.report_figures(node=world.hongxing, month=rules.add_months(month, 1))
    assert table(nxt, "categories")["total"]["counts"]["total"] == 3
    assert table(nxt, "schooling")["total"]["counts"]["初中"] == 1
    assert table(nxt, "province")["total"]["counts"]["江苏"] == 1
    # an exited child is not counted
    assert table(selectors.report_figures(node=world.guangrong, month=month), "categories")["total"]["counts"]["total"] == 3


def test_a_child_who_moved_counts_where_it_lived_at_month_end(world, month):
    first, last = rules.month_bounds(month)
    moved = make_child(world.admin, world.guangrong, name="搬家", birth_date=years_ago(9, today=last), effective_date=first - timedelta(days=20))
    update(world.admin, moved, on=first.replace(day=12), reason="搬迁", village=world.hongxing)
    total = lambda node, m: table(selectors.report_figures(node=node, month=m), "categories")["total"]["counts"]["total"]  # noqa: E731
    assert (total(world.guangrong, month), total(world.hongxing, month), total(world.maoshi, month), total(world.zhuhe, month)) == (0, 1, 0, 1)
    before = rules.add_months(month, -1)
    assert (total(world.guangrong, before), total(world.hongxing, before), total(world.county, before)) == (1, 0, 1)
    # moved back after the month end: the month still counts it in 红星村
    update(world.admin, moved, on=last + timedelta(days=2), reason="搬回", village=world.guangrong)
    assert (total(world.guangrong, month), total(world.hongxing, month)) == (0, 1)


def test_known_at_hides_later_records(world, data, month):
    f = selectors.report_figures(node=world.county, month=month, known_at=timezone.now() - timedelta(days=1))
    assert table(f, "categories")["total"]["counts"]["total"] == 0 and f["movements"] == []


def _assert_consistent(world, node, month):
    f = selectors.report_figures(node=node, month=month)
    direct = selectors.direct_totals(node=node, month=month)
    for t in f["tables"]:
        assert rules.sum_mismatches(t) == []
        assert rules.total_mismatches(t, direct.get(t["key"], {})) == [], t["key"]
    return f


def test_every_total_is_the_sum_of_the_level_below(world, data, month):
    county = _assert_consistent(world, world.county, month)
    for township in (world.maoshi, world.zhuhe):
        tf = _assert_consistent(world, township, month)
        for t in tf["tables"]:
            # the township's total equals its row in the county table, column by column
            ct = table(county, t["key"])
            assert {k: row(ct, township.code).get(k, 0) for k, _ in t["columns"]} == t["total"]["counts"]
            for village_row in t["rows"]:
                vf = selectors.report_figures(node=selectors.Region.objects.get(code=village_row["code"]), month=month)
                vt = table(vf, t["key"])
                assert {k: vt["total"]["counts"].get(k, 0) for k, _ in t["columns"]} == village_row["counts"]
    assert table(county, "categories")["total"]["counts"]["total"] == 7


# -- submission -----------------------------------------------------------------------------------
def test_submit_freezes_and_reproduces_after_later_and_backdated_edits(world, data, month):
    sub = services.report_submit(actor=world.dudao, township=world.maoshi, month=month)
    assert sub.submitted_by == world.dudao and sub.figures["node"]["code"] == world.maoshi.code
    frozen = Submission.objects.get(pk=sub.pk).figures  # as read back from the database
    assert frozen == selectors.report_figures(node=world.maoshi, month=month, known_at=sub.submitted_at)
    first, last = rules.month_bounds(month)
    # later edits: a backdated change inside the month, a backdated registration, a current change
    update(world.admin, data["double"], on=first.replace(day=20), reason="补录：父母返乡", father_situation="在家", mother_situation="在家")
    make_child(world.admin, world.lianfu, name="补登记", birth_date=years_ago(5, today=last), effective_date=first.replace(day=15))
    update(world.admin, data["orphan"], on=timezone.localdate(), schooling="高中")
    live = selectors.report_figures(node=world.maoshi, month=month)
    assert live != frozen
    assert table(live, "categories")["total"]["counts"]["total"] == 5  # -1 exit (backdated), +1 registration
    assert any(m["name"] == "补登记" for m in live["movements"])
    again = selectors.report_figures(node=world.maoshi, month=month, known_at=sub.submitted_at)
    assert again == frozen


def test_resubmit_refused_until_reopened(world, data, month):
    services.report_submit(actor=world.dudao, township=world.maoshi, month=month)
    with pytest.raises(Conflict, match="已上报") as exc:
        services.report_submit(actor=world.dudao, township=world.maoshi, month=month)
    assert exc.value.code == services.ReportErrorCode.ALREADY_SUBMITTED
    with pytest.raises(Forbidden):
        services.report_reopen(actor=world.dudao, township=world.maoshi, month=month)
    services.report_reopen(actor=world.admin, township=world.maoshi, month=month, reason="数据有误")
    with pytest.raises(Conflict):
        services.report_reopen(actor=world.admin, township=world.maoshi, month=month)
    sub2 = services.report_submit(actor=world.dudao, township=world.maoshi, month=month)
    assert Submission.objects.filter(township=world.maoshi, month=month).count() == 2
    assert selectors.open_submission(township=world.maoshi, month=month) == sub2


@pytest.mark.parametrize("who", ["dudao_zhuhe", "zhuren", "inspector", "edu", "partner", "banzhuren"])
def test_only_the_township_supervisor_or_admin_submits(world, month, who):
    with pytest.raises(Forbidden):
        services.report_submit(actor=getattr(world, who), township=world.maoshi, month=month)


def test_admin_submits_on_behalf_but_not_a_village_or_an_open_month(world, month):
    assert services.report_submit(actor=world.admin, township=world.zhuhe, month=month).submitted_by == world.admin
    with pytest.raises(ServiceError):
        services.report_submit(actor=world.admin, township=world.guangrong, month=month)
    with pytest.raises(ServiceError, match="尚未结束"):
        services.report_submit(actor=world.dudao, township=world.maoshi, month=timezone.localdate())


def test_status_late_by_deadline(world, month, settings):
    settings.SHOUHU = {**settings.SHOUHU, "REPORT_DEADLINE_DAY": 5}
    due = rules.deadline(month, 5)
    on_time = timezone.make_aware(datetime.combine(due, time(9)))
    services.report_submit(actor=world.dudao, township=world.maoshi, month=month, now=on_time)
    rows = {r.township.code: r for r in selectors.submission_status(world.admin, month=month, today=due)}
    assert rows["421088109"].status == "submitted" and rows["421088101"].status == "pending"
    rows = {r.township.code: r for r in selectors.submission_status(world.admin, month=month, today=due + timedelta(days=1))}
    assert rows["421088101"].status == "late" and rows["421088109"].submission.submitted_by == world.dudao
    settings.SHOUHU = {**settings.SHOUHU, "REPORT_DEADLINE_DAY": 28}
    rows = {r.township.code: r for r in selectors.submission_status(world.admin, month=month, today=due + timedelta(days=1))}
    assert rows["421088101"].status == "pending"
    services.report_submit(actor=world.dudao_zhuhe, township=world.zhuhe, month=month)  # today: after the deadline
    rows = {r.township.code: r for r in selectors.submission_status(world.admin, month=month)}
    assert rows["421088101"].status == "submitted_late" and rows["421088101"].label == "已上报（逾期）"
    with pytest.raises(NotFound):
        selectors.submission_status(world.dudao, month=month)


# -- pages ----------------------------------------------------------------------------------------
def test_report_page_for_the_supervisor(client, world, data, month):
    login(client, world.dudao)
    r = client.get(reverse("reports:monthly"), {"month": rules.format_month(month)})
    assert r.status_code == 200
    html = r.content.decode()
    assert "毛市镇" in html and "上报本月" in html and "table-responsive" in html and "光荣村" in html
    assert reverse("registry:detail", args=[data["exits"].uid]) in html
    r = client.post(reverse("reports:submit"), {"node": world.maoshi.code, "month": rules.format_month(month)})
    assert r.status_code == 302
    html = client.get(r["Location"]).content.decode()
    assert "已于" in html and "由 dudao 上报" in html and "查看实时数据" in html and "上报本月" not in html
    assert "live=1" in html
    assert client.get(reverse("reports:monthly"), {"node": world.maoshi.code, "month": rules.format_month(month), "live": "1"}).status_code == 200


def test_entries_and_exits_come_in_pages(client, world, data, month, monkeypatch):

    monkeypatch.setattr(views, "MOVEMENTS_PAGE", 2)
    login(client, world.dudao)
    r = client.get(reverse("reports:monthly"), {"month": rules.format_month(month)})
    total = len(r.context["figures"]["movements"])
    assert total > 2 and len(r.context["movements"].object_list) == 2
    html = r.content.decode()
    assert 'id="movement-pages"' in html and f"month={rules.format_month(month)}" in html and "page=2" in html
    last = client.get(reverse("reports:monthly"), {"month": rules.format_month(month), "page": "99"})
    assert len(last.context["movements"].object_list) == total - 2 * (r.context["movements"].paginator.num_pages - 1)


def test_default_month_is_the_previous_one(client, world):
    login(client, world.zhuren)
    r = client.get(reverse("reports:monthly"))
    assert r.status_code == 200 and r.context["month"] == rules.previous_month(timezone.localdate())
    assert r.context["node"] == world.guangrong and "下载Excel" in r.content.decode()


def test_status_page_and_reopen(client, world, data, month):
    services.report_submit(actor=world.dudao, township=world.maoshi, month=month)
    login(client, world.admin)
    html = client.get(reverse("reports:status"), {"month": rules.format_month(month)}).content.decode()
    assert "毛市镇" in html and "朱河镇" in html and "逾期未报" in html and "dudao" in html and "退回" in html
    r = client.post(reverse("reports:reopen"), {"node": world.maoshi.code, "month": rules.format_month(month), "next": "status"})
    assert r.status_code == 302 and selectors.open_submission(township=world.maoshi, month=month) is None


def test_download_writes_access_log(client, world, data, month):
    import io

    import openpyxl

    login(client, world.dudao)
    r = client.get(reverse("reports:download"), {"node": world.maoshi.code, "month": rules.format_month(month)})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["分类统计", "监护情况", "年龄段（截至月末）", "就学情况", "父母外出务工省份", "本月纳入与退出", "控辍保学", "关爱帮扶", "未成年人保护", "纳入退出名单"]
    ws = wb["纳入退出名单"]
    assert [c.value for c in ws[4]] == ["姓名", "村（社区）", "日期", "类型", "原因"]
    cells = [str(c.value) for row_ in ws.iter_rows() for c in row_ if c.value]
    assert "赵退" in cells and not any(data["exits"].id_number in c for c in cells)
    log = AccessLog.objects.get(action="export", user=world.dudao)
    assert "421088109" in log.scope


SCOPED = [("reports:monthly", "get"), ("reports:download", "get"), ("reports:submit", "post"), ("reports:reopen", "post")]


@pytest.mark.parametrize("page,method", SCOPED)
@pytest.mark.parametrize("who,node", [("dudao_zhuhe", "421088109"), ("dudao_zhuhe", "421088109200"), ("zhuren_lianfu", "421088109200"),
                                      ("zhuren", "421088109"), ("dudao", "421088"), ("dudao", "999999999"), ("dudao", "x")])
def test_out_of_scope_or_unknown_node_is_404(client, world, month, page, method, who, node):
    login(client, getattr(world, who))
    r = getattr(client, method)(reverse(page), {"node": node, "month": rules.format_month(month)})
    assert r.status_code == 404


@pytest.mark.parametrize("page", ["reports:monthly", "reports:status", "reports:download"])
@pytest.mark.parametrize("who", ["banzhuren", "xiaozhang", "volunteer"])
def test_school_line_and_helpers_get_404(client, world, page, who):
    login(client, getattr(world, who))
    assert client.get(reverse(page)).status_code == 404
    assert not AccessLog.objects.filter(action="export").exists()


def test_status_page_only_for_county_users(client, world, month):
    for who, code in [("admin", 200), ("edu", 200), ("partner", 200), ("dudao", 404), ("zhuren", 404)]:
        client.logout()
        login(client, getattr(world, who))
        assert client.get(reverse("reports:status"), {"month": rules.format_month(month)}).status_code == code, who


def test_names_only_for_the_administrative_line(client, world, data, month):
    login(client, world.partner)
    html = client.get(reverse("reports:monthly"), {"node": world.maoshi.code, "month": rules.format_month(month)}).content.decode()
    assert "赵退" not in html and "光荣村" in html


def test_anonymous_is_sent_to_login(client):
    r = client.get(reverse("reports:monthly"))
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_statistics_only_reader_gets_small_counts_suppressed(client, world, data, month):
    """Reproduces: the monthly report showed a statistics-only partner village counts of 1
    (无人监护 = 1 in 光荣村) and the list of who entered and left, with village, date and reason."""
    params = {"node": world.maoshi.code, "month": rules.format_month(month)}
    view = selectors.monthly_report(world.partner, node_code=world.maoshi.code, month=month)
    counts = [v for t in view.figures["tables"] for r in [*t["rows"], t["total"]] for v in r["counts"].values()]
    assert "<5" in counts and not any(isinstance(v, int) and 0 < v < 5 for v in counts)
    assert view.figures["movements"] == [] and all(not (isinstance(n, int) and 0 < n < 5) for _, n in view.summary)
    login(client, world.partner)
    html = client.get(reverse("reports:monthly"), params).content.decode()
    assert "&lt;5" in html and "父母返乡" not in html
    import io

    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(client.get(reverse("reports:download"), params).content))
    cells = [c.value for ws in wb.worksheets for row_ in ws.iter_rows(min_row=5) for c in row_]
    assert "<5" in cells and not any(isinstance(v, int) and 0 < v < 5 for v in cells) and "父母返乡" not in cells
    # the supervisor of the township still gets the numbers
    view = selectors.monthly_report(world.dudao, node_code=world.maoshi.code, month=month)
    assert row(table(view.figures, "categories"), world.guangrong.code)["total"] == 3


def test_the_report_draws_the_categories_by_unit(client, world):
    """A county's report has a bar chart of its townships (JSON for static/js/dashboard.js, each bar
    opening that township's report); a village's report, one unit, has none."""
    client.force_login(world.admin)
    page = client.get(f"/reports/?node={world.county.code}").content.decode()
    data = json.loads(page.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    chart = data["report-chart"]
    assert chart["labels"] == ["朱河镇", "毛市镇"] and [s["name"] for s in chart["series"]][0] == "农村留守儿童"
    assert chart["links"][0][1].startswith("/reports/?") and world.maoshi.code in chart["links"][0][1]
    assert 'id="report-chart"' not in client.get(f"/reports/?node={world.guangrong.code}").content.decode()
