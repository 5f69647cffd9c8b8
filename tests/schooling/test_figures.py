"""控辍保学 figures: counts per township and school (open by step, opened this month and term,
returned and how fast, overdue by step), the one-vote-veto flag (the township late to start, a
pupil missing), the page and its download for the township, county education and the county admin
only — and never a name."""
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from shouhu.reports import export
from shouhu.reports import selectors as R
from shouhu.reports.services import report_submit
from shouhu.schooling import dropout as S
from shouhu.schooling import figures as F
from shouhu.schooling.models import DropoutCase, SchoolBreak
from tests.factories import make_child, years_ago


def _open(world, name, **kw):
    return S.dropout_open(trigger="manual", school=kw.pop("school", world.jinxing), key=S.pupil_key(school_id=0, name=name), name=name,
                          birth_date=years_ago(11), tell=False, **kw)


@pytest.fixture
def cases(world):
    today = timezone.localdate()
    a = _open(world, "甲")  # at the school's step, on time
    b = _open(world, "乙")  # reported, the township late to start
    DropoutCase.objects.filter(pk=b.pk).update(state="reported", due_kind="start", due_on=today - timedelta(days=1))
    c = _open(world, "丙", on=today - timedelta(days=1))  # returned after 1 day, followed up
    DropoutCase.objects.filter(pk=c.pk).update(state="returned", returned_on=today, due_kind="follow", due_on=today + timedelta(days=7))
    d = _open(world, "丁", school=world.zhuhe_school)  # another township, missing
    DropoutCase.objects.filter(pk=d.pk).update(whereabouts_unknown=True)
    return a, b, c, d


def test_counts_and_the_veto(world, cases):
    f = F.dropout_figures(world.admin)
    assert f.total.open == 4 and f.total.opened_term == 4 and f.total.returned == 1 and f.total.return_rate == 25.0
    maoshi, zhuhe = ({t.label: t for t in f.townships}[n] for n in (world.maoshi.name, world.zhuhe.name))
    assert maoshi.open_by_step == {"school": 1, "reported": 1, "township": 0, "legal": 0, "returned": 1}
    assert maoshi.overdue_by_step["reported"] == 1 and maoshi.township_late == 1 and maoshi.veto
    assert maoshi.median_days == 1 and [s.label for s in maoshi.schools] == ["金星小学"] and maoshi.schools[0].veto
    assert zhuhe.missing == 1 and zhuhe.veto and zhuhe.overdue == 0
    # a school late with its own attempts is counted, not vetoed
    a = cases[0]
    DropoutCase.objects.filter(pk=cases[1].pk).update(due_on=timezone.localdate() + timedelta(days=1))
    DropoutCase.objects.filter(pk=a.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    maoshi = next(t for t in F.dropout_figures(world.admin).townships if t.label == world.maoshi.name)
    assert maoshi.overdue_by_step["school"] == 1 and not maoshi.veto


def test_each_sees_their_own(world, cases):
    assert [t.label for t in F.dropout_figures(world.dudao).townships] == [world.maoshi.name]
    assert F.dropout_figures(world.edu).total.open == 4
    assert F.dropout_figures(world.xiaozhang).total.open == 0  # a school works cases, the figures are the township's


def test_term_start(db):
    assert F.term_start(date(2025, 10, 8)) == date(2025, 9, 1)
    assert F.term_start(date(2026, 1, 10)) == date(2025, 9, 1)
    SchoolBreak.objects.create(name="寒假", start=date(2026, 1, 24), end=date(2026, 2, 22))
    assert F.term_start(date(2026, 3, 10)) == date(2026, 2, 23)


def test_the_page_and_download(client, world, cases):
    client.force_login(world.dudao)
    page = client.get("/schooling/dropout/figures/").content.decode()
    assert "一票否决风险" in page and "金星小学" in page and 'id="dropout-chart-data"' in page and "dropout-figures.js" in page
    assert "甲" not in page and "乙" not in page  # counts only
    client.force_login(world.admin)
    assert "控辍保学统计" in client.get("/").content.decode()  # in the menu of the county admin, who works no case
    r = client.get("/schooling/dropout/figures/?export=xlsx")
    ws = load_workbook(BytesIO(r.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "一票否决" in values and "金星小学" in values and "甲" not in values


@pytest.mark.parametrize("who", ["xiaozhang", "banzhuren", "zhuren", "volunteer", "partner", "inspector"])
def test_others_get_404(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get("/schooling/dropout/figures/").status_code == 404


def test_the_monthly_report_has_the_dropout_table(world, cases, django_capture_on_commit_callbacks):
    """The report's 控辍保学 table, by village for a township (a pupil without a record on a row of
    the school's township) and by township for the county; the township's submission freezes it
    and the download has it."""
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        pupil = make_child(world.zhuren, world.guangrong, birth_date=years_ago(10), school=world.jinxing, school_class=world.c31)
    registered = S.dropout_open(trigger="manual", school=world.jinxing, child=pupil, tell=False)
    S.dropout_missing(actor=world.dudao, case=registered, note="电话联系不上，已报派出所")

    def section(node):
        return next(s for s in R.report_figures(node=node, month=today)["sections"] if s["key"] == "dropout")

    town = section(world.maoshi)
    rows = {r["label"]: r["counts"] for r in town["rows"]}
    assert rows["光荣村"]["opened"] == 1 and rows["光荣村"]["missing"] == 1
    assert rows[R.OUTSIDE_UNITS]["opened"] == 3  # 甲 乙 丙: pupils of 金星小学 without a record
    assert town["total"]["counts"]["opened"] == 4 and town["title"] == "控辍保学"
    county = section(world.county)
    by_town = {r["label"]: r["counts"] for r in county["rows"]}
    assert by_town["毛市镇"] == town["total"]["counts"]  # the township's table adds up to its row in the county's
    assert county["total"]["counts"]["opened"] == 5

    # frozen with the submission (a month closes first: submit last month's, then compare)
    last_month = today.replace(day=1) - timedelta(days=1)
    sub = report_submit(actor=world.dudao, township=world.maoshi, month=last_month)
    assert any(s["key"] == "dropout" for s in sub.figures["sections"])
    data = export.workbook_bytes(R.report_figures(node=world.maoshi, month=today), heading="毛市镇", marking="测试", with_names=False)
    assert "控辍保学" in load_workbook(BytesIO(data)).sheetnames


def test_the_report_page_shows_the_table_without_names(client, world, cases):
    client.force_login(world.dudao)
    month = timezone.localdate().strftime("%Y-%m")
    page = client.get(f"/reports/?month={month}").content.decode()
    assert 'id="table-dropout"' in page and "乡镇逾期未启动" in page and R.OUTSIDE_UNITS in page
    assert "甲" not in page
    client.force_login(world.partner)  # statistics only: counts under 5 shown as <5
    page = client.get(f"/reports/?node={world.county.code}&month={month}").content.decode()
    assert 'id="table-dropout"' in page and "&lt;5" in page
