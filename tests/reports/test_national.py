"""The 统计表 (民发〔2016〕42号 附件3) for 监利市 at a cut-off date: the columns from the history as
of that date, every 勾稽关系 holding, the townships adding up to the county, the national Excel
layout, a township's frozen submission beside the 月报's, and scope."""
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from shouhu.core.errors import Conflict
from shouhu.registry.models import Child
from shouhu.reports import national, selectors, services
from shouhu.reports.models import Submission
from shouhu.rules import national_forms as N
from tests.factories import PASSWORD, years_ago
from tests.reports.test_services import make_child, update


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def cutoff():
    return timezone.localdate() - timedelta(days=20)


@pytest.fixture
def kids(world, cutoff):
    """Children of both townships, registered before the cut-off, varied over the columns."""
    a = world.admin
    before = cutoff - timedelta(days=30)
    age = lambda n, d=40: years_ago(n, days=d, today=cutoff)  # noqa: E731
    out = [
        make_child(a, world.guangrong, name="陆金兰", birth_date=age(8), effective_date=before, boarding=True),
        make_child(a, world.guangrong, name="王小明", sex="男", birth_date=age(13), schooling="初中", effective_date=before,
                   mother_situation="重病", mother_work_province="", mother_work_city="", mother_since=None,
                   guardianship="父或母无监护能力"),
        make_child(a, world.lianfu, name="张广", birth_date=age(3), schooling="幼儿园", effective_date=before, carer_relation="其他亲属"),
        make_child(a, world.lianfu, name="钱中", sex="男", birth_date=age(15), schooling="中职", effective_date=before,
                   guardianship="监护情况较好", carer_name="", carer_relation="", carer_phone=""),
        make_child(a, world.hongxing, name="孙辍", birth_date=age(12), schooling="辍学", effective_date=before,
                   carer_relation="朋友邻居"),
        make_child(a, world.hongxing, name="周五", sex="男", birth_date=age(5, 1), schooling="未入园", effective_date=before),
    ]
    # not counted: 16 on the cut-off date; registered after it; no longer left behind by then
    make_child(a, world.hongxing, name="吴大", birth_date=age(16, 1), schooling="高中", effective_date=before)
    make_child(a, world.hongxing, name="郑后", birth_date=age(9), effective_date=cutoff + timedelta(days=2))
    home = make_child(a, world.guangrong, name="冯返", birth_date=age(9), effective_date=before)
    update(a, home, on=cutoff - timedelta(days=1), reason="父母返乡", father_situation="在家", mother_situation="在家",
           father_work_province="", father_work_city="", father_since=None, mother_work_province="", mother_work_city="",
           mother_since=None)
    return out


def test_the_county_table_counts_each_column_and_every_relation_holds(world, kids, cutoff):
    figures = national.national_figures(node=world.county, cutoff=cutoff)
    total = figures["table"]["total"]["counts"]
    assert total["c1"] == 6
    assert (total["c2"], total["c5"], total["c8"]) == (2, 3, 1)
    assert (total["c3"], total["c4"]) == (1, 1)  # 0—5: 周五 (boy, 5), 张广 (girl, 3)
    assert (total["c11"], total["c12"], total["c13"], total["c14"], total["c16"], total["c17"]) == (1, 1, 1, 1, 1, 1)
    assert (total["c19"], total["c20"]) == (5, 1)
    assert (total["c24"], total["c25"]) == (1, 1)  # 陆金兰 boards, 王小明 does not
    assert (total["c26"], total["c27"], total["c28"], total["c29"]) == (3, 1, 1, 1)
    assert (total["c30"], total["c31"], total["c32"]) == (1, 4, 1)
    assert national.all_hold(figures), [c for c in figures["checks"] if not c["holds"]]
    assert len([c for c in figures["checks"] if c["where"] == "合计"]) == len(N.RELATIONS) + 1


def test_township_tables_add_up_to_the_county(world, kids, cutoff):
    county = national.national_figures(node=world.county, cutoff=cutoff)["table"]
    for township in (world.maoshi, world.zhuhe):
        own = national.national_figures(node=township, cutoff=cutoff)
        assert national.all_hold(own)
        row = next(r for r in county["rows"] if r["code"] == township.code)
        assert own["table"]["total"]["counts"] == row["counts"]
    summed = {k: sum(r["counts"][k] for r in county["rows"]) for k in county["total"]["counts"]}
    assert summed == county["total"]["counts"]


def test_the_table_is_the_history_as_of_the_cut_off(world, kids, cutoff):
    assert national.national_figures(node=world.county, cutoff=cutoff - timedelta(days=60))["table"]["total"]["counts"]["c1"] == 0


def test_a_township_submission_is_frozen_and_separate_from_the_monthly_one(world, kids, cutoff):
    sub = services.national_submit(actor=world.dudao, township=world.maoshi, cutoff=cutoff)
    assert sub.kind == Submission.Kind.NATIONAL and sub.figures["table"]["total"]["counts"]["c1"] == 4
    make_child(world.admin, world.guangrong, name="补录", birth_date=years_ago(7, today=cutoff), effective_date=cutoff - timedelta(days=3))
    view = national.national_report(world.dudao, node_code=world.maoshi.code, cutoff=cutoff)
    assert view.frozen and view.figures["table"]["total"]["counts"]["c1"] == 4
    assert national.national_report(world.dudao, node_code=world.maoshi.code, cutoff=cutoff, live=True).figures["table"]["total"]["counts"]["c1"] == 5
    with pytest.raises(Conflict):
        services.national_submit(actor=world.dudao, township=world.maoshi, cutoff=cutoff)
    assert selectors.open_submission(township=world.maoshi, month=cutoff) is None  # the 月报 of that month is not submitted
    services.report_reopen(actor=world.admin, township=world.maoshi, month=cutoff, kind=Submission.Kind.NATIONAL, reason="补录")
    assert services.national_submit(actor=world.dudao, township=world.maoshi, cutoff=cutoff).figures["table"]["total"]["counts"]["c1"] == 5


def test_the_page_shows_every_relation_as_satisfied(world, kids, cutoff, client):
    page = login(client, world.admin).get(reverse("reports:national"), {"node": world.county.code, "cutoff": cutoff.isoformat()})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="checks-ok"' in html and "1列=2列+5列+8列（6 = 6）" in html and "13列+14列=24列+25列（2 = 2）" in html


def test_the_excel_is_in_the_national_layout(world, kids, cutoff, client):
    r = login(client, world.admin).get(reverse("reports:national_download"), {"node": world.county.code, "cutoff": cutoff.isoformat()})
    assert r.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "农村留守儿童摸底排查统计表"
    assert sheet[5][1:33] == [float(n) for n in range(1, 33)] or sheet[5][1:33] == list(range(1, 33))
    total = next(row for row in sheet if row and row[0] == "合计")
    assert int(total[1]) == 6
    assert any(str(row[0]).startswith("合计：13列+14列=24列+25列（2 = 2，成立）") for row in sheet if row)


def test_a_township_user_of_another_township_gets_404(world, kids, cutoff, client):
    c = login(client, world.dudao_zhuhe)
    assert c.get(reverse("reports:national"), {"node": world.maoshi.code, "cutoff": cutoff.isoformat()}).status_code == 404
    assert c.get(reverse("reports:national_download"), {"node": world.maoshi.code}).status_code == 404
    assert c.post(reverse("reports:national_submit"), {"node": world.maoshi.code, "cutoff": cutoff.isoformat()}).status_code == 404
    assert not Submission.objects.exists()
    assert Child.objects.count() >= 6
