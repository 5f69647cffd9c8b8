"""The absence log (考勤) and the nightly opening of 疑似辍学 cases (docs/domain.md, "Keeping children
in school"; 002 篇五: unexcused absence is queried the same day, a week of it is suspected dropout).

Absences are kept by exception: the head teacher marks the pupils absent on a school day, excused
(请假) or not (旷课), and a day without a row is a day present (`rules.dropout.unexcused_streak`).
A pupil is known by `dropout.pupil_key` — the keyed index of the ID number, else of school, name and
birth date — because roster entries are replaced wholesale on each upload and a pupil need not be
on the register (docs/decisions.md).

Who keeps the log: a class's head teacher and the school's staff (`Role.records_absences`); for
anyone else a class is the same 404 as a missing one.

A case opens (`dropout.dropout_open`) on four triggers, each idempotent — a pupil with an open case,
or whose case closed after the fact that would open it, gets none:
  absence     `streak_days` unexcused school days in a row (a county setting, default 5)
  roster      the roster says 辍学 or 休学
  unrostered  registered, of compulsory-school age (6–15), at a school whose roster does not have them
  visit       a home visit in the last 30 days noted 辍学迹象 (the care app's `dropout_sign` fact)
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.audit.services import log_access
from shouhu.core.cells import format_grade
from shouhu.core.errors import ErrorCode, NotFound, ServiceError
from shouhu.regions.models import School, SchoolClass
from shouhu.registry import hooks
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to
from shouhu.rules import dropout as D
from shouhu.rules.categories import age_on

from . import dropout, selectors
from .models import Absence, DropoutCase, RosterEntry

COMPULSORY_AGES = (6, 15)  # 义务教育法 Art. 11: from six to the end of nine years of schooling
SIGN_DAYS = 30  # a visit's 辍学迹象 older than this has been answered or gone stale
REASON_MAX = 64


class AbsenceErrorCode(StrEnum):
    NOT_SCHOOL_DAY = "absence_not_school_day"
    FUTURE = "absence_future_day"
    UNKNOWN_PUPIL = "absence_unknown_pupil"


# -- the class list -----------------------------------------------------------------------------------
def absence_classes_visible_to(actor) -> QuerySet[SchoolClass]:
    """The classes whose absences the actor keeps: a head teacher's class, every class of a school
    for its staff."""
    q = NOTHING
    for a in scope_of(actor).assignments_with("records_absences"):
        if a.school_class_id:
            q |= Q(pk=a.school_class_id)
        elif a.school_id:
            q |= Q(school_id=a.school_id)
    return SchoolClass.objects.filter(q).select_related("school").order_by("school__name", "grade", "name")


def absence_class_for(actor, pk) -> SchoolClass:
    try:
        return absence_classes_visible_to(actor).get(pk=int(pk))
    except (ValueError, TypeError, SchoolClass.DoesNotExist):
        raise NotFound("未找到该班级") from None


@dataclass
class Pupil:
    key: str
    name: str
    birth_date: date | None
    child: Child | None = None
    on_roster: bool = True
    # filled for the page: today's mark (None: 在校; True: 请假; False: 旷课), its reason, the streak
    excused: bool | None = None
    reason: str = ""
    streak: int = 0
    extra: dict = field(default_factory=dict)


def _key(index: str | None, *, school_id, name: str, birth_date) -> str:
    return index or dropout.pupil_key(school_id=school_id, name=name, birth_date=birth_date)


def class_pupils(actor, school_class: SchoolClass) -> list[Pupil]:
    """The class list: the roster's pupils of the class (在读), then the registered children of the
    class the roster does not have; each with its `pupil_key` and the child record matched (by ID
    number, else name and birth date). The same 404 for a class not the actor's."""
    school_class = absence_class_for(actor, school_class.pk)
    school_id = school_class.school_id
    entries = list(RosterEntry.objects.filter(school_class=school_class, status="在读")
                   .order_by("row_no").values_list("id_number_index", "name", "birth_date"))
    kids = list(children_visible_to(actor).filter(school_class=school_class, status=Child.Status.ACTIVE, merged_into__isnull=True)
                .order_by("name_pinyin", "id"))
    by_index = {c.id_number_index: c for c in kids if c.id_number_index}
    by_nb = {(c.name, c.birth_date): c for c in kids}
    out, used = [], set()
    for index, name, birth in entries:
        child = by_index.get(index) if index else None
        child = child or by_nb.get((name, birth))
        if child is not None:
            used.add(child.pk)
        key = _key(index or (child.id_number_index if child else None), school_id=school_id, name=name, birth_date=birth)
        out.append(Pupil(key=key, name=name, birth_date=birth, child=child))
    for c in kids:
        if c.pk not in used:
            out.append(Pupil(key=_key(c.id_number_index, school_id=school_id, name=c.name, birth_date=c.birth_date), name=c.name,
                             birth_date=c.birth_date, child=c, on_roster=False))
    seen, unique = set(), []
    for p in out:  # a roster listing a pupil twice: one row
        if p.key not in seen:
            seen.add(p.key)
            unique.append(p)
    return unique


