"""The monthly report's 关爱帮扶 table (care registers it as a report section)."""
from datetime import timedelta

from django.utils import timezone

from shouhu.care.helpers.services import pairing_create
from shouhu.care.visits.services import contact_record, visit_record
from shouhu.reports import selectors as R
from shouhu.reports.services import report_submit
from shouhu.rules.small_counts import SMALL
from tests.factories import make_child


def _section(figures, key="care"):
    return next(s for s in figures["sections"] if s["key"] == key)


def test_the_care_table_counts_contact_pairing_and_visits_by_place(world, girl, orphan, helper, oc):
    today = timezone.localdate()
    make_child(world.admin, world.hongxing, name="李小红")  # 朱河镇: left behind, no contact
    oc(contact_record, actor=world.zhuren, child=girl, date=today, kind="电话", with_whom="母亲")
    oc(pairing_create, actor=world.zhuren, child=orphan, helper=helper, mode="一对一", start=today)
    oc(visit_record, actor=world.zhuren, child=orphan, date=today, mode="入户", areas={"life": "正常"})
    oc(visit_record, actor=world.zhuren, child=orphan, date=today, mode="电话", areas={"life": "正常"})

    town = _section(R.report_figures(node=world.maoshi, month=today))
    rows = {r["label"]: r["counts"] for r in town["rows"]}
    assert town["title"] == "关爱帮扶"
    assert rows["光荣村"] == {"left_behind": 1, "contacted": 1, "key": 1, "one_to_one": 1, "monthly": 1, "visited": 1, "visits": 2}
    county = _section(R.report_figures(node=world.county, month=today))
    by_town = {r["label"]: r["counts"] for r in county["rows"]}
    assert by_town["毛市镇"] == town["total"]["counts"]  # the township's table adds up to its row in the county's
    assert by_town["朱河镇"]["left_behind"] == 1 and by_town["朱河镇"]["contacted"] == 0
    assert county["total"]["counts"]["left_behind"] == 2


def test_a_month_as_known_at_a_moment_reproduces_after_late_entries(world, girl, oc):
    """What a frozen submission relies on: the table as known at a moment ignores records entered
    after it, whatever their date."""
    today = timezone.localdate()
    then = timezone.now()
    before = _section(R.report_figures(node=world.maoshi, month=today, known_at=then))
    oc(contact_record, actor=world.zhuren, child=girl, date=today, kind="电话", with_whom="母亲")
    assert _section(R.report_figures(node=world.maoshi, month=today, known_at=then)) == before
    assert before["total"]["counts"]["contacted"] == 0
    assert _section(R.report_figures(node=world.maoshi, month=today))["total"]["counts"]["contacted"] == 1
    last_month = today.replace(day=1) - timedelta(days=1)
    sub = report_submit(actor=world.dudao, township=world.maoshi, month=last_month)
    assert _section(sub.figures)["title"] == "关爱帮扶"  # frozen with the submission


def test_statistics_only_readers_get_small_counts_suppressed(client, world, girl):
    client.force_login(world.partner)
    page = client.get(f"/reports/?node={world.county.code}&month={timezone.localdate():%Y-%m}").content.decode()
    assert 'id="table-care"' in page and SMALL.replace("<", "&lt;") in page
