"""The leaders' screen's month trend (`reports.selectors.month_series`) is the monthly report's own
reconstruction: for every month, the same 在册 figures as the report computes for that month."""
from datetime import timedelta

from django.utils import timezone

from shouhu.registry.models import Child
from shouhu.registry.services import child_register, child_update
from shouhu.reports import rules
from shouhu.reports import selectors as R
from tests.factories import child_values


def test_every_month_of_the_trend_is_the_reports_count(world):
    today = timezone.localdate()
    months = [rules.add_months(today, -i) for i in range(5, -1, -1)]
    a = child_register(actor=world.admin, child=Child(**child_values(world.guangrong, name="甲")), effective_date=months[0] + timedelta(days=3))
    child_register(actor=world.admin, child=Child(**child_values(world.lianfu, name="乙")), effective_date=months[2] + timedelta(days=1))
    child_register(actor=world.admin, child=Child(**child_values(world.hongxing, name="丙")))  # registered now, takes effect today
    # 甲's mother came home three months ago (no longer left behind: 退出), then the father too two months later
    a.mother_situation, a.mother_since = "在家", None
    child_update(actor=world.admin, child=a, effective_date=months[3] + timedelta(days=2))
    a = Child.objects.get(pk=a.pk)
    a.father_situation = "在家"
    a.father_since = None
    child_update(actor=world.admin, child=a, effective_date=months[4] + timedelta(days=5))  # no longer left behind: exits
    for node in (world.county, world.maoshi, world.guangrong):
        series = R.month_series(node=node, months=months)
        for m, point in zip(months, series, strict=True):
            direct = R.direct_totals(node=node, month=m)["categories"]
            assert (point["total"], point["left_behind"], point["difficulty"]) == (
                direct.get("total", 0), direct.get("left_behind", 0), direct.get("difficulty", 0)), (node.code, m)
    county = R.month_series(node=world.county, months=months)
    assert [p["total"] for p in county] == [1, 1, 2, 1, 1, 2]  # 甲 in, 乙 in, 甲 out, 丙 in