def class_label(school_class: SchoolClass) -> str:
    return f"{format_grade(school_class.grade)}{school_class.name}"


def _marks_of(keys, *, school: School, through: date, days: int) -> dict[str, dict[date, bool]]:
    out: dict[str, dict[date, bool]] = defaultdict(dict)
    for key, day, excused in (Absence.objects.filter(school=school, pupil_key__in=list(keys), day__gt=through - timedelta(days=days),
                                                     day__lte=through).values_list("pupil_key", "day", "excused")):
        out[key][day] = excused
    return out


def window_days(settings: D.DropoutSettings) -> int:
    """How far back the absences are read: the streak's school days with their weekends, a
    holiday week, and room to show a streak longer than the threshold."""
    return max(40, settings.streak_days * 2 + 21)


def class_day(actor, school_class: SchoolClass, day: date, *, settings: D.DropoutSettings | None = None) -> list[Pupil]:
    """The class list with each pupil's mark of `day` and unexcused streak through it."""
    settings = settings or dropout.dropout_settings()
    pupils = class_pupils(actor, school_class)
    marks = _marks_of([p.key for p in pupils], school=school_class.school, through=day, days=window_days(settings))
    reasons = dict(Absence.objects.filter(school=school_class.school, day=day, pupil_key__in=[p.key for p in pupils])
                   .values_list("pupil_key", "reason"))
    for p in pupils:
        m = marks.get(p.key, {})
        p.excused = m.get(day)
        p.reason = reasons.get(p.key, "")
        p.streak = D.unexcused_streak(m, through=day, calendar=settings.calendar).days
    return pupils


