"""The county's 控辍保学 settings and school calendar (docs/domain.md, "Keeping children in school"):
the unexcused streak that opens a case and the steps' time limits (`DropoutSetting`), public
holidays and make-up school days (`CalendarDay`), breaks (`SchoolBreak`). Changed by county
education and the county admin (`Role.dropout_settings`); every change is written to the access
log with its old → new value, and the running cases' deadlines follow at once (as the protection
time limits do, docs/decisions.md 52): a working day added or taken away moves them."""
from collections.abc import Mapping
from datetime import date
from enum import StrEnum

from django.db import transaction

from shouhu.accounts.scope import scope_of
from shouhu.audit.models import AccessLog
from shouhu.audit.services import log_access
from shouhu.core.errors import Forbidden, NotFound, ServiceError

from . import dropout
from .models import CalendarDay, DropoutCase, DropoutSetting, SchoolBreak

LOG_SCOPE = "控辍保学设置"
# field -> (label for the page and the log, unit, the largest sensible value: above is a typing slip)
LIMITS: Mapping[str, tuple[str, str, int]] = {
    "streak_days": ("连续旷课视为疑似辍学", "个上学日", 30),
    "attempts_days": ("学校劝返时限", "天", 60),
    "report_working_days": ("书面上报时限", "个工作日", 10),
    "township_working_days": ("乡镇启动劝返时限", "个工作日", 30),
}
KIND_LABELS = dict(CalendarDay.Kind.choices)


class CalendarErrorCode(StrEnum):
    OUT_OF_RANGE = "dropout_limit_out_of_range"
    DAY_TAKEN = "calendar_day_taken"
    BREAK_ORDER = "break_order"
    BREAK_OVERLAP = "break_overlap"


def _check(actor) -> None:
    if not scope_of(actor).has("dropout_settings"):
        raise Forbidden("只有县教育局和县级管理员可以修改控辍保学设置和校历")


def _log(actor, detail: str, request) -> None:
    log_access(actor=actor, action=AccessLog.Action.SETTINGS, scope=LOG_SCOPE, detail=detail, request=request)


def retime() -> int:
    """Recompute the deadlines of the cases in progress under the current settings and calendar."""
    settings = dropout.dropout_settings()
    cases = list(DropoutCase.objects.exclude(state="closed"))
    for c in cases:
        dropout._timer(c, settings)
    DropoutCase.objects.bulk_update(cases, ["due_kind", "due_on"], batch_size=500)
    return len(cases)


def limit_problems(values: Mapping[str, int | None]) -> dict[str, str]:
    out = {}
    for f, (_, unit, top) in LIMITS.items():
        v = values.get(f)
        if v is None:
            continue
        if v < 1:
            out[f] = f"至少为1{unit}"
        elif v > top:
            out[f] = f"不能超过{top}{unit}"
    return out


@transaction.atomic
def dropout_limits_save(*, actor, values: Mapping[str, int], request=None) -> list[str]:
    """Save the streak and the time limits given in `values`; returns the changes written to the
    log ([] when nothing changed)."""
    _check(actor)
    unknown = set(values) - set(LIMITS)
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}")
    row = DropoutSetting.objects.select_for_update().order_by("pk").first() or DropoutSetting()
    merged = {f: values.get(f, getattr(row, f)) for f in LIMITS}
    problems = limit_problems(merged)
    if problems:
        field, message = next(iter(problems.items()))
        raise ServiceError(message, code=CalendarErrorCode.OUT_OF_RANGE, field=field)
    changed = [f"{label} {getattr(row, f)}→{merged[f]}{unit}" for f, (label, unit, _) in LIMITS.items() if merged[f] != getattr(row, f)]
    if not changed:
        return []
    for f, v in merged.items():
        setattr(row, f, v)
    row.save()
    _log(actor, "；".join(changed), request)
    retime()
    return changed


@transaction.atomic
def calendar_day_add(*, actor, day: date, kind: str, name: str = "", request=None) -> CalendarDay:
    _check(actor)
    if kind not in KIND_LABELS:
        raise ServiceError("请选择类型", code=CalendarErrorCode.DAY_TAKEN, field="kind")
    if CalendarDay.objects.filter(day=day).exists():
        raise ServiceError("这一天已在校历中，请先删除原来的", code=CalendarErrorCode.DAY_TAKEN, field="day")
    row = CalendarDay.objects.create(day=day, kind=kind, name=name.strip()[:32])
    _log(actor, f"校历 {day:%Y-%m-%d}{(' ' + row.name) if row.name else ''}：无→{KIND_LABELS[kind]}", request)
    retime()
    return row


@transaction.atomic
def calendar_day_remove(*, actor, pk, request=None) -> None:
    _check(actor)
    row = CalendarDay.objects.filter(pk=pk).first()
    if row is None:
        raise NotFound("该日期不存在")
    row.delete()
    _log(actor, f"校历 {row.day:%Y-%m-%d}{(' ' + row.name) if row.name else ''}：{KIND_LABELS[row.kind]}→无", request)
    retime()


@transaction.atomic
def break_add(*, actor, name: str, start: date, end: date, request=None) -> SchoolBreak:
    _check(actor)
    name = name.strip()[:32]
    if not name:
        raise ServiceError("请填写名称（如：寒假）", code=CalendarErrorCode.BREAK_ORDER, field="name")
    if end < start:
        raise ServiceError("结束日期不能早于开始日期", code=CalendarErrorCode.BREAK_ORDER, field="end")
    other = SchoolBreak.objects.filter(start__lte=end, end__gte=start).first()
    if other is not None:
        raise ServiceError(f"与“{other.name}”（{other.start:%m-%d}至{other.end:%m-%d}）重叠", code=CalendarErrorCode.BREAK_OVERLAP, field="start")
    row = SchoolBreak.objects.create(name=name, start=start, end=end)
    _log(actor, f"假期 {name}：无→{start:%Y-%m-%d}至{end:%Y-%m-%d}", request)
    retime()
    return row


@transaction.atomic
def break_remove(*, actor, pk, request=None) -> None:
    _check(actor)
    row = SchoolBreak.objects.filter(pk=pk).first()
    if row is None:
        raise NotFound("该假期不存在")
    row.delete()
    _log(actor, f"假期 {row.name}：{row.start:%Y-%m-%d}至{row.end:%Y-%m-%d}→无", request)
    retime()


def recent_changes(limit: int = 10):
    return AccessLog.objects.filter(action=AccessLog.Action.SETTINGS, scope=LOG_SCOPE).order_by("-at", "-id")[:limit]
