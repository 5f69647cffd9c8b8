"""Writes of micro-wishes: registered → claimed by a donor → fulfilled (or cancelled). A step out
of order is a `Conflict` with a code that says which."""
from datetime import date

from django.db import transaction
from django.utils import timezone

from shouhu.core.errors import Conflict, ErrorCode, ServiceError
from shouhu.core.versions import lock_fresh
from shouhu.registry.models import Child

from ..common import check_date
from ..dues.services import after_commit
from ..errors import CareErrorCode
from ..selectors import require_roles
from .models import Wish


@transaction.atomic
def wish_create(*, actor, child: Child, text: str, created_on: date | None = None) -> Wish:
    require_roles(actor, child, "can_care")
    text = text.strip()
    if not text:
        raise ServiceError("请填写心愿内容", code=ErrorCode.REQUIRED, field="text")
    on = created_on or timezone.localdate()
    check_date(on, "created_on")
    return Wish.objects.create(child=child, text=text[:128], created_on=on, created_by=actor)


@transaction.atomic
def wish_claim(*, actor, wish: Wish, donor_name: str, donor_phone: str = "", donor_unit: str = "", on: date | None = None) -> Wish:
    require_roles(actor, wish.child, "can_care")
    lock_fresh(wish)  # the state as committed: two people cannot take the same step
    if wish.status != Wish.Status.OPEN:
        raise Conflict("该心愿不是待认领状态", code=CareErrorCode.WISH_NOT_OPEN, field="donor_name")
    if not donor_name.strip():
        raise ServiceError("请填写认领人", code=ErrorCode.REQUIRED, field="donor_name")
    wish.status, wish.claimed_on = Wish.Status.CLAIMED, on or timezone.localdate()
    check_date(wish.claimed_on, "claimed_on", not_before=wish.created_on)
    wish.donor_name, wish.donor_phone, wish.donor_unit = donor_name.strip()[:32], donor_phone[:20], donor_unit[:64]
    wish.save()
    return wish


@transaction.atomic
def wish_fulfil(*, actor, wish: Wish, on: date | None = None, note: str = "") -> Wish:
    require_roles(actor, wish.child, "can_care")
    lock_fresh(wish)  # the state as committed: two people cannot take the same step
    if wish.status != Wish.Status.CLAIMED:
        raise Conflict("只有已认领的心愿可以标记为已实现", code=CareErrorCode.WISH_NOT_CLAIMED, field="fulfilled_on")
    wish.status, wish.fulfilled_on, wish.fulfil_note = Wish.Status.FULFILLED, on or timezone.localdate(), note[:255]
    check_date(wish.fulfilled_on, "fulfilled_on", not_before=wish.claimed_on)
    wish.save()
    after_commit([wish.child_id])
    return wish


@transaction.atomic
def wish_cancel(*, actor, wish: Wish) -> Wish:
    require_roles(actor, wish.child, "can_care")
    lock_fresh(wish)  # the state as committed: two people cannot take the same step
    if wish.status == Wish.Status.FULFILLED:
        raise Conflict("已实现的心愿不能取消", code=CareErrorCode.WISH_FULFILLED, field="status")
    wish.status = Wish.Status.CANCELLED
    wish.save(update_fields=["status"])
    return wish
