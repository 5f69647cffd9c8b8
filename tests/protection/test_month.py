"""The monthly report's 未成年人保护 table (protection registers it as a report section), read from
the alerts' and cases' timelines."""
from datetime import timedelta

from django.utils import timezone

from shouhu.protection import cases as K
from shouhu.protection import services
from shouhu.protection.models import Alert
from shouhu.reports import selectors as R
from shouhu.reports.services import report_submit


def _section(figures):
    return next(s for s in figures["sections"] if s["key"] == "protection")


def test_alerts_and_cases_by_place(world, alone, baohu):
    today = timezone.localdate()
    alert = Alert.objects.get(child=alone, code="unguarded")
    K.case_open(actor=world.dudao, child=alone, alert=alert, note="上门")
    town = _section(R.report_figures(node=world.maoshi, month=today))
    rows = {r["label"]: r["counts"] for r in town["rows"]}
    alerts = Alert.objects.filter(village_code=world.guangrong.code)
    assert rows["光荣村"]["opened_red"] == alerts.filter(level="red").count() >= 1
    assert rows["光荣村"]["alerts_done"] == 1  # the one the case acted on
    assert rows["光荣村"]["alerts_open"] == alerts.filter(status__in=Alert.ACTIVE).count()
    assert rows["光荣村"]["cases_opened"] == 1 and rows["光荣村"]["cases_open"] == 1
    county = _section(R.report_figures(node=world.county, month=today))
    assert {r["label"]: r["counts"] for r in county["rows"]}["毛市镇"] == town["total"]["counts"]
    assert county["total"]["counts"]["cases_open"] == 1


def test_a_frozen_month_reproduces_after_later_work(world, alone):
    """Last month's alert, still open when the township submitted; dealt with afterwards: the
    recomputation as known at the submission gives the frozen figures back."""
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    alert = Alert.objects.get(child=alone, code="unguarded")
    opened = timezone.make_aware(timezone.datetime.combine(last_month, timezone.datetime.min.time())) + timedelta(hours=10)
    Alert.objects.filter(pk=alert.pk).update(opened_at=opened)
    alert.events.filter(kind="opened").update(at=opened)
    sub = report_submit(actor=world.dudao, township=world.maoshi, month=last_month)
    frozen = _section(sub.figures)
    assert frozen["total"]["counts"]["alerts_open"] == 1 and frozen["total"]["counts"]["opened_red"] == 1
    services.alert_close(actor=world.dudao, alert=alert, reason="核实不属实")
    assert _section(R.report_figures(node=world.maoshi, month=last_month, known_at=sub.submitted_at)) == frozen
    # the close happened this month: last month still ends with the alert open, this month counts it done
    assert _section(R.report_figures(node=world.maoshi, month=last_month))["total"]["counts"]["alerts_open"] == 1
    assert _section(R.report_figures(node=world.maoshi, month=today))["total"]["counts"]["alerts_done"] >= 1
