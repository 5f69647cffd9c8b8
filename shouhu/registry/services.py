"""Writes to the registry. Every write goes through here: scope check, derived categories,
exit/re-entry events, history with reason and effective date, maintained counts."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.core import bulk
from shouhu.core.crypto import decrypt, encrypt
from shouhu.core.errors import Conflict, Forbidden, ServiceError
from shouhu.core.fields import refresh_indexes
from shouhu.core.versions import bump_version
from shouhu.rules import categories as R
from shouhu.rules.choices import CATEGORIES, CATEGORY_FIELDS, FLAG_FIELDS, FLAGS
from shouhu.rules.names import fuzzy_pinyin, name_initials, name_pinyin

from . import stats
from .models import UNIQUE_FIELDS, CategoryEvent, Child, ChildMerge, CountySetting
from .signals import announce


class RegistryErrorCode(StrEnum):
    VILLAGE_OUT_OF_SCOPE = "village_out_of_scope"  # the record's village is not one the actor edits
    CHILD_OUT_OF_SCOPE = "child_out_of_scope"  # the record (or one of a pair) is not one the actor edits
    CLASS_NOT_IN_SCHOOL = "class_not_in_school"
    MERGED_RECORD = "merged_record"  # a merged duplicate is history: nothing is written to it
    SAME_RECORD = "same_record"  # a record merged with itself
    ID_NUMBER_TAKEN = "id_number_taken"  # another record has this ID number (one child, one record)
    UNDO_EXPIRED = "undo_expired"  # a merge is undone within UNDO_DAYS, and once


DERIVED_FIELDS = [*CATEGORY_FIELDS.values(), *FLAG_FIELDS.values(), "left_behind_kind", "difficulty_kinds", "category_reasons",
                  "status", "entered_on", "exited_on", "exit_reason"]


MERGED_REASON = "重复档案，已合并"


def facts_of(child: Child) -> R.ChildFacts:
    parent_home = "在家" in (child.father_situation, child.mother_situation)
    return R.ChildFacts(
        birth_date=child.birth_date,
        father=R.ParentFacts(situation=child.father_situation, since=child.father_since),
        mother=R.ParentFacts(situation=child.mother_situation, since=child.mother_since),
        health=child.health,
        serious_illness=child.serious_illness,
        guardianship=child.guardianship,
        has_carer=bool(child.carer_name) or parent_home,
        living_alone=child.living_alone,
        abused_or_abandoned=child.abused_or_abandoned,
        benefits=frozenset(child.benefits or ()),
        poor_household=child.poor_household,
    )


def current_categories(child: Child) -> list[str]:
    return [code for code, f in CATEGORY_FIELDS.items() if getattr(child, f)]


def _exit_reason(child: Child, as_of: date) -> str:
    age = R.age_on(child.birth_date, as_of)
    if age >= 18:
        return "年满18周岁"
    if age >= 16 and current_categories(child) == ["left_behind"]:
        return "年满16周岁，不再属于农村留守儿童"
    return "不再符合任何类别：" + "、".join(CATEGORIES[c] for c in current_categories(child))


def apply_derivation(child: Child, *, as_of: date, settings: R.CategorySettings, actor=None, new: bool = False) -> CategoryEvent | None:
    """Set the derived fields from the facts and return the entry/exit event this causes (unsaved)."""
    d = R.derive(facts_of(child), as_of=as_of, settings=settings)
    active = d.active and not child.merged_into_id  # a merged duplicate never comes back
    before = [] if new else current_categories(child)
    was_active = not new and child.status == Child.Status.ACTIVE
    event = None
    if not active and (was_active or new):
        reason = (MERGED_REASON if child.merged_into_id else _exit_reason(child, as_of)) if was_active else "登记时不符合任何类别"
        child.status, child.exited_on, child.exit_reason = Child.Status.EXITED, as_of, reason
        event = CategoryEvent(child=child, kind=CategoryEvent.Kind.EXIT, date=as_of, categories=before, reason=reason, actor=actor)
    elif active and not was_active:
        kind = CategoryEvent.Kind.ENTER if new or not child.entered_on else CategoryEvent.Kind.REENTER
        child.status, child.exited_on, child.exit_reason = Child.Status.ACTIVE, None, ""
        child.entered_on = as_of if kind == CategoryEvent.Kind.ENTER else child.entered_on
        labels = "、".join(CATEGORIES[c] for c in d.categories)
        event = CategoryEvent(child=child, kind=kind, date=as_of, categories=list(d.categories), reason=f"符合：{labels}", actor=actor)
    elif active and set(before) != set(d.categories):
        labels = "、".join(CATEGORIES[c] for c in d.categories)
        event = CategoryEvent(child=child, kind=CategoryEvent.Kind.CHANGE, date=as_of, categories=list(d.categories), reason=f"类别变为：{labels}", actor=actor)
    for code, f in CATEGORY_FIELDS.items():
        setattr(child, f, code in d.categories)
    for code, f in FLAG_FIELDS.items():
        setattr(child, f, code in d.flags)
    child.left_behind_kind = d.left_behind_kind or ""
    child.difficulty_kinds = list(d.difficulty_kinds)
    child.category_reasons = {**d.categories, **d.flags}
    return event


def _settings() -> R.CategorySettings:
    return R.CategorySettings(left_behind_min_months=CountySetting.current().left_behind_min_months)


def _prepare(child: Child, village_code: str | None = None) -> None:
    child.village_code = village_code or child.village.code
    child.township_code = child.village_code[:9]
    child.name_pinyin = name_pinyin(child.name)
    child.name_initials = name_initials(child.name)
    child.name_fuzzy = fuzzy_pinyin(child.name)
    if not child.archive_no:
        child.archive_no = None
    if not child.id_number:
        child.id_number = None
    refresh_indexes(child)  # save() would, bulk_update does not


def _check_scope(actor, child: Child) -> None:
    scope = scope_of(actor)
    if not scope.can_edit_village(child.village.code):
        raise Forbidden("该村（社区）不在您的管辖范围内", code=RegistryErrorCode.VILLAGE_OUT_OF_SCOPE, field="village")
    if child.school_class_id and child.school_class.school_id != child.school_id:
        raise ServiceError("班级不属于所选学校", code=RegistryErrorCode.CLASS_NOT_IN_SCHOOL, field="school_class")


def _save(child: Child, *, actor, reason: str, effective_date: date | None, new: bool, expected_version: int | None = None) -> Child:
    on = effective_date or timezone.localdate()
    if not new:
        bump_version(child, expected=expected_version)  # refuses a save over a version the user did not read
    _prepare(child)
    # the unique index would refuse it too, as an IntegrityError: say it on the field instead
    if child.id_number and Child.objects.with_id_number(child.id_number).exclude(pk=child.pk).exists():
        raise Conflict("已有儿童档案使用此公民身份号码", code=RegistryErrorCode.ID_NUMBER_TAKEN, field="id_number")
    event = apply_derivation(child, as_of=on, settings=_settings(), actor=actor, new=new)
    child._history_user = actor
    child._change_reason = reason
    child._effective_date = on
    child.save()
    if event is not None:
        event.child = child
        event.save()
    return child


@transaction.atomic
def child_register(*, actor, child: Child, reason: str = "新增登记", effective_date: date | None = None) -> Child:
    """Register a new child (an unsaved Child filled by a form or an import row)."""
    _check_scope(actor, child)
    child.created_by = actor
    child.entered_in = f"form:{getattr(actor, 'pk', '')}:{timezone.localdate():%Y%m%d}"
    _save(child, actor=actor, reason=reason, effective_date=effective_date, new=True)
    stats.refresh_for([child])
    announce(child_ids=[child.pk])
    return child


@transaction.atomic
def child_update(*, actor, child: Child, reason: str = "更新档案", effective_date: date | None = None,
                 expected_version: int | None = None) -> Child:
    """Save changes to an existing child (the instance carries the new values). `expected_version`:
    the version the user read (form, If-Match); raises `core.versions.Stale` when the record has
    moved on since — default: the version the instance was loaded with."""
    old = Child.objects.select_for_update().get(pk=child.pk)
    if not scope_of(actor).can_edit_village(old.village_code):
        raise Forbidden("该儿童不在您的管辖范围内", code=RegistryErrorCode.CHILD_OUT_OF_SCOPE)
    if old.merged_into_id:
        raise Conflict("这是一份已合并的重复档案，请在保留的档案上修改", code=RegistryErrorCode.MERGED_RECORD)
    _check_scope(actor, child)
    _save(child, actor=actor, reason=reason, effective_date=effective_date, new=False,
          expected_version=child.version if expected_version is None else expected_version)
    stats.refresh_for([old, child])
    announce(child_ids=[child.pk])
    return child


DERIVED_AND_KEYS = [*DERIVED_FIELDS, "village_code", "township_code", "name_pinyin", "name_initials", "name_fuzzy", "archive_no",
                    "id_number", "id_number_index", "id_tail_index", "updated_at"]


def children_bulk_write(*, actor, new: list[tuple[Child, str]], changed: list[tuple[Child, str, list[str]]], reason: str,
                        effective_date: date | None = None, progress=None, batch: int = 1000, refresh_counts: bool = True) -> set[str]:
    """Many registrations and updates at once (the register-sheet import), with the same
    derivation, events, history and counts as `child_register`/`child_update`, in bulk queries.

    `new`: (unsaved child, village code); `changed`: (child loaded from the database with the new
    values set, its village code, the fields that changed). The caller holds the transaction:
    all or nothing. `progress(done)` is called after every batch. Returns the villages touched
    (refresh their counts with `refresh_counts_for` when passing refresh_counts=False)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("children_bulk_write must run inside transaction.atomic()")
    on = effective_date or timezone.localdate()
    settings = _settings()
    scope = scope_of(actor) if actor is not None else None
    now = timezone.now()
    sitting = f"sheet:{getattr(actor, 'pk', '')}:{now:%Y%m%d%H%M%S%f}"  # one sheet, one sitting
    done = 0
    villages: set[str] = set()
    for chunk in (new[i:i + batch] for i in range(0, len(new), batch)):
        events = []

        def register(item: tuple[Child, str], events: list = events) -> Child:  # per child, while the database takes the rows before
            child, code = item
            if scope is not None and not scope.can_edit_village(code):
                raise Forbidden("该村（社区）不在您的管辖范围内", code=RegistryErrorCode.VILLAGE_OUT_OF_SCOPE, field="village")
            _prepare(child, code)
            child.created_by, child.entered_in = actor, sitting
            event = apply_derivation(child, as_of=on, settings=settings, actor=actor, new=True)
            if event is not None:
                events.append(event)
            villages.add(code)
            return child

        bulk.insert(Child, chunk, need_ids=True, prepare=register, history=_history_meta("+", actor=actor, reason=reason, now=now, on=on))
        for e in events:
            e.child_id = e.child.pk
        bulk.insert(CategoryEvent, events)
        done += len(chunk)
        if progress:
            progress(done)
    for chunk in (changed[i:i + batch] for i in range(0, len(changed), batch)):
        events, fields = [], {*DERIVED_AND_KEYS, "version"}
        for child, code, changed_fields in chunk:
            if scope is not None and not (scope.can_edit_village(code) and scope.can_edit_village(child.village_code)):
                raise Forbidden("该儿童不在您的管辖范围内", code=RegistryErrorCode.CHILD_OUT_OF_SCOPE)
            villages.update((code, child.village_code))
            _prepare(child, code)
            child.updated_at = now
            child.version += 1  # the caller holds these rows locked (select_for_update): no race
            event = apply_derivation(child, as_of=on, settings=settings, actor=actor)
            if event is not None:
                events.append(event)
            fields.update(changed_fields)
        objs = [c for c, _, _ in chunk]
        Child.objects.bulk_update(objs, sorted(fields))
        bulk.insert_history(Child, objs, _history_meta("~", actor=actor, reason=reason, now=now, on=on))
        bulk.insert(CategoryEvent, events)
        done += len(chunk)
        if progress:
            progress(done)
    if refresh_counts:
        refresh_counts_for(villages)
    return villages


