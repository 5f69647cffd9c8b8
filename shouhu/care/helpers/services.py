"""Writes of helpers and pairing: registering and changing a helper (within the actor's can_pair
regions and schools), trainings, service hours, pairing a helper with a child and ending it."""
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from shouhu.accounts.scope import scope_of
from shouhu.core.errors import Conflict, ErrorCode, Forbidden, NotFound, ServiceError
from shouhu.core.versions import bump_version
from shouhu.regions.models import code_range
from shouhu.registry.models import Child
from shouhu.rules import care as R

from ..common import check_date, groups_of
from ..dues.services import after_commit
from ..errors import CareErrorCode
from ..selectors import require_roles
from .models import Helper, Pairing, ServiceRecord, Training
from .selectors import helper_editable


def _place_in_reach(scope, region, school) -> bool:
    """The same rule as `helpers_editable_q`, for a helper not saved yet: its region or its
    school lies under one of the actor's can_pair regions, or its school is the actor's school."""
    for a in scope.assignments_with("can_pair"):
        if a.region_id:
            lo, hi = code_range(a.region.code)
            if any(code is not None and lo <= code.ljust(12, "0") <= hi
                   for code in (region.code if region else None, school.region_code if school else None)):
                return True
        if a.school_id and school is not None and a.school_id == school.pk:
            return True
    return False


@transaction.atomic
def helper_save(*, actor, helper: Helper, expected_version: int | None = None) -> Helper:
    """Register a helper or save changes to one. For a change, `expected_version` is the version
    the user read (form, If-Match; default: the one loaded): `core.versions.Stale` if it moved on."""
    scope = scope_of(actor)
    if not scope.has("can_pair"):
        raise Forbidden("您无权登记帮扶人")
    if not helper.region_id and not helper.school_id:
        raise ServiceError("请选择服务区域或所在学校", code=ErrorCode.REQUIRED, field="region")
    if not _place_in_reach(scope, helper.region if helper.region_id else None, helper.school if helper.school_id else None):
        raise Forbidden("该服务区域或学校不在您的管辖范围内", code=CareErrorCode.NOT_IN_REACH, field="region")
    if helper.pk is not None and not helper_editable(actor, helper):
        raise NotFound("未找到该帮扶人")
    if helper.pk is None:
        helper.created_by = actor
    try:
        helper.full_clean(exclude=["user", "created_by"])
    except ValidationError as exc:  # the model's own checks (lengths, choices): the first one, beside its field
        field, msgs = next(iter(exc.message_dict.items()))
        raise ServiceError(msgs[0], field=None if field == NON_FIELD_ERRORS else field) from None
    if helper.pk is not None:
        bump_version(helper, expected=expected_version)
    helper.save()
    return helper


def _helper_in_reach(actor, helper: Helper, *, own_ok: bool = False) -> None:
    """A helper the actor manages (or, with `own_ok`, the actor's own record); else 404."""
    if own_ok and helper.user_id is not None and helper.user_id == getattr(actor, "pk", None):
        return
    if not helper_editable(actor, helper):
        raise NotFound("未找到该帮扶人")


@transaction.atomic
def training_add(*, actor, helper: Helper, date: date, topic: str, hours=0, organiser: str = "") -> Training:
    """A training the helper took part in (培训记录)."""
    _helper_in_reach(actor, helper)
    check_date(date)
    if not topic.strip():
        raise ServiceError("请填写培训内容", code=ErrorCode.REQUIRED, field="topic")
    if hours is None or hours < 0:
        raise ServiceError("学时不能为负数", field="hours")
    return Training.objects.create(helper=helper, date=date, topic=topic.strip()[:128], hours=hours, organiser=organiser.strip()[:64])


@transaction.atomic
def service_add(*, actor, helper: Helper, date: date, hours, content: str) -> ServiceRecord:
    """Volunteer service hours (志愿服务时长), by whoever manages the helper or the helper themself."""
    _helper_in_reach(actor, helper, own_ok=True)
    check_date(date)
    if hours is None or not 0 < hours <= 24:
        raise ServiceError("一次服务时长应在0到24小时之间", field="hours")
    if not content.strip():
        raise ServiceError("请填写服务内容", code=ErrorCode.REQUIRED, field="content")
    return ServiceRecord.objects.create(helper=helper, date=date, hours=hours, content=content.strip()[:128], created_by=actor)


@dataclass
class PairingResult:
    pairing: Pairing
    warning: str


@transaction.atomic
def pairing_create(*, actor, child: Child, helper: Helper, mode: str, start: date, note: str = "") -> PairingResult:
    """Pair a helper with a child. A key child (orphan, de-facto unsupported, no carer) paired
    other than one-to-one is saved with a warning and stays on the one-to-one gap list."""
    require_roles(actor, child, "can_pair")
    if mode not in R.PAIRING_MODES:
        raise ServiceError("请选择结对方式", code=ErrorCode.REQUIRED, field="mode")
    if not helper_editable(actor, helper) and helper.user_id != getattr(actor, "pk", None):
        raise ServiceError("该帮扶人不在您的管辖范围内", code=CareErrorCode.NOT_IN_REACH, field="helper")
    if Pairing.objects.active_on(start).filter(child=child, helper=helper).exists():
        raise Conflict("该帮扶人已与这名儿童结对", code=CareErrorCode.ALREADY_PAIRED, field="helper")
    p = Pairing.objects.create(helper=helper, child=child, mode=mode, start=start, note=note[:128], created_by=actor)
    after_commit([child.pk])
    return PairingResult(p, R.pairing_warning(groups_of(child), mode))


@transaction.atomic
def pairing_end(*, actor, pairing: Pairing, end: date, reason: str) -> Pairing:
    require_roles(actor, pairing.child, "can_pair")
    if end < pairing.start:
        raise ServiceError("结束日期不能早于开始日期", field="end")
    pairing.end, pairing.end_reason = end, reason[:64]
    pairing.save(update_fields=["end", "end_reason"])
    after_commit([pairing.child_id])
    return pairing
