"""控辍保学 services (docs/domain.md, "Keeping children in school"; the steps are `rules.dropout`):
the county's calendar and settings, who sees a suspected-dropout case (the school's staff and the
pupil's head teacher, the township's supervisor, the village's child director when the pupil is
registered there, county education — never volunteers or statistics-only roles), opening a case,
moving it through the steps with their data, and the clock: a passed deadline is told once to the
school and the township (and county education once the school has reported)."""
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from shouhu.accounts.models import Assignment
from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import scope_of
from shouhu.core.crypto import blind, normalise_id
from shouhu.core.errors import Conflict, ErrorCode, NotFound, ServiceError
from shouhu.notify.services import Message, notify_many
from shouhu.regions.models import School, SchoolClass
from shouhu.registry.models import Child
from shouhu.registry.signals import facts_changed
from shouhu.rules import dropout as D

from .models import CalendarDay, DropoutCase, DropoutSetting, DropoutStep, SchoolBreak

WORK_ROLES = tuple(code for code, r in ROLES.items() if r.dropout_work)


class DropoutErrorCode(StrEnum):
    OPEN_CASE = "dropout_case_open"  # the pupil has a case in progress
    STEP = "dropout_step"  # the action does not fit the case's step


# -- settings and calendar ----------------------------------------------------------------------------
def dropout_settings() -> D.DropoutSettings:
    row = DropoutSetting.objects.order_by("pk").first() or DropoutSetting()
    days = list(CalendarDay.objects.values_list("day", "kind"))
    calendar = D.SchoolCalendar(holidays=frozenset(d for d, k in days if k == CalendarDay.Kind.HOLIDAY),
                                makeup_days=frozenset(d for d, k in days if k == CalendarDay.Kind.MAKEUP),
                                breaks=tuple(SchoolBreak.objects.values_list("start", "end")))
    return D.DropoutSettings(streak_days=row.streak_days, attempts_days=row.attempts_days, report_working_days=row.report_working_days,
                             township_working_days=row.township_working_days, calendar=calendar)


def term_end(on: date) -> date:
    """The last day of the term `on` falls in: the day before the next break (about four months on
    if the county has not entered its breaks)."""
    nxt = SchoolBreak.objects.filter(start__gt=on).order_by("start").values_list("start", flat=True).first()
    return nxt - timedelta(days=1) if nxt else on + timedelta(days=120)


def pupil_key(*, id_number: str = "", school_id=None, name: str = "", birth_date: date | None = None) -> str:
    """A pupil's lasting key: the keyed index of the ID number (the registry's and the roster's
    `id_number_index`), else of the school, name and birth date. Never the number itself."""
    if id_number:
        return blind(normalise_id(id_number)) or ""
    return blind(f"{school_id}|{name.strip()}|{birth_date or ''}", purpose="pupil") or ""


# -- who sees what ------------------------------------------------------------------------------------
def dropout_cases_visible_to(actor) -> QuerySet[DropoutCase]:
    """Through the roles that work 控辍保学 (`Role.dropout_work`), by the same lines as children: a
    region's villages (a pupil not on the register is placed at the school's township), a county's
    schools, a school, a class."""
    return DropoutCase.objects.filter(scope_of(actor).children_q_with("dropout_work", "child_id"))


def dropout_case_for(actor, pk) -> DropoutCase:
    try:
        return dropout_cases_visible_to(actor).select_related("school__township", "school_class", "child").get(pk=int(pk))
    except (ValueError, TypeError, DropoutCase.DoesNotExist):
        raise NotFound("个案不存在") from None


def workers(cases: list[DropoutCase], *, county: bool = False) -> dict[int, list]:
    """For each case, the active users to tell: the school's staff and the pupil's head teacher, the
    township's supervisors (and county education, `county`). One query."""
    schools = {c.school_id for c in cases if c.school_id}
    classes = {c.school_class_id for c in cases if c.school_class_id}
    codes = {c.township_code for c in cases} | ({c.township_code[:6] for c in cases} if county else set())
    rows = (Assignment.objects.filter(role__in=WORK_ROLES, user__is_active=True)
            .filter(Q(school_id__in=schools) | Q(school_class_id__in=classes) | Q(region__code__in=codes))
            .select_related("user", "region"))
    out: dict[int, list] = {c.pk: [] for c in cases}
    for a in rows:
        role = ROLES[a.role]
        for c in cases:
            if ((a.school_id and a.school_id == c.school_id and role.reach == "school")
                    or (a.school_class_id and a.school_class_id == c.school_class_id)
                    or (a.region_id and a.region.code == c.township_code and role.line == "admin")
                    or (county and a.region_id and a.region.code == c.township_code[:6] and role.line == "education")):
                out[c.pk].append(a.user)
    return out


