"""联席会议 (docs/domain.md, "Joint meetings"): meetings of the departments at the county or a
township, and the action items they decide, followed to done. Who: the county admin and those who
handle cases; each sees the meetings of their region, of the regions above it (a county meeting
concerns every township) and below it."""
from datetime import date
from enum import StrEnum

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.core.errors import ErrorCode, NotFound, ServiceError
from shouhu.regions.models import Region, code_range, in_region

from .cases import cases_handled_by
from .models import ActionItem, Meeting


class MeetingErrorCode(StrEnum):
    DONE = "item_done"


def regions_of(actor) -> list[Region]:
    return [a.region for a in scope_of(actor).assignments
            if a.region_id and (ROLES[a.role].manages_county or ROLES[a.role].handles_cases)]


def _ancestors(code: str) -> list[str]:
    return [code[:n] for n in (2, 4, 6, 9, 12) if n < len(code)]


def meetings_visible_to(actor) -> QuerySet[Meeting]:
    q = NOTHING
    for r in regions_of(actor):
        q |= Q(region_code__range=code_range(r.code)) | Q(region_code__in=_ancestors(r.code)) | Q(region_code=r.code)
    return Meeting.objects.filter(q)


def meeting_for(actor, pk) -> Meeting:
    try:
        return meetings_visible_to(actor).select_related("region").get(pk=int(pk))
    except (ValueError, TypeError, Meeting.DoesNotExist):
        raise NotFound("会议不存在") from None


def answers_for(actor, code: str) -> bool:
    """The actor's region covers `code` (a meeting's or an item's region)."""
    return any(in_region(code, r.code) for r in regions_of(actor))


def items_visible_to(actor) -> QuerySet[ActionItem]:
    """Items of visible meetings; of a higher meeting, those about the actor's region or about nobody in particular."""
    q = NOTHING
    for r in regions_of(actor):
        lo, hi = code_range(r.code)
        q |= Q(meeting__region_code__range=(lo, hi)) | Q(meeting__region_code=r.code)
        q |= Q(meeting__region_code__in=_ancestors(r.code)) & (Q(region_code="") | Q(region_code__range=(lo, hi)) |
                                                               Q(region_code__in=_ancestors(r.code) + [r.code]))
    return ActionItem.objects.filter(q)


@transaction.atomic
def meeting_record(*, actor, held_on: date | None, title: str, region: Region | None, units: str, attendees: str = "",
                   minutes: str = "") -> Meeting:
    if held_on is None:
        raise ServiceError("请填写会议日期", code=ErrorCode.REQUIRED, field="held_on")
    if held_on > timezone.localdate():
        raise ServiceError("会议日期不能晚于今天", code=ErrorCode.INVALID, field="held_on")
    if not title.strip():
        raise ServiceError("请填写会议名称", code=ErrorCode.REQUIRED, field="title")
    if not units.strip():
        raise ServiceError("请填写成员单位", code=ErrorCode.REQUIRED, field="units")
    if region is None or not answers_for(actor, region.code):
        raise ServiceError("请选择您负责的县或乡镇", code=ErrorCode.REQUIRED, field="region")
    return Meeting.objects.create(held_on=held_on, title=title.strip()[:64], region=region, region_code=region.code,
                                  units=units.strip()[:255], attendees=attendees.strip(), minutes=minutes.strip(), created_by=actor)


@transaction.atomic
def item_add(*, actor, meeting: Meeting, text: str, unit: str, owner: str, due: date | None, region: Region | None = None,
             case: int | None = None) -> ActionItem:
    if not answers_for(actor, meeting.region_code):
        raise NotFound("会议不存在")
    for value, field, label in ((text, "text", "事项"), (unit, "unit", "责任单位"), (owner, "owner", "责任人")):
        if not value.strip():
            raise ServiceError(f"请填写{label}", code=ErrorCode.REQUIRED, field=field)
    if due is None:
        raise ServiceError("请填写完成时限", code=ErrorCode.REQUIRED, field="due")
    if due < meeting.held_on:
        raise ServiceError("完成时限不能早于会议日期", code=ErrorCode.INVALID, field="due")
    if region is not None and not in_region(region.code, meeting.region_code):
        raise ServiceError("涉及的地区须在会议的范围内", code=ErrorCode.INVALID, field="region")
    linked = None
    if case is not None:  # a case only by those who work it: the item names a child's case to the meeting
        linked = cases_handled_by(actor).filter(pk=case).first()
        if linked is None:
            raise ServiceError("个案编号不存在，或您不是该个案的经办人", code=ErrorCode.INVALID, field="case")
        if region is None:
            region = Region.objects.filter(code=linked.village_code).first()
    return ActionItem.objects.create(meeting=meeting, text=text.strip()[:255], unit=unit.strip()[:64], owner=owner.strip()[:32], due=due,
                                     region=region, region_code=region.code if region else "", case=linked)


@transaction.atomic
def item_done(*, actor, item: ActionItem, evidence: str) -> ActionItem:
    item = ActionItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if not items_visible_to(actor).filter(pk=item.pk).exists() or not answers_for(actor, item.region_code or item.meeting.region_code):
        raise NotFound("事项不存在")
    if item.status == ActionItem.Status.DONE:
        raise ServiceError("该事项已办结", code=MeetingErrorCode.DONE)
    if not evidence.strip():
        raise ServiceError("请写明办结情况", code=ErrorCode.REQUIRED, field="evidence")
    item.status, item.evidence, item.done_at, item.done_by = ActionItem.Status.DONE, evidence.strip(), timezone.now(), actor
    item.save()
    return item