# -- recording a day ----------------------------------------------------------------------------------
def absences_record(*, actor, school_class: SchoolClass, day: date, marks: dict, request=None, now=None) -> list[Pupil]:
    """Replace the class's marks of `day` with `marks` ({pupil_key: (excused, reason)}: the pupils
    absent; a pupil left out is present). Not a future day, only a school day of the county's
    calendar. After the commit, a streak at the county's threshold opens a case. Returns the class
    list with the new marks and streaks."""
    now = now or timezone.now()
    school_class = absence_class_for(actor, school_class.pk)
    settings = dropout.dropout_settings()
    if day > timezone.localdate(now):
        raise ServiceError("不能登记今后的日期", code=AbsenceErrorCode.FUTURE, field="day")
    if not settings.calendar.is_school_day(day):
        raise ServiceError("这一天不是上学日（周末、节假日或假期），无需登记考勤", code=AbsenceErrorCode.NOT_SCHOOL_DAY, field="day")
    pupils = {p.key: p for p in class_pupils(actor, school_class)}
    unknown = set(marks) - set(pupils)
    if unknown:
        raise ServiceError("名单已变化，请刷新后重新登记", code=AbsenceErrorCode.UNKNOWN_PUPIL, field="marks")
    rows = []
    for key, (excused, reason) in marks.items():
        p = pupils[key]
        reason = (reason or "").strip()
        if len(reason) > REASON_MAX:
            raise ServiceError(f"原因不超过{REASON_MAX}字", code=ErrorCode.INVALID, field=f"reason-{key}")
        rows.append(Absence(school=school_class.school, school_class=school_class, pupil_key=key, child=p.child, name=p.name[:32], day=day,
                            excused=bool(excused), reason=reason, recorded_by=actor))
    with transaction.atomic():
        # the class's day, and its pupils' rows of the day under another class (a pupil moved class)
        Absence.objects.filter(school=school_class.school, day=day).filter(Q(school_class=school_class) | Q(pupil_key__in=list(pupils))).delete()
        Absence.objects.bulk_create(rows)
        unexcused = sum(1 for r in rows if not r.excused)
        # numbers only: the names are the page's, not the log's (docs/domain.md, "Privacy")
        log_access(actor=actor, action="list", scope="考勤", request=request,
                   detail=f"登记缺勤 {school_class.school.name}{class_label(school_class)} {day:%Y-%m-%d}：旷课{unexcused}人，请假{len(rows) - unexcused}人")
        keys = [r.pupil_key for r in rows if not r.excused]
        if keys:
            transaction.on_commit(lambda: open_absence_cases(keys=keys, through=day, school=school_class.school))
    return class_day(actor, school_class, day, settings=settings)


# -- opening cases ------------------------------------------------------------------------------------
class _Answered:
    """Which pupils already have their case: an open one, or one closed on or after a date (the
    fact that would open a new one is older than the answer)."""

    def __init__(self):
        self.open_keys, self.open_children = set(), set()
        self.closed_keys: dict[str, date] = {}
        self.closed_children: dict[int, date] = {}
        for key, child_id, state, entered in DropoutCase.objects.values_list("pupil_key", "child_id", "state", "entered_on").iterator(2000):
            if state != "closed":
                if key:
                    self.open_keys.add(key)
                if child_id:
                    self.open_children.add(child_id)
                continue
            if key and entered > self.closed_keys.get(key, date.min):
                self.closed_keys[key] = entered
            if child_id and entered > self.closed_children.get(child_id, date.min):
                self.closed_children[child_id] = entered

    def has(self, key: str, child_id: int | None, since: date | None = None) -> bool:
        if key in self.open_keys or (child_id and child_id in self.open_children):
            return True
        if since is None:
            return False
        return self.closed_keys.get(key, date.min) >= since or (bool(child_id) and self.closed_children.get(child_id, date.min) >= since)

    def add(self, key: str, child_id: int | None) -> None:
        self.open_keys.add(key)
        if child_id:
            self.open_children.add(child_id)


def _open(answered: _Answered, *, trigger: str, key: str, child_id: int | None, since: date | None, on: date,
          settings: D.DropoutSettings, children: dict, **kw) -> bool:
    if answered.has(key, child_id, since):
        return False
    try:
        dropout.dropout_open(trigger=trigger, key=key, child=children.get(child_id) if child_id else None, on=on, settings=settings, **kw)
    except ServiceError:  # opened meanwhile (a page, another run): the pupil has a case, as wanted
        return False
    answered.add(key, child_id)
    return True


def _children(ids) -> dict[int, Child]:
    ids = sorted({i for i in ids if i})
    out = {}
    for i in range(0, len(ids), 2000):
        out.update(Child.objects.select_related("school", "school_class").in_bulk(ids[i:i + 2000]))
    return out