def _history_meta(kind: str, *, actor, reason: str, now, on: date) -> dict:
    """The history row's own values, as simple-history's bulk_history_create fills them."""
    return {"history_date": now, "history_change_reason": reason, "history_type": kind,
            "history_user_id": getattr(actor, "pk", None), "effective_date": on}


def refresh_counts_for(villages: set[str]) -> None:
    announce(village_codes=set(villages))
    if len(villages) > 50:
        stats.refresh()
    elif villages:
        stats.refresh(village_codes=villages, class_keys=None)


def recompute_all(*, as_of: date | None = None, actor=None, batch: int = 2000) -> int:
    """Nightly: age and time change categories (a child turns 16, a parent's absence reaches the
    threshold). Returns how many children changed.

    The rows are locked while read and saved, so a form saved meanwhile is not overwritten by the
    facts read before it. The version stays: only derived fields change here, and every save
    derives them again, so a form opened before the night is not stale because of it."""
    on = as_of or timezone.localdate()
    settings = _settings()
    changed = 0
    ids = list(Child.objects.values_list("id", flat=True).order_by("id"))
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            for child in Child.objects.select_for_update(of=("self",)).filter(id__in=ids[start:start + batch]).select_related("village"):
                before = {f: getattr(child, f) for f in DERIVED_FIELDS}
                event = apply_derivation(child, as_of=on, settings=settings, actor=actor)
                if any(getattr(child, f) != v for f, v in before.items()):
                    child._history_user = actor
                    child._change_reason = "类别自动重算"
                    child._effective_date = on
                    child.save()
                    if event is not None:
                        event.save()
                    changed += 1
    if changed:
        stats.refresh()
        announce(village_codes=None)
    return changed


