"""Writes of visits (with photos) and family contact. Each checks that one of the actor's care
roles reaches the child (else the 404 of a missing child) and refreshes the child's due dates
after it commits."""
import uuid
from collections.abc import Callable, Sequence
from datetime import date

from django.db import IntegrityError, transaction

from shouhu.core.errors import ErrorCode, ServiceError
from shouhu.registry.models import Child
from shouhu.rules import care as R

from ..common import check_date
from ..dues.services import after_commit
from ..errors import CareErrorCode
from ..helpers.models import Helper, Pairing
from ..helpers.selectors import helper_of
from ..selectors import require_roles
from .models import FamilyContact, Visit, VisitPhoto

PHOTO_TYPES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG": ".png", b"RIFF": ".webp"}
MAX_PHOTO_BYTES = 8 * 1024 * 1024


def photo_problem(f) -> str:
    """"" when `f` (an uploaded file) is a JPEG, PNG or WebP photo of acceptable size."""
    if f.size > MAX_PHOTO_BYTES:
        return "照片不能超过8MB"
    head = f.read(12)
    f.seek(0)
    if not any(head.startswith(sig) and (sig != b"RIFF" or head[8:12] == b"WEBP") for sig in PHOTO_TYPES):
        return "只能上传JPG、PNG或WebP格式的照片"
    return ""


def _saved(model, owner: str, actor, child: Child, client_key: uuid.UUID | None):
    """The record this actor already saved under `client_key` (marked `replayed`), or None.

    A queued form is sent again whenever its answer was lost (docs/domain.md "Working without
    signal"): the key makes the second send find the first record instead of making a second."""
    if client_key is None:
        return None
    found = model.objects.filter(**{owner: actor}, client_key=client_key).first()
    if found is not None:
        if found.child_id != child.pk:
            raise ServiceError("该表单编号已用于另一名儿童的记录，请重新打开表单", code=CareErrorCode.KEY_REUSED)
        found.replayed = True
    return found


def _create_once(model, owner: str, actor, child: Child, client_key: uuid.UUID | None, create: Callable):
    """`create()`'s record; two sends of one key racing each other meet at the unique constraint
    and the loser returns the winner's row."""
    try:
        with transaction.atomic():
            obj = create()
    except IntegrityError:
        if (found := _saved(model, owner, actor, child, client_key)) is None:
            raise
        return found
    obj.replayed = False
    return obj


@transaction.atomic
def visit_record(*, actor, child: Child, date: date, mode: str, role: str | None = None, helper: Helper | None = None,
                 visitor_name: str = "", areas: dict[str, str] | None = None, concerns: Sequence[str] = (), needs: str = "",
                 actions: str = "", follow_up: str = "", follow_up_date: date | None = None, photos: Sequence = (),
                 client_key: uuid.UUID | None = None) -> Visit:
    """Record a visit. `role` defaults to the actor's most specific role reaching the child; a
    helper user's visit counts for their own pairing. A visit another person made (a helper
    without an account) is recorded with `helper` and counts for that helper.

    With `client_key` (made by the form when it was opened), a second call with the same key by
    the same actor returns the visit already saved, unchanged (`visit.replayed` is True), and
    writes nothing."""
    roles = require_roles(actor, child, "can_care")
    if (found := _saved(Visit, "visitor", actor, child, client_key)) is not None:
        return found  # checked first: a rule changed since the first send must not refuse what is saved
    if role is None:
        role = roles[0]
    elif role not in roles:
        raise ServiceError("您不能以该身份记录这名儿童的走访", code=CareErrorCode.WRONG_ROLE, field="role")
    if mode not in R.VISIT_MODES:
        raise ServiceError("请选择走访方式", code=ErrorCode.REQUIRED, field="mode")
    check_date(date)
    if follow_up_date and follow_up_date < date:
        raise ServiceError("跟进日期不能早于走访日期", field="follow_up_date")
    bad = sorted(set(concerns) - set(R.CONCERNS))
    if bad:
        raise ServiceError("未知的异常情况：" + "、".join(bad), field="concerns")
    if role == "helper":
        helper = helper_of(actor)
    elif helper is not None:
        if not Pairing.objects.active_on(date).filter(child=child, helper=helper).exists():
            raise ServiceError("该帮扶人在走访日期没有与这名儿童结对", code=CareErrorCode.NOT_PAIRED, field="helper")
        role = "helper"
    for p in photos:
        if msg := photo_problem(p):
            raise ServiceError(msg, code=CareErrorCode.BAD_PHOTO, field="photos")
    areas = areas or {}
    if not any((areas.get(k) or "").strip() for k, _ in R.VISIT_AREAS) and not needs.strip() and not concerns:
        raise ServiceError("请至少填写一项走访所见（生活、学习、心理、安全或监护照料）", code=CareErrorCode.NOTHING_SEEN, field="life")
    name = visitor_name.strip() or (helper.name if helper and role == "helper" else str(actor))

    def create() -> Visit:
        v = Visit.objects.create(
            child=child, date=date, mode=mode, visitor=actor, visitor_role=role, helper=helper if role == "helper" else None,
            visitor_name=name[:32], concerns=list(concerns), needs=needs, actions=actions, follow_up=follow_up,
            follow_up_date=follow_up_date, client_key=client_key, **{k: (areas.get(k) or "").strip() for k, _ in R.VISIT_AREAS},
        )
        for p in photos:
            VisitPhoto.objects.create(visit=v, file=p)
        return v

    v = _create_once(Visit, "visitor", actor, child, client_key, create)
    if not v.replayed:
        after_commit([child.pk])
    return v


@transaction.atomic
def contact_record(*, actor, child: Child, date: date, kind: str, with_whom: str, place: str = "", minutes: int | None = None,
                   note: str = "", client_key: uuid.UUID | None = None) -> FamilyContact:
    """Record a family contact; `client_key` as in `visit_record` (`contact.replayed`)."""
    require_roles(actor, child, "can_care")
    if (found := _saved(FamilyContact, "recorded_by", actor, child, client_key)) is not None:
        return found
    check_date(date)
    if kind not in R.CONTACT_KINDS:
        raise ServiceError("请选择联系方式", code=ErrorCode.REQUIRED, field="kind")
    if with_whom not in R.CONTACT_WITH:
        raise ServiceError("请选择联系对象", code=ErrorCode.REQUIRED, field="with_whom")
    c = _create_once(FamilyContact, "recorded_by", actor, child, client_key, lambda: FamilyContact.objects.create(
        child=child, date=date, kind=kind, with_whom=with_whom, place=place[:32], minutes=minutes, note=note[:255], recorded_by=actor,
        client_key=client_key))
    if not c.replayed:
        after_commit([child.pk])
    return c