def _tell(cases: list[DropoutCase], kind: str, what, *, county: bool = False, but=None) -> int:
    users = workers(cases, county=county)
    return notify_many(Message([u for u in users[c.pk] if but is None or u.pk != but.pk], kind, f"{what(c)}：{c.name} · 辍学个案 #{c.pk}",
                               reverse("schooling:dropout", args=[c.pk]), "您有1件控辍保学个案需要处理，请登录守护查看") for c in cases)


# the list's filters: (label, condition); 已逾期 needs today's date (`late_q`)
LIST_FILTERS = {"open": ("进行中", ~Q(state="closed")), "late": ("已逾期", None),
                "school": ("学校劝返", Q(state="school")), "reported": ("已上报", Q(state__in=("reported", "township", "legal"))),
                "returned": ("已复学跟踪", Q(state="returned")), "closed": ("已结案", Q(state="closed")), "all": ("全部", Q())}


def late_q(today: date) -> Q:
    """Open cases past a step's deadline (the list's 已逾期, the page and the API alike)."""
    return Q(due_on__lt=today) & ~Q(state="closed")


def actions_open(case: DropoutCase) -> list[str]:
    """The step's actions less the two its data holds back — the report before two failed attempts,
    closing while a follow-up is due — so the page and the API offer no dead end."""
    held = {"report"} if case.failed_attempts < D.ATTEMPTS_BEFORE_REPORT else set()
    if case.due_kind == "follow" or not case.returned_on:
        held.add("close")
    return [a for a in D.allowed_actions(case.state) if a not in held]


# -- writes -------------------------------------------------------------------------------------------
def _timer(case: DropoutCase, settings: D.DropoutSettings) -> None:
    if case.state == "returned" and case.returned_on:
        nxt = D.follow_up_due(D.follow_ups(case.returned_on, term_end(case.returned_on), settings), case.follow_ups_done)
        case.due_kind, case.due_on = ("follow", nxt) if nxt else ("", None)
        return
    if case.state == "legal" and case.legal_due:
        case.due_kind, case.due_on = "legal", case.legal_due
        return
    due = D.due(case.state, entered=case.entered_on, last_failed_attempt=case.last_attempt_on, failed_attempts=case.failed_attempts,
                settings=settings)
    case.due_kind, case.due_on = due if due else ("", None)


def place_of(*, child: Child | None, school: School | None) -> dict:
    """Where a case sits for the scope lines: the registered pupil's village, else the school's township
    (its code padded to twelve digits: inside the township's range, in no village's)."""
    if child is not None:
        return {"village_code": child.village_code, "township_code": child.township_code}
    return {"village_code": school.region_code.ljust(12, "0"), "township_code": school.region_code[:9]}


