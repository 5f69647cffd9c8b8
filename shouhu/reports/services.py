"""Writes of the monthly report: a township submits (上报) a month, the county admin reopens (退回)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from shouhu.accounts.models import Assignment
from shouhu.audit.services import log_access
from shouhu.core.errors import Conflict, ErrorCode, Forbidden, ServiceError
from shouhu.notify.services import notify
from shouhu.regions.models import Region

from . import national, rules, selectors
from .models import Reminder, Submission

ALREADY = "该乡镇本月已上报；如需重新上报，请县级管理员先退回"


class ReportErrorCode(StrEnum):
    # the month is submitted already: a client offers 退回 (county) instead of retrying
    ALREADY_SUBMITTED = "already_submitted"
    NOT_LATE = "not_late"  # 催报 only a township past the deadline without a submission
    REMINDED_TODAY = "reminded_today"  # 催报 once a day per township


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


@transaction.atomic
def report_remind(*, actor, township: Region, month: date, now: datetime | None = None) -> Reminder:
    """催报: tell the township's supervisors (who submit) that the month is late, through the inbox
    (a channel gets a text without the township's figures: decision 50). The county admin over the
    township only; only a township past the deadline without a submission; once a day per
    township; in the access log."""
    if not selectors.can_reopen(actor, township):  # the county admin over the township
        raise Forbidden("只有县级管理员可以催报")
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    month = rules.month_start(month)
    status = selectors.township_statuses([township.code], month=month, today=today)[township.code][0]
    if status != rules.LATE:
        raise ServiceError(f"{township.display_name}{rules.month_label(month)}月报未逾期，无需催报", code=ReportErrorCode.NOT_LATE, field="node")
    Region.objects.select_for_update().filter(pk=township.pk).first()  # one reminder at a time per township
    if Reminder.objects.filter(township=township, day=today).exists():
        raise Conflict(f"今天已催报过{township.display_name}，明天可再次催报", code=ReportErrorCode.REMINDED_TODAY)
    users = [a.user for a in Assignment.objects.filter(role="township_supervisor", region=township, user__is_active=True).select_related("user")]
    url = reverse("reports:monthly") + "?" + urlencode({"node": township.code, "month": rules.format_month(month)})
    n = notify(users=users, kind="report_reminder", title=f"催报：{township.display_name}{rules.month_label(month)}月报已逾期，请尽快上报",
               url=url, outside="您有1条月报催报，请登录守护查看")
    reminder = Reminder.objects.create(township=township, month=month, day=today, sent_by=actor, sent_at=now, recipients=n)
    log_access(actor=actor, action="remind", scope=f"{township.display_name}（{township.code}）",
               detail=f"催报 {rules.format_month(month)} 月报，通知 {n} 人")
    return reminder


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