@dataclass(frozen=True)
class CategoryView:
    code: str
    label: str
    reason: str
    is_flag: bool


def categories_for_display(child: Child) -> list[CategoryView]:
    reasons = child.category_reasons or {}
    out = [CategoryView(c, CATEGORIES[c], reasons.get(c, ""), False) for c, f in CATEGORY_FIELDS.items() if getattr(child, f)]
    out += [CategoryView(c, FLAGS[c], reasons.get(c, ""), True) for c, f in FLAG_FIELDS.items() if getattr(child, f)]
    return out


# -- merging a duplicate ---------------------------------------------------------------------
# Every table that points at a child, and what a merge does with the duplicate's rows. A test
# checks that each relation to Child is in exactly one of these, so a new table cannot be missed.
MERGE_MOVE = {  # the child's care record: moved to the record kept
    "care.Pairing", "care.Visit", "care.FamilyContact", "care.Wish", "care.CounsellingSession", "care.Participation",
    "protection.MandatoryReport",  # a report about the duplicate is about the child kept
    "schooling.Absence",  # the duplicate's marked absences are the child's (keyed by pupil, school and day)
    # what was granted and paid to the child (兜底保障): the kept record is the child it was paid to
    "benefits.Grant", "benefits.PaymentLine", "benefits.Spending",
}
MERGE_STAY = {  # the duplicate's own history and provenance: stay with it
    "registry.CategoryEvent", "registry.HistoricalChild", "registry.Child", "audit.AccessLog", "intake.ImportRow",
    "quality.Issue", "quality.DuplicatePair", "registry.ChildMerge",
    # the duplicate's alerts resolve as it leaves the register; the kept record's are raised afresh
    "protection.Alert",
    # a case stays with the record it was opened on (both records may have one open: moving could
    # not keep "one open case per child"); the case worker sees the merge on the case's child
    "protection.ProtectionCase",
    # a 控辍保学 case likewise: one open case per child (schooling.DropoutCase)
    "schooling.DropoutCase",
    # a 人籍一致 answer about the duplicate: the duplicate leaves the lists; the kept record is checked afresh
    "schooling.RosterMismatch",
    # what an inspector found on the spot is evidence about the record as it was checked
    "supervision.Finding", "supervision.SampleItem",
    # a 事实无人抚养 application stays with the record it was made on (one open application per child)
    "benefits.Application",
    # a place's sign-in sheet is the day's record as it was taken (one line per child and session:
    # moving the duplicate's lines could collide with the kept record's own)
    "places.Attendance", "places.GuardianAttendance",
}
MERGE_DERIVED = {"care.CareStatus", "care.VisitDue", "care.CampaignMark"}  # rewritten by the care refresh
# Never copied from the duplicate: keys, links, and what the derivation writes. (The 档案编号 and
# the ID number may be taken: unique, they leave the duplicate first.)
MERGE_NOT_FIELDS = {"id", "uid", "village_code", "township_code", "name_pinyin", "name_initials", "name_fuzzy",
                    "created_at", "updated_at", "created_by", "merged_into", *DERIVED_FIELDS}


