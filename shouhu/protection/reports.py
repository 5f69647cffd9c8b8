"""Writing mandatory reports (强制报告; docs/domain.md, "Mandatory reporting"): filing one (anyone
signed in, in under a minute), recording one received by phone, receiving it (police, 民政/教育
told), and the feedback owed to the reporter. A report about a registered child raises a red alert
on that child (`rules.alerts`, "收到强制报告") through the facts this module registers."""
from collections import defaultdict
from datetime import datetime, timedelta
from enum import StrEnum

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import scope_of
from shouhu.core.errors import ErrorCode, NotFound, ServiceError
from shouhu.notify.services import Message, notify_many
from shouhu.regions.models import Region
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to
from shouhu.rules import alerts as A
from shouhu.rules.reports import SITUATION_LABELS

from . import services
from .models import MandatoryReport
from .selectors import handles, owner_users


class ReportErrorCode(StrEnum):
    NOT_HANDLER = "report_not_handler"


def _check(*, situation: str, discovered_at: datetime | None, seen: str, village: Region | None, now: datetime) -> None:
    if situation not in SITUATION_LABELS:
        raise ServiceError("请选择属于哪种情形", code=ErrorCode.REQUIRED, field="situation")
    if discovered_at is None:
        raise ServiceError("请填写发现时间", code=ErrorCode.REQUIRED, field="discovered_at")
    if discovered_at > now + timedelta(minutes=5):
        raise ServiceError("发现时间不能晚于现在", code=ErrorCode.INVALID, field="discovered_at")
    if not seen.strip():
        raise ServiceError("请写明发现的情况", code=ErrorCode.REQUIRED, field="seen")
    if village is None or village.level != 5:
        raise ServiceError("请选择发现地点所在的村（社区）", code=ErrorCode.REQUIRED, field="village")


def _reporter_unit(actor) -> str:
    """The reporter's unit as their first assignment names it (金星小学班主任, 光荣村儿童主任)."""
    for a in scope_of(actor).assignments:
        node = a.school or (a.school_class.school if a.school_class_id else None) or a.region
        place = (getattr(node, "short_name", "") or getattr(node, "name", "")) if node is not None else ""
        return f"{place}{ROLES[a.role].label}"[:64]
    return ""


def _after(report: MandatoryReport, *, new: bool = False) -> None:
    if report.child_id:
        ids = [report.child_id]
        transaction.on_commit(lambda: services.evaluate_children(ids))
    if new:  # the handlers of the place hear at once (a registered child's red alert tells them too)
        handlers = owner_users([("township_supervisor", "township", report.village_code, None),
                                ("protection", "county", report.village_code, None)])
        notify_many([Message([*handlers[0], *handlers[1]], "report", f"新的强制报告待受理：{report.who}",
                             reverse("protection:report", args=[report.pk]), "您有1份新的强制报告待受理，请登录守护查看")])


@transaction.atomic
def report_file(*, actor, situation: str, discovered_at: datetime | None, seen: str, village: Region | None, child: Child | None = None,
                child_name: str = "", child_desc: str = "", place_detail: str = "", now: datetime | None = None) -> MandatoryReport:
    """Anyone signed in files a report. A registered child is named only if the reporter may see
    them (otherwise by name and description, like a child not on the register)."""
    now = now or timezone.now()
    _check(situation=situation, discovered_at=discovered_at, seen=seen, village=village, now=now)
    if child is not None and not children_visible_to(actor).filter(pk=child.pk).exists():
        raise NotFound("未找到该儿童")
    if child is None and not child_name.strip() and not child_desc.strip():
        raise ServiceError("请填写儿童姓名，或写明性别、年龄等特征", code=ErrorCode.REQUIRED, field="child_name")
    report = MandatoryReport.objects.create(
        situation=situation, discovered_at=discovered_at, seen=seen.strip(), child=child, child_name=child_name.strip()[:32],
        child_desc=child_desc.strip()[:128], village=village, village_code=village.code, township_code=village.code[:9],
        place_detail=place_detail.strip()[:128], reporter=actor, reporter_name=str(actor)[:32], reporter_unit=_reporter_unit(actor),
        filed_at=now)
    _after(report, new=True)
    return report


