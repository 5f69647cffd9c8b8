"""The monthly report's 未成年人保护 table (registered with `registry.hooks.register_report_section`):
per village, read from the alerts' and cases' timelines (their events and steps, with the time each
happened) as known at `known_at`, so a month reads the same next year and a submitted month
reproduces: alerts opened in the month by level, alerts dealt with (first 处置, 关闭 or 情况消除) and
alerts that passed a deadline (逾期上报) in the month, alerts still open at the month's end;
mandatory reports filed; cases opened, closed (结案 approved), past a deadline in the month, and
open at the month's end. Counts only; a confidential alert counts like any other (no name reaches
the report). Places are the alert's, report's or case's own (the child's village when it opened).
"""
from datetime import date, datetime, time, timedelta

from django.db.models import Min, Q
from django.utils import timezone

from shouhu.rules import alerts as A

from .models import Alert, AlertEvent, CaseStep, MandatoryReport, ProtectionCase

LEVELS = tuple(A.LEVELS)  # red, orange, yellow
COLUMNS: tuple[tuple[str, str], ...] = (
    *((f"opened_{lv}", f"本月触发·{A.LEVELS[lv]}") for lv in LEVELS),
    ("alerts_done", "本月办结预警"),
    ("alerts_late", "本月逾期上报预警"),
    ("alerts_open", "月末未办结预警"),
    ("reports", "本月强制报告"),
    ("cases_opened", "本月立案"),
    ("cases_closed", "本月结案"),
    ("cases_late", "本月超时限个案"),
    ("cases_open", "月末在办个案"),
)
NOTE = "预警、强制报告、个案按发生时所在村统计；办结指首次处置、关闭或情况消除；逾期指超过县设定的时限（未保法第11条强制报告、民发〔2019〕34号）。"
DONE = (AlertEvent.Kind.ACTED, AlertEvent.Kind.CLOSED, AlertEvent.Kind.RESOLVED)


def _bounds(first: date, last: date, known_at: datetime) -> tuple[datetime, datetime]:
    """The month as [start, cut): local midnights, the end cut at `known_at`."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return start, min(end, known_at + timedelta(microseconds=1))


def month_by_place(*, village_range: tuple[str, str], first: date, last: date, known_at: datetime) -> dict[str, dict[str, int]]:
    """{village code: {column key: n}} (`COLUMNS`) for the work placed in `village_range`."""
    start, cut = _bounds(first, last, known_at)
    out: dict[str, dict[str, int]] = {}

    def add(code: str, key: str, n: int = 1) -> None:
        out.setdefault(code, dict.fromkeys((k for k, _ in COLUMNS), 0))[key] += n

    alerts = (Alert.objects.filter(village_code__range=village_range, opened_at__lt=cut)
              .annotate(done=Min("events__at", filter=Q(events__kind__in=DONE, events__at__lt=cut)))
              .filter(Q(done__isnull=True) | Q(done__gte=start)).values_list("village_code", "level", "opened_at", "done"))
    for code, level, opened, done in alerts.iterator(chunk_size=2000):
        if opened >= start and level in LEVELS:
            add(code, f"opened_{level}")
        if done is not None:
            add(code, "alerts_done")
        else:
            add(code, "alerts_open")
    late = (AlertEvent.objects.filter(kind=AlertEvent.Kind.ESCALATED, at__gte=start, at__lt=cut, alert__village_code__range=village_range)
            .values_list("alert__village_code", "alert_id").distinct())
    for code, _ in late:
        add(code, "alerts_late")
    for code in MandatoryReport.objects.filter(village_code__range=village_range, filed_at__gte=start, filed_at__lt=cut).values_list("village_code", flat=True):
        add(code, "reports")
    cases = (ProtectionCase.objects.filter(village_code__range=village_range, opened_at__lt=cut)
             .annotate(closed=Min("steps__at", filter=Q(steps__state="closed", steps__at__lt=cut)))
             .filter(Q(closed__isnull=True) | Q(closed__gte=start)).values_list("village_code", "opened_at", "closed"))
    for code, opened, closed in cases.iterator(chunk_size=2000):
        if opened >= start:
            add(code, "cases_opened")
        add(code, "cases_closed" if closed is not None else "cases_open")
    late_cases = (CaseStep.objects.filter(action="overdue", at__gte=start, at__lt=cut, case__village_code__range=village_range)
                  .values_list("case__village_code", "case_id").distinct())
    for code, _ in late_cases:
        add(code, "cases_late")
    return out
