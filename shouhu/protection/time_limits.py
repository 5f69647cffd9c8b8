"""The county's protection time limits (保护工作时限; docs/domain.md, "Protection time limits"): the
alert deadlines of `rules.alerts.AlertSettings` and the case timers of `rules.cases.CaseSettings`,
kept in the one `AlertSetting` row. A change is written to the access log with every old → new
value, and every running clock follows it at once: the escalation already reads the current
limits, so the cached next check of each active alert and the due time of each running case are
recomputed here (docs/decisions.md 52)."""
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.audit.models import AccessLog
from shouhu.audit.services import log_access
from shouhu.core.errors import Forbidden, ServiceError
from shouhu.rules import alerts as A
from shouhu.rules import cases as C

from .models import Alert, AlertSetting, ProtectionCase

HOURS, DAYS = "小时", "天"
# field -> (short label for the log and the page, unit); the order of the page
LIMITS: Mapping[str, tuple[str, str]] = {
    "red_ack_hours": ("红色预警签收", HOURS),
    "red_act_hours": ("红色预警处置", HOURS),
    "orange_act_days": ("橙色预警处置", DAYS),
    "yellow_act_days": ("黄色预警处置", DAYS),
    "respond_hours": ("个案确认儿童安全", HOURS),
    "place_hours": ("个案安置", HOURS),
    "assess_days": ("个案评估", DAYS),
    "review_days": ("帮扶计划复核", DAYS),
    "revisit_days": ("结案后回访", DAYS),
}
ALERT_LIMITS = ("red_ack_hours", "red_act_hours", "orange_act_days", "yellow_act_days")
CASE_LIMITS = ("respond_hours", "place_hours", "assess_days", "review_days", "revisit_days")
# a limit longer than a month (hours) or a year (days) is a typing slip, not a county's rule
MAXIMUM = {HOURS: 720, DAYS: 365}
LOG_SCOPE = "保护工作时限设置"


class LimitErrorCode(StrEnum):
    OUT_OF_RANGE = "limit_out_of_range"
    ORDER = "limit_order"  # a later step's deadline before an earlier one's


def _hours(field: str, value: int) -> int:
    return value if LIMITS[field][1] == HOURS else value * 24


def limit_problems(values: Mapping[str, int | None]) -> dict[str, str]:
    """field -> what is wrong with it (Chinese, for beside the field); fields absent or None are skipped."""
    out: dict[str, str] = {}
    for field, (_, unit) in LIMITS.items():
        v = values.get(field)
        if v is None:
            continue
        if v < 1:
            out[field] = f"时限至少为1{unit}"
        elif v > MAXIMUM[unit]:
            out[field] = f"时限不能超过{MAXIMUM[unit]}{unit}"
    # the county's procedure: 红 acknowledged before it is acted on; a case's child confirmed safe,
    # then placed, then assessed, all counted from the opening (rules.cases.due)
    for earlier, later, message in (("red_ack_hours", "red_act_hours", "红色预警的签收时限不能长于处置时限"),
                                    ("respond_hours", "place_hours", "确认儿童安全的时限不能长于安置时限"),
                                    ("place_hours", "assess_days", "安置时限不能长于评估时限")):
        a, b = values.get(earlier), values.get(later)
        if a is not None and b is not None and earlier not in out and later not in out and _hours(earlier, a) > _hours(later, b):
            out[earlier] = message
    return out


def changes(row: AlertSetting, values: Mapping[str, int]) -> list[str]:
    """What a save would change, as the log writes it: "红色预警签收 2→4小时"."""
    return [f"{label} {getattr(row, f)}→{values[f]}{unit}" for f, (label, unit) in LIMITS.items()
            if f in values and values[f] != getattr(row, f)]


@transaction.atomic
def time_limits_save(*, actor, values: Mapping[str, int], request=None, now: datetime | None = None) -> list[str]:
    """Save the county's limits (the fields of `LIMITS` given in `values`); returns the changes
    written to the log ([] when nothing changed: nothing is written)."""
    if not scope_of(actor).has("protection_settings"):
        raise Forbidden("只有县级管理员和县未成年人保护机构可以修改保护工作时限")
    unknown = set(values) - set(LIMITS)
    if unknown:
        raise ValueError(f"unknown limits {sorted(unknown)}")
    row = AlertSetting.objects.select_for_update().order_by("pk").first() or AlertSetting()
    merged = {f: values.get(f, getattr(row, f)) for f in LIMITS}
    problems = limit_problems(merged)
    if problems:
        field, message = next(iter(problems.items()))
        in_range = 1 <= merged[field] <= MAXIMUM[LIMITS[field][1]]
        raise ServiceError(message, code=LimitErrorCode.ORDER if in_range else LimitErrorCode.OUT_OF_RANGE, field=field)
    changed = changes(row, merged)
    if not changed:
        return []
    for f, v in merged.items():
        setattr(row, f, v)
    row.save()
    log_access(actor=actor, action=AccessLog.Action.SETTINGS, scope=LOG_SCOPE, detail="；".join(changed), request=request)
    retime(now=now or timezone.now())
    return changed


def retime(*, now: datetime) -> tuple[int, int]:
    """Recompute the running clocks under the current limits: (active alerts, running cases)."""
    alert_settings, case_settings = AlertSetting.current(), AlertSetting.case_settings()
    alerts = []
    for a in Alert.objects.filter(status__in=Alert.ACTIVE).only("id", "level", "opened_at", "acknowledged_at", "acted_at", "stage",
                                                                "next_check_at").iterator(chunk_size=2000):
        stage, nxt = A.escalation(a.level, a.opened_at, acknowledged=a.acknowledged_at, acted=a.acted_at, now=now,
                                  settings=alert_settings)
        # a deadline the shorter limit has already passed: the next escalation run records the climb
        # and tells the new owner (escalate_due), as for any deadline passed
        a.next_check_at = now if stage > a.stage else nxt
        alerts.append(a)
    Alert.objects.bulk_update(alerts, ["next_check_at"], batch_size=500)
    cases = list(ProtectionCase.objects.exclude(state=C.END).only("id", "state", "opened_at", "entered_at", "due_kind", "due_at"))
    for c in cases:
        due = C.due(c.state, opened=c.opened_at, entered=c.entered_at, settings=case_settings)
        c.due_kind, c.due_at = due if due else ("", None)
    ProtectionCase.objects.bulk_update(cases, ["due_kind", "due_at"], batch_size=500)
    return len(alerts), len(cases)


def recent_changes(limit: int = 10):
    """The last changes, from the access log (who, when, what)."""
    return AccessLog.objects.filter(action=AccessLog.Action.SETTINGS, scope=LOG_SCOPE).order_by("-at", "-id")[:limit]