def absence_streaks(*, through: date, settings: D.DropoutSettings, keys=None, school: School | None = None) -> list[dict]:
    """The pupils whose unexcused streak through `through` reaches the county's threshold, read in
    bulk from the absences of the last few weeks: [{key, streak, since, school_id, school_class_id,
    child_id, name}]."""
    qs = Absence.objects.filter(day__gt=through - timedelta(days=window_days(settings)), day__lte=through)
    if keys is not None:
        qs = qs.filter(pupil_key__in=list(keys))
    if school is not None:
        qs = qs.filter(school=school)
    last = next(settings.calendar.school_days_back(through), None)
    if last is None:
        return []
    marks: dict[str, dict[date, bool]] = defaultdict(dict)
    latest: dict[str, tuple] = {}
    for key, day, excused, school_id, class_id, child_id, name in qs.values_list("pupil_key", "day", "excused", "school_id",
                                                                                   "school_class_id", "child_id", "name").iterator(5000):
        marks[key][day] = excused
        if key not in latest or day >= latest[key][0]:
            latest[key] = (day, school_id, class_id, child_id, name)
    out = []
    for key, m in marks.items():
        if m.get(last) is not False:  # the streak runs through the last school day, unexcused
            continue
        streak = D.unexcused_streak(m, through=through, calendar=settings.calendar)
        if streak.days >= settings.streak_days:
            _, school_id, class_id, child_id, name = latest[key]
            out.append({"key": key, "streak": streak.days, "since": streak.since, "school_id": school_id, "school_class_id": class_id,
                        "child_id": child_id, "name": name})
    return out


def _open_streaks(rows: list[dict], *, answered: _Answered, on: date, settings: D.DropoutSettings) -> int:
    children = _children(r["child_id"] for r in rows)
    schools = School.objects.in_bulk({r["school_id"] for r in rows})
    classes = SchoolClass.objects.in_bulk({r["school_class_id"] for r in rows if r["school_class_id"]})
    n = 0
    for r in rows:
        cls = classes.get(r["school_class_id"])
        n += _open(answered, trigger="absence", key=r["key"], child_id=r["child_id"], since=r["since"], on=on, settings=settings,
                   children=children, school=schools[r["school_id"]], school_class=cls, name=r["name"],
                   class_label=class_label(cls) if cls else "", streak=r["streak"])
    return n


def open_absence_cases(*, keys, through: date, school: School) -> int:
    """After a class's day is saved: its pupils whose streak reached the threshold get a case."""
    settings = dropout.dropout_settings()
    rows = absence_streaks(through=through, settings=settings, keys=keys, school=school)
    if not rows:
        return 0
    return _open_streaks(rows, answered=_Answered(), on=max(through, timezone.localdate()), settings=settings)


def _roster_cases(*, answered: _Answered, on: date, settings: D.DropoutSettings) -> int:
    """Roster entries 辍学 or 休学 (a case opened after the roster was uploaded, and closed since,
    answered it)."""
    entries = list(RosterEntry.objects.filter(status__in=("辍学", "休学")).select_related("school", "school_class", "roster")
                   .only("id", "name", "birth_date", "id_number_index", "school", "school_class", "grade", "class_name", "roster__uploaded_at"))
    if not entries:
        return 0
    indexes = [e.id_number_index for e in entries if e.id_number_index]
    by_index = dict(Child.objects.filter(id_number_index__in=indexes, merged_into__isnull=True).values_list("id_number_index", "id"))
    names = {e.name for e in entries}
    by_nb = {(s, n, b): i for i, s, n, b in Child.objects.filter(name__in=names, merged_into__isnull=True)
             .values_list("id", "school_id", "name", "birth_date")}
    matched = {e.pk: by_index.get(e.id_number_index) or by_nb.get((e.school_id, e.name, e.birth_date)) for e in entries}
    children = _children(matched.values())
    n = 0
    for e in entries:
        key = _key(e.id_number_index, school_id=e.school_id, name=e.name, birth_date=e.birth_date)
        n += _open(answered, trigger="roster", key=key, child_id=matched[e.pk], since=timezone.localdate(e.roster.uploaded_at), on=on,
                   settings=settings, children=children, school=e.school, school_class=e.school_class, name=e.name,
                   birth_date=e.birth_date, class_label=e.class_label)
    return n


