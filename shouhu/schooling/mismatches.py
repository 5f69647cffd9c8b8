"""人籍一致 closes the loop (docs/domain.md, "Keeping children in school"): each line of a school's
two lists has an owner and, once checked, an answer (`RosterMismatch`).

- 学籍在册但未建档 (a pupil on the roster with no record): the school's — its staff know the pupil
  and ask the family where it lives; answered by those who upload the school's roster (the school's
  staff, county education, the county admin);
- 建档在该校但学籍名册中没有 (a registered child the roster lacks): the child's village director's —
  they know the family and edit the record; answered by those who may edit the child's record (the
  village director, the township supervisor, the county admin).

The lists stay computed from the roster and the register; an answered line leaves the open list
(and shows under "已核实"), an unanswered one stays however old. Anyone else gets the 404 of a
missing line."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shouhu.accounts.models import Assignment
from shouhu.accounts.scope import scope_of
from shouhu.core.errors import ErrorCode, NotFound, ServiceError
from shouhu.regions.models import School
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to

from . import selectors
from .dropout import pupil_key
from .models import RosterEntry, RosterMismatch

SIDE_OF_LIST = {"unregistered": RosterMismatch.Side.ROSTER, "missing": RosterMismatch.Side.REGISTRY}


def entry_key(e: RosterEntry) -> str:
    """A roster pupil's lasting key (the same as a dropout case's): a new upload keeps it."""
    return pupil_key(id_number=e.id_number, school_id=e.school_id, name=e.name, birth_date=e.birth_date)


def attach(school: School, which: str, rows: list) -> list:
    """Each row with `.answer` (its RosterMismatch or None) and `.owner` (who is to check it). Two
    queries whatever the number of rows."""
    if which == "unregistered":
        keys = {id(e): entry_key(e) for e in rows}
        answers = {m.pupil_key: m for m in RosterMismatch.objects.filter(school=school, side="roster", pupil_key__in=set(keys.values()))
                   .select_related("resolved_by")}
        for e in rows:
            e.answer, e.owner = answers.get(keys[id(e)]), school.name
        return rows
    answers = {m.child_id: m for m in RosterMismatch.objects.filter(school=school, side="registry", child__in=[c.pk for c in rows])
               .select_related("resolved_by")}
    directors: dict[int, list[str]] = {}
    for a in Assignment.objects.filter(role="village_director", user__is_active=True, region_id__in={c.village_id for c in rows}).select_related("user"):
        directors.setdefault(a.region_id, []).append(str(a.user))
    for c in rows:
        c.answer = answers.get(c.pk)
        c.owner = "、".join(directors.get(c.village_id, [])) or f"{c.village.short_name}儿童主任（未设）"
    return rows


def may_answer(actor, school: School, which: str, row) -> bool:
    if which == "unregistered":
        return selectors.can_upload(actor, school)
    return scope_of(actor).can_edit(row)


def line_for(actor, school_pk, which: str, ref) -> tuple[School, RosterEntry | Child]:
    """The school and the line `ref` names (a roster entry's id, or a child's uid) if the actor may
    answer it; the same 404 for a missing line, another school's, and one the actor may not answer."""
    try:
        school = School.objects.get(pk=int(school_pk))
        if which == "unregistered":
            row = RosterEntry.objects.get(pk=int(ref), school=school)
        elif which == "missing":
            row = children_visible_to(actor).select_related("village").get(uid=ref, school=school, merged_into__isnull=True)
        else:
            raise NotFound("名单不存在")
    except (ValueError, TypeError, ValidationError, School.DoesNotExist, RosterEntry.DoesNotExist, Child.DoesNotExist):
        raise NotFound("未找到该学生") from None
    if not may_answer(actor, school, which, row):
        raise NotFound("未找到该学生")
    return school, row


@transaction.atomic
def mismatch_resolve(*, actor, school: School, which: str, row, resolution: str, note: str = "") -> RosterMismatch:
    """Record (or change) the answer to one line: what checking found, with a note for 其他."""
    if not may_answer(actor, school, which, row):
        raise NotFound("未找到该学生")
    if resolution not in RosterMismatch.Resolution.values:
        raise ServiceError("请选择核实结果", code=ErrorCode.REQUIRED, field="resolution")
    note = note.strip()[:255]
    if resolution == RosterMismatch.Resolution.OTHER and not note:
        raise ServiceError("选择“其他”时请写明情况", code=ErrorCode.REQUIRED, field="note")
    side = SIDE_OF_LIST[which]
    key = {"pupil_key": entry_key(row)} if side == "roster" else {"child": row}
    m, _ = RosterMismatch.objects.update_or_create(
        school=school, side=side, **key,
        defaults={"name": row.name, "resolution": resolution, "note": note, "resolved_by": actor, "resolved_at": timezone.now()})
    return m