@transaction.atomic
def report_record_call(*, actor, reporter_name: str, reporter_unit: str, reporter_phone: str, situation: str,
                       discovered_at: datetime | None, seen: str, village: Region | None, child: Child | None = None,
                       child_name: str = "", child_desc: str = "", now: datetime | None = None) -> MandatoryReport:
    """A supervisor records a report received by phone: the caller's name, unit and phone."""
    now = now or timezone.now()
    if not reporter_name.strip():
        raise ServiceError("请填写报告人姓名", code=ErrorCode.REQUIRED, field="reporter_name")
    if not reporter_phone.strip():
        raise ServiceError("请填写报告人电话，以便反馈", code=ErrorCode.REQUIRED, field="reporter_phone")
    _check(situation=situation, discovered_at=discovered_at, seen=seen, village=village, now=now)
    report = MandatoryReport(situation=situation, discovered_at=discovered_at, seen=seen.strip(), child=child,
                             child_name=child_name.strip()[:32], child_desc=child_desc.strip()[:128], village=village,
                             village_code=village.code, township_code=village.code[:9], reporter_name=reporter_name.strip()[:32],
                             reporter_unit=reporter_unit.strip()[:64], reporter_phone=reporter_phone.strip()[:20], recorded_by=actor,
                             filed_at=now)
    if not handles(actor, report):
        raise NotFound("未找到该村（社区）")
    if child is not None and not children_visible_to(actor).filter(pk=child.pk).exists():
        raise NotFound("未找到该儿童")
    report.save()
    _after(report, new=True)
    return report


def _require_handler(actor, report: MandatoryReport) -> MandatoryReport:
    report = MandatoryReport.objects.select_for_update().get(pk=report.pk)
    if not handles(actor, report):
        raise NotFound("报告不存在")
    return report


@transaction.atomic
def report_receive(*, actor, report: MandatoryReport, police_notified_at: datetime | None = None, police_unit: str = "",
                   police_receipt_no: str = "", civil_affairs_told: str = "", child: Child | None = None,
                   now: datetime | None = None) -> MandatoryReport:
    """受理: the supervisor takes it on and records whom it was passed to (the police at once)."""
    now = now or timezone.now()
    report = _require_handler(actor, report)
    if police_notified_at is not None and police_notified_at > now + timedelta(minutes=5):
        raise ServiceError("报案时间不能晚于现在", code=ErrorCode.INVALID, field="police_notified_at")
    if police_receipt_no.strip() and police_notified_at is None:
        raise ServiceError("填写回执号时请同时填写报案时间", code=ErrorCode.REQUIRED, field="police_notified_at")
    if child is not None:
        if not children_visible_to(actor).filter(pk=child.pk).exists():
            raise NotFound("未找到该儿童")
        report.child = child
    if report.status == MandatoryReport.Status.FILED:
        report.status, report.received_at, report.received_by = MandatoryReport.Status.RECEIVED, now, actor
    report.police_notified_at = police_notified_at or report.police_notified_at
    report.police_unit = police_unit.strip()[:64] or report.police_unit
    report.police_receipt_no = police_receipt_no.strip()[:64] or report.police_receipt_no
    report.civil_affairs_told = civil_affairs_told.strip()[:128] or report.civil_affairs_told
    report.save()
    _after(report)
    return report


@transaction.atomic
def report_feedback(*, actor, report: MandatoryReport, feedback: str, now: datetime | None = None) -> MandatoryReport:
    """The reporter is told what became of it (the opinion asks for feedback to the reporter)."""
    report = _require_handler(actor, report)
    if not feedback.strip():
        raise ServiceError("请填写反馈内容", code=ErrorCode.REQUIRED, field="feedback")
    report.feedback, report.feedback_given_at = feedback.strip()[:255], now or timezone.now()
    report.save(update_fields=["feedback", "feedback_given_at"])
    return report


def report_facts(child_ids, *, today) -> dict[int, dict]:
    """Reports about these children in the last 90 days, for the alert rules (registered as facts)."""
    since = today - timedelta(days=A.EVENT_WINDOW_DAYS)
    out: dict[int, dict] = defaultdict(lambda: {"reports": []})
    for pk, child_id, at in (MandatoryReport.objects.filter(child_id__in=list(child_ids), discovered_at__date__gte=since)
                             .order_by("child_id", "-discovered_at").values_list("pk", "child_id", "discovered_at")):
        out[child_id]["reports"].append((pk, timezone.localdate(at)))
    return dict(out)