@transaction.atomic
def dropout_open(*, trigger: str, school: School | None, school_class: SchoolClass | None = None, child: Child | None = None,
                 key: str = "", name: str = "", birth_date: date | None = None, class_label: str = "", streak: int = 0,
                 on: date | None = None, actor=None, note: str = "", settings: D.DropoutSettings | None = None,
                 tell: bool = True) -> DropoutCase:
    """Open a suspected-dropout case (by the nightly check, or by hand: `actor`). Conflict when the
    pupil already has one open."""
    if trigger not in D.TRIGGERS:
        raise ServiceError("未知的来源", code=ErrorCode.INVALID, field="trigger")
    if school is None and child is None:
        raise ServiceError("请选择学校或儿童", code=ErrorCode.REQUIRED, field="school")
    on = on or timezone.localdate()
    settings = settings or dropout_settings()
    if child is not None and not key:
        key = pupil_key(id_number=child.id_number, school_id=child.school_id, name=child.name, birth_date=child.birth_date)
    if _open_for(key, child).exists():
        raise Conflict("该学生已有进行中的辍学个案", code=DropoutErrorCode.OPEN_CASE)
    case = DropoutCase(trigger=trigger, child=child, pupil_key=key, name=(name or (child.name if child else ""))[:32],
                       birth_date=birth_date or (child.birth_date if child else None), class_label=class_label[:32],
                       school=school or (child.school if child else None), school_class=school_class or (child.school_class if child else None),
                       opened_on=on, entered_on=on, streak=streak, opened_by=actor,
                       **place_of(child=child, school=school or (child.school if child else None)))
    _timer(case, settings)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise Conflict("该学生已有进行中的辍学个案", code=DropoutErrorCode.OPEN_CASE) from None
    DropoutStep.objects.create(case=case, action="open", state=case.state, on=on, at=timezone.now(), by=actor,
                               note=note or D.TRIGGERS[trigger] + (f" {streak} 个上学日" if streak else ""))
    if tell:
        _tell([case], "dropout", lambda c: "疑似辍学，请学校劝返", but=actor)
    return case


def _open_for(key: str, child: Child | None) -> QuerySet[DropoutCase]:
    q = Q(pupil_key=key) if key else Q(pk__in=[])
    if child is not None:
        q |= Q(child=child)
    return DropoutCase.objects.filter(q).exclude(state="closed")


@transaction.atomic
def dropout_act(*, actor, case: DropoutCase, action: str, on: date | None = None, mode: str = "", note: str = "",
                heads: dict | None = None, legal_step: str = "", legal_due: date | None = None, placement: str = "", outcome: str = "",
                now: datetime | None = None) -> DropoutCase:
    """One action of `rules.dropout.ACTIONS` with the data its step needs; the case must be the
    actor's to see (the same 404 otherwise)."""
    now = now or timezone.now()
    on = on or timezone.localdate(now)
    try:
        case = dropout_cases_visible_to(actor).select_for_update().get(pk=case.pk)
    except DropoutCase.DoesNotExist:
        raise NotFound("个案不存在") from None
    note = note.strip()
    heads = {k: str(v).strip()[:48] for k, v in (heads or {}).items() if k in D.SEVEN_HEADS and str(v).strip()}
    if on > timezone.localdate(now):
        raise ServiceError("日期不能晚于今天", code=ErrorCode.INVALID, field="on")
    if action in ("attempt", "report", "follow", "legal") and not note:
        raise ServiceError("请写明情况", code=ErrorCode.REQUIRED, field="note")
    if action == "attempt" and mode not in D.ATTEMPT_MODES:
        raise ServiceError("请选择劝返方式", code=ErrorCode.REQUIRED, field="mode")
    if action == "start":
        case.heads = {**case.heads, **heads}
        missing = [label for code, label in D.SEVEN_HEADS.items() if not case.heads.get(code)]
        if missing:
            raise ServiceError(f"请填写“七长”责任人：{'、'.join(missing)}", code=ErrorCode.REQUIRED, field="heads")
    if action == "legal":
        if legal_step not in D.LEGAL_STEPS:
            raise ServiceError("请选择督促措施", code=ErrorCode.REQUIRED, field="legal_step")
        if legal_step == "order" and (legal_due is None or legal_due <= on):
            raise ServiceError("请填写限期改正的截止日期（晚于通知日期）", code=ErrorCode.REQUIRED, field="legal_due")
    if action == "return" and placement not in D.PLACEMENTS:
        raise ServiceError("请选择复学安置方式", code=ErrorCode.REQUIRED, field="placement")
    if action == "resolve" and outcome not in D.OUTCOMES:
        raise ServiceError("请选择结果", code=ErrorCode.REQUIRED, field="outcome")
    settings = dropout_settings()
    done = len(D.follow_ups(case.returned_on, term_end(case.returned_on), settings)) if case.returned_on else 0
    try:
        target = D.apply(case.state, action, failed_attempts=case.failed_attempts, heads_named=bool(case.heads),
                         follow_ups_done=bool(case.returned_on) and case.follow_ups_done >= done)
    except D.DropoutRuleError as e:
        raise ServiceError(str(e), code=DropoutErrorCode.STEP, field=e.field) from None
    if action == "attempt":
        case.failed_attempts += 1
        case.last_attempt_on = on
    elif action == "legal":
        case.legal_due = legal_due if legal_step == "order" else case.legal_due
        note = f"{D.LEGAL_STEPS[legal_step]}：{note}" + (f"（{legal_due:%Y-%m-%d}前改正）" if legal_step == "order" else "")
    elif action == "return":
        case.placement, case.returned_on, case.follow_ups_done = placement, on, 0
        note = f"{placement}" + (f"：{note}" if note else "")
    elif action == "follow":
        case.follow_ups_done += 1
    elif action == "resolve":
        case.outcome = outcome
        note = D.OUTCOMES[outcome] + (f"：{note}" if note else "")
    elif action == "relapse":
        case.failed_attempts, case.last_attempt_on, case.returned_on, case.placement, case.outcome = 0, None, None, "", ""
    if target != case.state or action in ("relapse", "return"):
        case.entered_on = on
    case.state = target
    _timer(case, settings)
    case.save()
    DropoutStep.objects.create(case=case, action=action, state=target, on=on, at=now, by=actor, mode=mode if action == "attempt" else "",
                               note=note)
    if action == "report":  # the written report reaches the township and the county education bureau
        _tell([case], "dropout", lambda c: "学校书面上报疑似辍学，请乡镇启动劝返复学", county=True, but=actor)
    return case