def merge_fields() -> list:
    """The fields a merge may take from the duplicate (the form offers those that differ)."""
    return [f for f in Child._meta.concrete_fields if f.name not in MERGE_NOT_FIELDS and f.editable]


def _label(child: Child) -> str:
    return f"（档案编号{child.archive_no}）" if child.archive_no else f"（{child.name}，{str(child.uid)[:8]}）"


def _blank(v) -> bool:
    return v is None or v == "" or v == [] or v == {}


def merge_plan(keep: Child, other: Child) -> dict[str, bool]:
    """The fields whose values differ: True where the merge takes the duplicate's value by
    default (the kept record has none)."""
    out = {}
    for f in merge_fields():
        a, b = getattr(keep, f.attname), getattr(other, f.attname)
        if a != b and not _blank(b):
            out[f.name] = _blank(a)
    return out


@transaction.atomic
def child_merge(*, actor, keep: Child, other: Child, take: Iterable[str] | None = None, reason: str = "") -> Child:
    """Merge the duplicate `other` into `keep`: `keep` takes the values of the fields in `take`
    (default: those it lacks) and every visit, pairing, contact, wish, counselling session and
    activity participation of `other`; `other` stays, with its history, as an exited record
    pointing at `keep`. Both histories record who merged and why. Only someone who may edit both
    records may merge."""
    from django.apps import apps

    if keep.pk == other.pk:
        raise ServiceError("不能与自身合并", code=RegistryErrorCode.SAME_RECORD)
    locked = {c.pk: c for c in Child.objects.select_for_update().filter(pk__in=[keep.pk, other.pk]).order_by("pk")}  # pk order: no deadlock
    keep, other = locked[keep.pk], locked[other.pk]
    scope = scope_of(actor)
    if not (scope.can_edit_village(keep.village_code) and scope.can_edit_village(other.village_code)):
        raise Forbidden("两份档案须都在您的管辖范围内", code=RegistryErrorCode.CHILD_OUT_OF_SCOPE)
    if other.merged_into_id or keep.merged_into_id:
        raise Conflict("其中一份档案已被合并", code=RegistryErrorCode.MERGED_RECORD)
    plan = merge_plan(keep, other)
    fields = {name for name, default in plan.items() if default} if take is None else set(take) & set(plan)
    values = {n: getattr(other, Child._meta.get_field(n).attname) for n in fields}
    keep_before = Child.objects.get(pk=keep.pk)
    record = ChildMerge(keep=keep, other=other, by=actor, reason=reason[:200],
                        kept_before={n: _snap(n, getattr(keep, Child._meta.get_field(n).attname)) for n in fields},
                        kept_after={n: _snap(n, v) for n, v in values.items()},
                        other_before={n: _snap(n, getattr(other, Child._meta.get_field(n).attname)) for n in fields if n in UNIQUE_FIELDS})
    why = f"：{reason}" if reason else ""
    # The duplicate first: it gives up unique values (the ID number) the kept record may take.
    for n in fields:
        if n in UNIQUE_FIELDS:
            setattr(other, Child._meta.get_field(n).attname, None)
    other.merged_into = keep
    _save(other, actor=actor, reason=f"重复档案，并入{_label(keep)}{why}"[:100], effective_date=None, new=False)
    for n, v in values.items():
        setattr(keep, Child._meta.get_field(n).attname, v)
    _check_scope(actor, keep)  # the class belongs to the school (values may come from both records)
    _save(keep, actor=actor, reason=f"合并重复档案{_label(other)}{why}"[:100], effective_date=None, new=False)
    for label_ in MERGE_MOVE:
        model = apps.get_model(label_)
        rows = model.objects.filter(child_id=other.pk)
        if label_ == "care.Participation":  # one row per activity and child
            both = rows.filter(activity_id__in=model.objects.filter(child_id=keep.pk).values("activity_id"))
            record.dropped = [[a, d.isoformat()] for a, d in both.values_list("activity_id", "date")]
            both.delete()
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            record.moved[label_] = ids
        rows.update(child_id=keep.pk)
    record.repointed = list(Child.objects.filter(merged_into=other).values_list("pk", flat=True))
    Child.objects.filter(merged_into=other).update(merged_into=keep)  # earlier duplicates of `other` lead to the kept record
    record.save()
    stats.refresh_for([keep_before, keep, other])
    announce(child_ids=[keep.pk, other.pk])
    return keep


