"""Writes of the monthly report: a township submits (上报) a month, the county admin reopens (退回)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from shouhu.core.errors import Conflict, ErrorCode, Forbidden, ServiceError
from shouhu.regions.models import Region

from . import national, rules, selectors
from .models import Submission

ALREADY = "该乡镇本月已上报；如需重新上报，请县级管理员先退回"


class ReportErrorCode(StrEnum):
    # the month is submitted already: a client offers 退回 (county) instead of retrying
    ALREADY_SUBMITTED = "already_submitted"


@transaction.atomic
def report_submit(*, actor, township: Region, month: date, now: datetime | None = None) -> Submission:
    """Freeze the township's figures for `month` (as known now) with who and when.
    One open submission per (township, month)."""
    if township.level != 4:
        raise ServiceError("只能按乡镇（街道）上报", field="node")
    if not selectors.can_submit(actor, township):
        raise Forbidden("只有本乡镇（街道）的儿童督导员或县级管理员可以上报")
    now = now or timezone.now()
    month = rules.month_start(month)
    if not rules.month_closed(month, timezone.localtime(now).date()):
        raise ServiceError(f"{rules.month_label(month)}尚未结束，月底之后才能上报", field="month")
    # serialise concurrent submissions of the same township (PostgreSQL; SQLite locks the database)
    Region.objects.select_for_update().filter(pk=township.pk).first()
    if Submission.objects.filter(township=township, kind=Submission.Kind.MONTHLY, month=month, reopened_at__isnull=True).exists():
        raise Conflict(ALREADY, code=ReportErrorCode.ALREADY_SUBMITTED)
    figures = selectors.report_figures(node=township, month=month, known_at=now)
    try:
        with transaction.atomic():
            return Submission.objects.create(township=township, month=month, figures=figures, submitted_by=actor, submitted_at=now)
    except IntegrityError:
        raise Conflict(ALREADY, code=ReportErrorCode.ALREADY_SUBMITTED) from None


@transaction.atomic
def report_reopen(*, actor, township: Region, month: date, reason: str = "", kind: str = Submission.Kind.MONTHLY) -> Submission:
    """退回: the county admin reopens a submitted month so that the township can submit again.
    The old submission stays, stamped with who reopened it, when and why."""
    if not selectors.can_reopen(actor, township):
        raise Forbidden("只有县级管理员可以退回上报")
    month = rules.month_start(month) if kind == Submission.Kind.MONTHLY else month
    sub = Submission.objects.select_for_update().filter(township=township, kind=kind, month=month, reopened_at__isnull=True).first()
    if sub is None:
        raise Conflict("该乡镇本月尚未上报，无需退回" if kind == Submission.Kind.MONTHLY else "该乡镇尚未上报该截止日期的统计表，无需退回",
                       code=ErrorCode.WRONG_STATE)
    sub.reopened_at, sub.reopened_by, sub.reopen_reason = timezone.now(), actor, reason.strip()[:255]
    sub.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    return sub


NATIONAL_ALREADY = "该乡镇已上报该截止日期的统计表；如需重新上报，请县级管理员先退回"


@transaction.atomic
def national_submit(*, actor, township: Region, cutoff: date, now: datetime | None = None) -> Submission:
    """Freeze the township's 统计表 (民发〔2016〕42号 附件3) as of `cutoff`, as known now, the way
    a 月报 is frozen: one open submission per (township, cut-off date); 退回 reopens it."""
    if township.level != 4:
        raise ServiceError("只能按乡镇（街道）上报", field="node")
    if not selectors.can_submit(actor, township):
        raise Forbidden("只有本乡镇（街道）的儿童督导员或县级管理员可以上报")
    now = now or timezone.now()
    if cutoff >= timezone.localtime(now).date():
        raise ServiceError("截止日期过后才能上报（截止日期须早于今天）", field="cutoff")
    Region.objects.select_for_update().filter(pk=township.pk).first()
    if Submission.objects.filter(township=township, kind=Submission.Kind.NATIONAL, month=cutoff, reopened_at__isnull=True).exists():
        raise Conflict(NATIONAL_ALREADY, code=ReportErrorCode.ALREADY_SUBMITTED)
    figures = national.national_figures(node=township, cutoff=cutoff, known_at=now)
    try:
        with transaction.atomic():
            return Submission.objects.create(township=township, kind=Submission.Kind.NATIONAL, month=cutoff, figures=figures,
                                             submitted_by=actor, submitted_at=now)
    except IntegrityError:
        raise Conflict(NATIONAL_ALREADY, code=ReportErrorCode.ALREADY_SUBMITTED) from None