@transaction.atomic
def dropout_missing(*, actor, case: DropoutCase, note: str, now: datetime | None = None) -> DropoutCase:
    """下落不明: the pupil cannot be found — the township and county education are told at once (the
    police station is called by phone; the note says when and who)."""
    now = now or timezone.now()
    case = dropout_case_for(actor, case.pk)
    if not note.strip():
        raise ServiceError("请写明情况及向派出所报告的时间", code=ErrorCode.REQUIRED, field="note")
    DropoutCase.objects.filter(pk=case.pk).update(whereabouts_unknown=True)
    case.whereabouts_unknown = True
    if case.child_id:  # the protection alert follows (a red alert for the township)
        transaction.on_commit(lambda: facts_changed.send(sender=DropoutCase, child_ids=[case.child_id]))
    DropoutStep.objects.create(case=case, action="missing", state=case.state, on=timezone.localdate(now), at=now, by=actor, note=note.strip())
    _tell([case], "escalation", lambda c: "学生下落不明", county=True, but=actor)
    return case


def dropout_facts(child_ids, *, today: date) -> dict[int, dict]:
    """For the early-warning rules (registered with `registry.hooks.register_facts`): a registered
    pupil with an open case whose whereabouts are unknown, since when."""
    out = {}
    rows = (DropoutCase.objects.filter(child_id__in=list(child_ids), whereabouts_unknown=True).exclude(state="closed")
            .values_list("child_id", "opened_on"))
    for child_id, opened in rows:
        out[child_id] = {"pupil_missing": opened}
    return out


def escalate_dropouts(*, today: date | None = None) -> int:
    """Cases past a step's deadline: the timeline says so and the school and the township are told
    (county education too once the school has reported) — once per deadline. Returns how many."""
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        late = list(DropoutCase.objects.select_for_update().filter(due_on__lt=today)
                    .exclude(late_for__isnull=False, late_for=F("due_on")))
        if not late:
            return 0
        steps = []
        for c in late:
            steps.append(DropoutStep(case=c, action="overdue", state=c.state, on=today, at=now,
                                     note=f"{D.DUE_LABELS.get(c.due_kind, c.due_kind)}已超过时限（{c.due_on:%m-%d}）"))
            c.late_for = c.due_on
        DropoutCase.objects.bulk_update(late, ["late_for"], batch_size=500)
        DropoutStep.objects.bulk_create(steps)
        for county in (False, True):
            part = [c for c in late if (c.state != "school") == county]
            if part:
                _tell(part, "escalation", lambda c: f"逾期未{D.DUE_LABELS.get(c.due_kind, '办理')}", county=county)
    return len(late)