def _unrostered_cases(*, answered: _Answered, today: date, on: date, settings: D.DropoutSettings) -> int:
    """Registered children of compulsory-school age at a school whose roster does not have them
    (人籍一致, "registered but not on the roster": `selectors.off_roster`)."""
    young, old = COMPULSORY_AGES
    kids = (Child.objects.filter(status=Child.Status.ACTIVE, merged_into__isnull=True, school__isnull=False,
                                 birth_date__gt=today - timedelta(days=366 * (old + 1)), birth_date__lte=today - timedelta(days=365 * young))
            .values("id", "school_id", "name", "birth_date", "id_number_index"))
    rows = [k for k in selectors.off_roster(kids) if young <= age_on(k["birth_date"], today) <= old]
    if not rows:
        return 0
    uploaded = selectors.roster_dates({r["school_id"] for r in rows})
    children = _children(r["id"] for r in rows)
    n = 0
    for r in rows:
        child = children[r["id"]]
        key = _key(r["id_number_index"], school_id=r["school_id"], name=r["name"], birth_date=r["birth_date"])
        n += _open(answered, trigger="unrostered", key=key, child_id=r["id"], since=uploaded.get(r["school_id"]), on=on,
                   settings=settings, children=children, school=child.school, school_class=child.school_class,
                   class_label=class_label(child.school_class) if child.school_class_id else "")
    return n


def open_visit_cases(child_ids=None, *, today: date, settings: D.DropoutSettings | None = None, answered: _Answered | None = None) -> int:
    """Children whose home visit in the last `SIGN_DAYS` days noted 辍学迹象 (the `dropout_sign` fact
    of the care app, read through the registry's fact hooks): all of them (`child_ids` None: the
    nightly), or these."""
    if child_ids is None:
        signs = hooks.children_with_fact("dropout_sign", today=today)
    else:
        signs = {i: f["dropout_sign"] for i, f in hooks.child_facts(list(child_ids), today=today).items() if f.get("dropout_sign")}
    if not signs:
        return 0
    settings = settings or dropout.dropout_settings()
    answered = answered or _Answered()
    children = _children(signs)
    n = 0
    for child_id, (_visit_id, on_visit) in sorted(signs.items()):
        child = children.get(child_id)
        if child is None or child.status != Child.Status.ACTIVE or child.merged_into_id or child.school_id is None:
            continue  # a child with no school: no school to bring them back to; the visit's own follow-up
        key = _key(child.id_number_index, school_id=child.school_id, name=child.name, birth_date=child.birth_date)
        n += _open(answered, trigger="visit", key=key, child_id=child_id, since=on_visit, on=today, settings=settings, children=children,
                   school=child.school, school_class=child.school_class,
                   class_label=class_label(child.school_class) if child.school_class_id else "", note=f"走访发现辍学迹象（{on_visit:%m-%d}）")
    return n


def open_due_cases(*, today: date | None = None) -> dict[str, int]:
    """The nightly: open the cases due by each trigger; a second run opens nothing. Streaks run
    through yesterday — the nightly runs after midnight, before today's marks are in."""
    today = today or timezone.localdate()
    settings = dropout.dropout_settings()
    answered = _Answered()
    counts = {"absence": _open_streaks(absence_streaks(through=today - timedelta(days=1), settings=settings), answered=answered, on=today,
                                       settings=settings)}
    counts["roster"] = _roster_cases(answered=answered, on=today, settings=settings)
    counts["unrostered"] = _unrostered_cases(answered=answered, today=today, on=today, settings=settings)
    counts["visit"] = open_visit_cases(today=today, settings=settings, answered=answered)
    return counts