# What the merge confirmation names, in the user's words. Counselling is not counted: whether a
# child has sessions is for counsellors only (care.selectors.counselling_visible_to).
MOVE_LABELS = {"care.Visit": ("走访", "次"), "care.Pairing": ("结对", "个"), "care.FamilyContact": ("亲情联系", "次"),
               "care.Wish": ("微心愿", "个"), "care.Participation": ("关爱活动", "次"), "protection.MandatoryReport": ("强制报告", "份"),
               "schooling.Absence": ("缺勤记录", "条")}


def merge_moves(child: Child) -> str:
    """'走访3次、结对1个': the records a merge would move off `child` (those it has)."""
    from django.apps import apps

    parts = []
    for label_, (word, unit) in MOVE_LABELS.items():
        n = apps.get_model(label_).objects.filter(child_id=child.pk).count()
        if n:
            parts.append(f"{word}{n}{unit}")
    return "、".join(parts)


UNDO_DAYS = 30  # a merge found wrong is usually found at the next visit; after a month the records have moved on


def _snap(name: str, value):
    """A field value as the merge record keeps it: JSON, ID numbers encrypted."""
    if value is None or value == "":
        return value
    if name in ID_SNAP_FIELDS:
        return encrypt(str(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "name") and not isinstance(value, str):  # a file: its stored name
        return value.name
    return value


def _unsnap(name: str, value):
    if value is None or value == "":
        return value
    if name in ID_SNAP_FIELDS:
        return decrypt(value)
    return Child._meta.get_field(name).to_python(value) if Child._meta.get_field(name).get_internal_type() in ("DateField",) else value


ID_SNAP_FIELDS = frozenset({"id_number", "father_id_number", "mother_id_number", "carer_id_number"})


def merge_undoable(merge: ChildMerge, *, now=None) -> bool:
    now = now or timezone.now()
    return merge.undone_at is None and (now - merge.at).days < UNDO_DAYS


@transaction.atomic
def child_merge_undo(*, actor, merge: ChildMerge, reason: str = "") -> Child:
    """Undo a merge within UNDO_DAYS: the duplicate is a record of its own again (its unique
    values back), the kept record gives back the values it took — where nobody has changed them
    since — and the rows the merge moved go back (rows written on the kept record since stay).
    Both histories say who undid it; the merge record keeps when and by whom."""
    from django.apps import apps

    merge = ChildMerge.objects.select_for_update().get(pk=merge.pk)
    locked = {c.pk: c for c in Child.objects.select_for_update().filter(pk__in=[merge.keep_id, merge.other_id]).order_by("pk")}
    keep, other = locked[merge.keep_id], locked[merge.other_id]
    scope = scope_of(actor)
    if not (scope.can_edit_village(keep.village_code) and scope.can_edit_village(other.village_code)):
        raise Forbidden("两份档案须都在您的管辖范围内", code=RegistryErrorCode.CHILD_OUT_OF_SCOPE)
    if not merge_undoable(merge):
        raise Conflict(f"合并已超过{UNDO_DAYS}天或已撤销，不能撤销", code=RegistryErrorCode.UNDO_EXPIRED)
    if other.merged_into_id != keep.pk or keep.merged_into_id:
        raise Conflict("合并之后档案又有合并，请先撤销后来的合并", code=RegistryErrorCode.MERGED_RECORD)
    keep_before, why = Child.objects.get(pk=keep.pk), f"：{reason}" if reason else ""
    for n, old in merge.kept_before.items():
        attname = Child._meta.get_field(n).attname
        if _snap(n, getattr(keep, attname)) == merge.kept_after.get(n) or (
                n in ID_SNAP_FIELDS and getattr(keep, attname) == _unsnap(n, merge.kept_after.get(n))):
            setattr(keep, attname, _unsnap(n, old))
    _save(keep, actor=actor, reason=f"撤销合并，{_label(other)}恢复为独立档案{why}"[:100], effective_date=None, new=False)
    for n, old in merge.other_before.items():
        setattr(other, Child._meta.get_field(n).attname, _unsnap(n, old))
    other.merged_into = None
    _save(other, actor=actor, reason=f"撤销合并，恢复为独立档案（原并入{_label(keep)}）{why}"[:100], effective_date=None, new=False)
    for label_, ids in merge.moved.items():
        apps.get_model(label_).objects.filter(pk__in=ids, child_id=keep.pk).update(child_id=other.pk)
    if merge.dropped:
        model = apps.get_model("care.Participation")
        model.objects.bulk_create([model(activity_id=a, child_id=other.pk, date=date.fromisoformat(d)) for a, d in merge.dropped],
                                  ignore_conflicts=True)
    Child.objects.filter(pk__in=merge.repointed, merged_into=keep).update(merged_into=other)
    merge.undone_at, merge.undone_by = timezone.now(), actor
    merge.save(update_fields=["undone_at", "undone_by"])
    stats.refresh_for([keep_before, keep, other])
    announce(child_ids=[keep.pk, other.pk])
    return other
