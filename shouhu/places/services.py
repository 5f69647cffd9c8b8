"""Writes of places (docs/domain.md, "Places"): keyword-only, atomic, the actor first.

The township, village or school keeps its places (申报 when the "六个一" are ticked); the county
accepts them (验收), sends them back, closes them (停用) or opens them again. A running place records
its openings and 家长学校 lectures, and who came: children ticked or read from a pasted list,
guardians (father, mother, carer; in the room, by phone or video) at a lecture."""
from collections.abc import Iterable
from datetime import date
from uuid import uuid4

from django.db import transaction
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core import uploads
from shouhu.core.errors import ErrorCode, NotFound, ServiceError
from shouhu.core.versions import bump_version, lock_fresh
from shouhu.regions.models import Level, Place, Region, School, in_region
from shouhu.regions.selectors import place_for
from shouhu.registry.models import Child
from shouhu.rules import places as P
from shouhu.rules.phones import normalise_phone

from . import selectors
from .models import Attendance, GuardianAttendance, PlaceFile, PlaceSetting, Session

EDITABLE = ("kind", "name", "region", "school", "address", "manager_name", "manager_phone", "hours", "checklist")


def _keeps(actor, region: Region, school: School | None) -> bool:
    """The actor keeps places at this host: a place-keeping role whose region holds it (the county,
    the township, the village), or the school's own staff for a school's place."""
    for a in scope_of(actor).assignments_with("manages_places"):
        if a.region_id and in_region(region.code, a.region.code):
            return True
        if school is not None and a.school_id == school.pk:
            return True
    return False


def _check(place: Place) -> None:
    if not place.name.strip():
        raise ServiceError("请填写名称", code=ErrorCode.REQUIRED, field="name")
    if place.kind not in P.KINDS:
        raise ServiceError("请选择类型", code=ErrorCode.REQUIRED, field="kind")
    if place.school_id and place.school.township_id != place.region_id:
        raise ServiceError("学校不在所选乡镇", field="school")
    if place.region.level not in (Level.TOWNSHIP, Level.VILLAGE):
        raise ServiceError("请选择所在村（社区）或乡镇", field="region")
    if not P.host_fits(place.kind, place.host):
        where = "、".join(P.HOST_LABELS[h] for h in sorted(P.HOSTS[place.kind]))
        raise ServiceError(f"{P.KINDS[place.kind]}应设在{where}", field="school" if "school" in P.HOSTS[place.kind] else "region")
    if place.manager_phone:
        place.manager_phone = normalise_phone(place.manager_phone)


@transaction.atomic
def place_save(*, actor, place: Place, version: int | None = None) -> Place:
    """Register a place (筹建中) or change one the actor keeps. A change is refused over a version
    the actor did not read (`Stale`)."""
    if place.pk is None:
        if not _keeps(actor, place.region, place.school if place.school_id else None):
            raise NotFound("未找到该区划")
        place.status, place.created_by = "draft", actor
    else:
        old = place_for(actor, place.pk, flag="manages_places")
        if old.status == "closed":
            raise ServiceError("已停用的场所不能修改", code=ErrorCode.WRONG_STATE)
        if (old.region_id, old.school_id) != (place.region_id, place.school_id) and not _keeps(actor, place.region, place.school):
            raise NotFound("未找到该区划")
    place.checklist = {k: bool(v) for k, v in (place.checklist or {}).items()}
    place.name = place.name.strip()
    _check(place)
    if place.pk is not None:
        bump_version(place, expected=version)
    place.save()
    return place


@transaction.atomic
def place_act(*, actor, place: Place, action: str, note: str = "", on: date | None = None) -> Place:
    """One step: 申报 (the keeper: every "六个一" item ticked), 验收通过 / 退回 / 停用 / 恢复 (the county)."""
    place = place_for(actor, place.pk)
    need = "accepts_places" if action in P.COUNTY_ACTIONS else "manages_places"
    if not selectors.may(actor, place, need):
        raise ServiceError("您无权进行该操作", code=ErrorCode.FORBIDDEN, field="action")
    lock_fresh(place)
    try:
        place.status = P.apply(place.status, action, checklist=place.checklist, items=PlaceSetting.current().items, note=note)
    except P.PlaceRuleError as exc:
        raise ServiceError(str(exc), code=ErrorCode.WRONG_STATE if exc.field == "action" else ErrorCode.INVALID, field=exc.field) from None
    on = on or timezone.localdate()
    if action == "declare":
        place.declared_on = on
    elif action == "accept":
        place.accepted_on, place.closed_on = on, None
    elif action == "close":
        place.closed_on = on
    elif action == "reopen":
        place.closed_on = None
    place.note = note.strip()[:255]
    bump_version(place)
    place.save(update_fields=["status", "declared_on", "accepted_on", "closed_on", "note", "version"])
    return place


@transaction.atomic
def place_photo_add(*, actor, place: Place, file, caption: str = "") -> PlaceFile:
    place = place_for(actor, place.pk, flag="manages_places")
    problem = uploads.document_problem(file, what="照片")
    if problem:
        raise ServiceError(problem, field="file")
    ext, content_type = uploads.document_kind(file)
    if not content_type.startswith("image/"):
        raise ServiceError("照片只能上传JPG或PNG文件", field="file")
    file.name = f"{uuid4().hex}{ext}"  # the name the type decided, never the uploader's
    return PlaceFile.objects.create(place=place, file=file, content_type=content_type, caption=caption.strip()[:64],
                                    uploaded_by=actor, uploaded_at=timezone.now())


@transaction.atomic
def settings_save(*, actor, items: Iterable[str], request=None) -> PlaceSetting:
    """The county's wording of the "六个一" items (a place is declared against them)."""
    if not scope_of(actor).is_county_admin:
        raise NotFound("未找到该页面")
    items = [i.strip()[:40] for i in items if i.strip()]
    if not items:
        raise ServiceError("至少保留一项标准", code=ErrorCode.REQUIRED, field="items")
    if len(set(items)) != len(items):
        raise ServiceError("标准不能重复", field="items")
    s = PlaceSetting.current()
    before = s.items
    s.checklist = items
    s.save()
    log_access(actor=actor, action="settings", scope="阵地“六个一”标准", request=request,
               detail=f"{'、'.join(before)} → {'、'.join(items)}")
    return s


# -- sessions and attendance -------------------------------------------------------------------------
@transaction.atomic
def session_create(*, actor, place: Place, date: date, parent_school: bool = False, topic: str = "", speaker: str = "",
                   note: str = "") -> Session:
    place = place_for(actor, place.pk, flag="records_attendance")
    if place.status != "running":
        raise ServiceError("只有运行中的场所可以登记开放和活动", code=ErrorCode.WRONG_STATE, field="place")
    if date > timezone.localdate():
        raise ServiceError("只能登记已经开展的活动（日期不能晚于今天）", field="date")
    if parent_school and not topic.strip():
        raise ServiceError("请填写讲座主题", code=ErrorCode.REQUIRED, field="topic")
    return Session.objects.create(place=place, code=place.code, date=date, parent_school=parent_school, topic=topic.strip()[:64],
                                  speaker=speaker.strip()[:32], note=note.strip()[:255], created_by=actor)


def _session(actor, session: Session) -> Session:
    session = selectors.session_for(actor, session.pk)
    if not selectors.may(actor, session.place, "records_attendance"):
        raise NotFound("未找到该活动记录")
    return session


@transaction.atomic
def attendance_add(*, actor, session: Session, children: Iterable[Child]) -> int:
    """Sign children in (those of the place the actor records attendance for); those already on the
    list stay. Returns how many were added."""
    session = _session(actor, session)
    ids = {c.pk for c in children}
    allowed = set(selectors.attendance_children(actor, session.place).filter(pk__in=ids).values_list("pk", flat=True))
    if ids - allowed:
        raise NotFound("未找到该儿童")
    have = set(Attendance.objects.filter(session=session, child_id__in=ids).values_list("child_id", flat=True))
    Attendance.objects.bulk_create([Attendance(session=session, child_id=i, date=session.date, by=actor) for i in sorted(ids - have)])
    return len(ids - have)


@transaction.atomic
def attendance_remove(*, actor, session: Session, child: Child) -> None:
    session = _session(actor, session)
    if not selectors.attendance_children(actor, session.place).filter(pk=child.pk).exists():
        raise NotFound("未找到该儿童")
    Attendance.objects.filter(session=session, child=child).delete()


@transaction.atomic
def guardian_add(*, actor, session: Session, child: Child, who: str, mode: str) -> GuardianAttendance:
    """A guardian of `child` at a 家长学校 lecture, named from the child's record; the carer's line
    counts for the training a care agreement asks of them."""
    session = _session(actor, session)
    if not session.parent_school:
        raise ServiceError("只有家长学校讲座登记家长参加情况", code=ErrorCode.WRONG_STATE, field="session")
    child = selectors.attendance_children(actor, session.place).filter(pk=child.pk).first()
    if child is None:
        raise NotFound("未找到该儿童")
    if who not in P.GUARDIANS:
        raise ServiceError("请选择是哪位监护人", code=ErrorCode.REQUIRED, field="who")
    if mode not in P.MODES:
        raise ServiceError("请选择参加方式", code=ErrorCode.REQUIRED, field="mode")
    name = getattr(child, f"{who}_name")
    if not name:
        raise ServiceError(f"档案中没有{P.GUARDIANS[who]}的姓名", field="who")
    row, _ = GuardianAttendance.objects.update_or_create(session=session, child=child, who=who,
                                                         defaults={"name": name, "mode": mode, "date": session.date, "by": actor})
    return row


@transaction.atomic
def guardian_remove(*, actor, session: Session, pk: int) -> None:
    session = _session(actor, session)
    row = GuardianAttendance.objects.filter(session=session, pk=pk).first()
    if row is None or not selectors.attendance_children(actor, session.place).filter(pk=row.child_id).exists():
        raise NotFound("未找到该记录")
    row.delete()


@transaction.atomic
def attendance_set(*, actor, session: Session, shown: Iterable[Child], ticked: Iterable[Child]) -> tuple[int, int]:
    """The names ticked on one page of the list: of the children `shown`, those ticked are signed in
    and the others signed out (the rest of the list is left as it is). Returns (added, removed)."""
    session = _session(actor, session)
    shown_ids, ticked_ids = {c.pk for c in shown}, {c.pk for c in ticked}
    if not ticked_ids <= shown_ids:
        raise NotFound("未找到该儿童")
    allowed = set(selectors.attendance_children(actor, session.place).filter(pk__in=shown_ids).values_list("pk", flat=True))
    if shown_ids - allowed:
        raise NotFound("未找到该儿童")
    have = set(Attendance.objects.filter(session=session, child_id__in=shown_ids).values_list("child_id", flat=True))
    gone = have - ticked_ids
    Attendance.objects.filter(session=session, child_id__in=gone).delete()
    Attendance.objects.bulk_create([Attendance(session=session, child_id=i, date=session.date, by=actor) for i in sorted(ticked_ids - have)])
    return len(ticked_ids - have), len(gone)
