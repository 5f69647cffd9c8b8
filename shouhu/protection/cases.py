"""Protection cases (个案; docs/domain.md, "Emergency response", "Assessment and help"): opening
one from a red alert or a mandatory report, moving it through the steps of `rules.cases` with
their data (placement, assessment and risk, the plan's services, approvals by someone other than
the one who asked), who may read it — those who handle cases at the child's place, and a county
user for a written reason (break-the-glass) — and who is told: the handlers of a new case, of a
request awaiting approval and of a passed deadline; the requester of the answer."""
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from shouhu.accounts.models import Assignment
from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.core.errors import Conflict, ErrorCode, NotFound, ServiceError
from shouhu.notify.services import Message, notify_many
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to
from shouhu.rules import cases as C

from . import selectors, services
from .models import Alert, AlertSetting, CaseAccess, CaseStep, MandatoryReport, PlanItem, ProtectionCase
from .selectors import handles

GLASS_HOURS = 8  # a break-the-glass read lasts a working day
HANDLER_ROLES = tuple(code for code, r in ROLES.items() if r.handles_cases)


class CaseErrorCode(StrEnum):
    OPEN_CASE = "case_already_open"  # the child has a case in progress
    STEP = "case_step"  # the action does not fit the case's step (or an approval by the requester)
    NO_CASE = "no_case"  # break-the-glass on a child without a case


def cases_handled_by(actor) -> QuerySet[ProtectionCase]:
    """Need to know: the cases of the children at the places the actor handles cases for."""
    scope = scope_of(actor)
    q = NOTHING
    for a in scope.assignments_with("handles_cases"):
        q |= scope.assignment_children_q(a, "child_id")
    return ProtectionCase.objects.filter(q)


def cases_readable_by(actor, *, now: datetime | None = None) -> QuerySet[ProtectionCase]:
    """Those the actor handles, and those the actor opened by break-the-glass that have not lapsed."""
    glass = CaseAccess.objects.filter(user=actor, until__gt=now or timezone.now()).values("case_id")
    return ProtectionCase.objects.filter(Q(pk__in=cases_handled_by(actor).values("pk")) | Q(pk__in=glass))


def case_for(actor, pk, *, read_only: bool = False) -> ProtectionCase:
    """The case if the actor works it (or, `read_only`, reads it by break-the-glass); the same 404
    for missing and out of sight."""
    qs = cases_readable_by(actor) if read_only else cases_handled_by(actor)
    try:
        return qs.select_related("child__village__parent").get(pk=int(pk))
    except (ValueError, TypeError, ProtectionCase.DoesNotExist):
        raise NotFound("个案不存在") from None


def actions_for(actor, case: ProtectionCase) -> list[str]:
    """The step's actions this actor may take: an approval is never the requester's."""
    return [a for a in C.allowed_actions(case.state) if not (C.ACTIONS[a][2] and case.requested_by_id == actor.pk)]


def handler_users(cases: list[ProtectionCase]) -> dict[int, list]:
    """For each case, the active users who handle cases at its place (the township's supervisors,
    the county's protection staff): {case pk: [users]}, one query."""
    codes = {c.pk: {c.village_code[:6], c.village_code[:9], c.village_code} for c in cases}
    rows = (Assignment.objects.filter(role__in=HANDLER_ROLES, user__is_active=True,
                                      region__code__in=set().union(*codes.values()) if codes else set())
            .select_related("user", "region"))
    by_code: dict[str, list] = {}
    for a in rows:
        by_code.setdefault(a.region.code, []).append(a.user)
    return {pk: [u for code in place for u in by_code.get(code, [])] for pk, place in codes.items()}


def _tell(case: ProtectionCase, users, kind: str, what: str, *, but=None) -> int:
    users = [u for u in users if but is None or u.pk != but.pk]
    return notify_many([Message(users, kind, f"{what}：{case.child.name} · 个案 #{case.pk}", reverse("protection:case", args=[case.pk]),
                                f"您有1件保护个案{what}，请登录守护查看")])


def _tell_handlers(case: ProtectionCase, kind: str, what: str, *, but=None) -> int:
    return _tell(case, handler_users([case])[case.pk], kind, what, but=but)


def _timer(case: ProtectionCase) -> None:
    due = C.due(case.state, opened=case.opened_at, entered=case.entered_at, settings=AlertSetting.case_settings())
    case.due_kind, case.due_at = due if due else ("", None)


@transaction.atomic
def case_open(*, actor, child: Child, alert: Alert | None = None, report: MandatoryReport | None = None, note: str = "",
              now: datetime | None = None) -> ProtectionCase:
    """立案. From an alert, that alert is acted on ("开立个案"); from a report, the report is 已立案."""
    now = now or timezone.now()
    if not children_visible_to(actor, flag="handles_cases").filter(pk=child.pk).exists():
        raise NotFound("未找到该儿童")
    if alert is not None and alert.child_id != child.pk:
        raise ServiceError("预警与儿童不符", code=ErrorCode.INVALID, field="alert")
    if report is None and alert is not None and alert.key.startswith("report:"):  # the alert a report raised: the case is the report's
        report = MandatoryReport.objects.filter(pk=int(alert.key.removeprefix("report:")), child=child).first()
        report = report if report is not None and handles(actor, report) else None
    if ProtectionCase.objects.filter(child=child).exclude(state__in=["closed", "revisited"]).exists():
        raise Conflict("该儿童已有进行中的个案", code=CaseErrorCode.OPEN_CASE)
    case = ProtectionCase(child=child, opened_at=now, entered_at=now, opened_by=actor, alert=alert, report=report,
                          village_code=child.village_code, township_code=child.township_code, school_id=child.school_id,
                          school_class_id=child.school_class_id)
    _timer(case)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:  # opened by someone else a moment ago
        raise Conflict("该儿童已有进行中的个案", code=CaseErrorCode.OPEN_CASE) from None
    CaseStep.objects.create(case=case, action="open", state=case.state, at=now, by=actor, note=note.strip())
    if alert is not None and alert.active:
        services.alert_act(actor=actor, alert=alert, action="开立个案", note=f"个案 #{case.pk}", now=now, by_case=True)
    if report is not None:
        if not handles(actor, report):
            raise NotFound("报告不存在")
        MandatoryReport.objects.filter(pk=report.pk).update(status=MandatoryReport.Status.CASE, child=child)
    _tell_handlers(case, "case", "新立个案", but=actor)
    return case


@transaction.atomic
def case_act(*, actor, case: ProtectionCase, action: str, note: str = "", placement: str = "", risk: str = "",
             assessment: str = "", now: datetime | None = None) -> ProtectionCase:
    """One action of `rules.cases.ACTIONS`, with the data its step needs."""
    now = now or timezone.now()
    try:
        case = cases_handled_by(actor).select_for_update().get(pk=case.pk)
    except ProtectionCase.DoesNotExist:
        raise NotFound("个案不存在") from None
    needs_approval = action in C.ACTIONS and C.ACTIONS[action][2]
    try:
        target = C.apply(case.state, action, actor_is_requester=needs_approval and case.requested_by_id == actor.pk)
    except C.CaseRuleError as e:
        raise ServiceError(str(e), code=CaseErrorCode.STEP, field="action") from None
    if action == "place":
        if placement not in C.PLACEMENTS:
            raise ServiceError("请选择安置方式", code=ErrorCode.REQUIRED, field="placement")
        case.placement = placement
    if action == "assess":
        if risk not in C.RISK_LEVELS:
            raise ServiceError("请选择风险等级", code=ErrorCode.REQUIRED, field="risk")
        if not assessment.strip():
            raise ServiceError("请写明安全处境、监护情况和身心健康的评估", code=ErrorCode.REQUIRED, field="assessment")
        case.risk, case.assessment = risk, assessment.strip()
        note = f"风险{risk}" + (f"；{note.strip()}" if note.strip() else "")
    if action == "submit_plan" and not case.plan.exists():
        raise ServiceError("请先添加帮扶计划中的服务", code=ErrorCode.REQUIRED, field="plan")
    if action in ("return_plan", "return_close") and not note.strip():
        raise ServiceError("退回时请写明原因", code=ErrorCode.REQUIRED, field="note")
    requester = case.requested_by if needs_approval else None
    if action in ("submit_plan", "request_close"):
        case.requested_by = actor
    elif needs_approval:
        case.requested_by = None
    case.state = target
    case.entered_at = now
    _timer(case)
    case.save()
    CaseStep.objects.create(case=case, action=action, state=target, at=now, by=actor, note=note.strip())
    if action in TELL:
        who, what = TELL[action]
        if who == "handlers":
            _tell_handlers(case, "approval", what, but=actor)
        elif requester is not None:
            _tell(case, [requester], "approval", what)
    return case


# who hears of an approval step, and what
TELL = {"submit_plan": ("handlers", "帮扶计划待审批"), "request_close": ("handlers", "结案申请待审批"),
        "approve_plan": ("requester", "帮扶计划已批准"), "return_plan": ("requester", "帮扶计划被退回"),
        "approve_close": ("requester", "结案已批准，请按时回访"), "return_close": ("requester", "结案申请被退回")}


@transaction.atomic
def plan_item_add(*, actor, case: ProtectionCase, service: str, unit: str, owner: str, due: date | None,
                  now: datetime | None = None) -> PlanItem:
    case = case_for(actor, case.pk)
    if case.state not in ("assessed", "following"):
        raise ServiceError("评估之后才能制定帮扶计划", code=CaseErrorCode.STEP, field="service")
    if service not in C.SERVICES:
        raise ServiceError("请选择服务", code=ErrorCode.REQUIRED, field="service")
    for value, field, label in ((unit, "unit", "责任单位"), (owner, "owner", "责任人")):
        if not value.strip():
            raise ServiceError(f"请填写{label}", code=ErrorCode.REQUIRED, field=field)
    if due is None:
        raise ServiceError("请填写完成时限", code=ErrorCode.REQUIRED, field="due")
    item = PlanItem.objects.create(case=case, service=service, unit=unit.strip()[:64], owner=owner.strip()[:32], due=due)
    CaseStep.objects.create(case=case, action="plan", state=case.state, at=now or timezone.now(), by=actor,
                            note=f"{service}：{item.unit} {item.owner}，{due:%Y-%m-%d}前")
    return item


@transaction.atomic
def plan_item_done(*, actor, item_id, result: str = "", now: datetime | None = None) -> PlanItem:
    """A service of the plan carried out, with what came of it."""
    now = now or timezone.now()
    try:
        item = PlanItem.objects.select_for_update().select_related("case").get(pk=int(item_id), case__in=cases_handled_by(actor))
    except (ValueError, TypeError, PlanItem.DoesNotExist):
        raise NotFound("服务不存在") from None
    if item.status == PlanItem.Status.DONE:
        return item
    if item.case.state != "following":  # a service is carried out once its plan is approved, and while the case is followed
        raise ServiceError("帮扶计划批准后、结案前才能记录服务完成", code=CaseErrorCode.STEP, field="result")
    if not result.strip():
        raise ServiceError("请写明完成情况", code=ErrorCode.REQUIRED, field="result")
    item.status, item.done_at, item.done_by, item.result = PlanItem.Status.DONE, now, actor, result.strip()
    item.save()
    CaseStep.objects.create(case_id=item.case_id, action="plan_done", state=item.case.state, at=now, by=actor,
                            note=f"{item.service}：{item.result}")
    return item


def escalate_cases(*, now: datetime | None = None) -> int:
    """Cases whose step's deadline passed: the timeline says so and the handlers of the place (the
    township's supervisors and the county's protection staff) are told — once per deadline, so a
    second run changes nothing. Returns how many were announced."""
    now = now or timezone.now()
    with transaction.atomic():
        late = list(ProtectionCase.objects.select_for_update().filter(due_at__lt=now)
                    .exclude(late_for__isnull=False, late_for=F("due_at")))
        if not late:
            return 0
        names = dict(Child.objects.filter(pk__in={c.child_id for c in late}).values_list("pk", "name"))
        users = handler_users(late)
        steps = []
        for c in late:
            what = C.DUE_LABELS.get(c.due_kind, c.due_kind)
            steps.append(CaseStep(case=c, action="overdue", state=c.state, at=now, note=f"{what}已超过时限（{timezone.localtime(c.due_at):%m-%d %H:%M}）"))
            c.late_for = c.due_at
        ProtectionCase.objects.bulk_update(late, ["late_for"], batch_size=500)
        CaseStep.objects.bulk_create(steps)
        notify_many(Message(users[c.pk], "escalation", f"个案逾期未{C.DUE_LABELS.get(c.due_kind, '')}：{names.get(c.child_id, '')} · 个案 #{c.pk}",
                            reverse("protection:case", args=[c.pk]), "您有1件保护个案已超过时限，请登录守护查看") for c in late)
    return len(late)


# -- break-the-glass --------------------------------------------------------------------------------
def glass_case_of(actor, child_id) -> ProtectionCase:
    """The child's latest case, for a county user who may break the glass and sees the child; the
    same 404 for no child, no case and no right."""
    if not scope_of(actor).has("breaks_glass"):
        raise NotFound("个案不存在")
    case = (ProtectionCase.objects.filter(child__in=children_visible_to(actor, flag="breaks_glass"), child_id=child_id)
            .order_by("-opened_at").first())
    if case is None:
        raise NotFound("个案不存在")
    return case


@transaction.atomic
def case_glass(*, actor, case: ProtectionCase, reason: str, now: datetime | None = None) -> CaseAccess:
    """紧急查阅: read a case one does not work, with a written reason, for a working day. The case's
    handlers are told who and why (on the timeline); the view logs the reads."""
    now = now or timezone.now()
    case = glass_case_of(actor, case.child_id)
    reason = reason.strip()
    if len(reason) < 5:
        raise ServiceError("请写明查阅理由（至少5个字）", code=ErrorCode.REQUIRED, field="reason")
    access = CaseAccess.objects.create(case=case, user=actor, reason=reason, at=now, until=now + timedelta(hours=GLASS_HOURS))
    CaseStep.objects.create(case=case, action="glass", state=case.state, at=now, by=actor, note=reason)
    _tell_handlers(case, "glass", f"{actor} 紧急查阅了个案", but=actor)
    return access


def child_cases(actor, child) -> dict:
    """For the child's page: the child's cases the reader works, whether they may open one, and
    whether a county user who works none may break the glass."""
    scope = scope_of(actor)
    mine = list(cases_handled_by(actor).filter(child=child).order_by("-opened_at")[:5]) if scope.has("handles_cases") else []
    glass = not mine and scope.has("breaks_glass") and ProtectionCase.objects.filter(child=child).exists()
    return {"cases": mine, "glass": glass, "can_open": scope.has("handles_cases") and not any(c.is_open for c in mine)}


def case_filters(user, now) -> dict:
    """The list's filters: (label, condition), shared by the page and the API."""
    return {"open": ("进行中", Q(state__in=C.OPEN_STATES)),
            "late": ("已逾期", Q(state__in=C.OPEN_STATES, due_at__lt=now)),
            "approval": ("待我审批", Q(state__in=C.APPROVAL_STATES) & ~Q(requested_by=user)),
            "revisit": ("待回访", Q(state="closed")),
            "ended": ("已结案", Q(state__in=("closed", "revisited"))),
            "all": ("全部", Q())}


def filtered_cases(user, status: str, *, now=None):
    now = now or timezone.now()
    filters = case_filters(user, now)
    status = status if status in filters else "open"
    qs = cases_handled_by(user).filter(filters[status][1])
    return qs.order_by(F("due_at").asc(nulls_last=True), "-opened_at", "-id"), status, filters


# -- the figures ------------------------------------------------------------------------------------
def case_counts(actor) -> dict[str, int]:
    """Cases by step among the children the actor's counting roles reach (inspectors: counts only)."""
    q = scope_of(actor).children_q_with("case_counts", "child_id")
    rows = ProtectionCase.objects.filter(q).values("state").annotate(n=Count("*")).order_by()
    counts = dict.fromkeys(C.STATES, 0)
    counts.update({r["state"]: r["n"] for r in rows})
    return counts


def case_summary(actor, *, now: datetime | None = None) -> dict[str, int]:
    """The case worker's card: cases in progress, those past a deadline, those awaiting the actor's approval."""
    now = now or timezone.now()
    qs = cases_handled_by(actor).filter(state__in=C.OPEN_STATES)
    return qs.aggregate(open=Count("id"), late=Count("id", filter=Q(due_at__lt=now)),
                        approve=Count("id", filter=Q(state__in=C.APPROVAL_STATES) & ~Q(requested_by=actor)))


def open_cases_by_unit(*, village_range: tuple[str, str], unit_length: int, now: datetime | None = None) -> dict[str, dict[str, int]]:
    """{unit: {"open", "late", age band…}} of the cases in progress placed in `village_range`: counts
    for the leaders' screen (never a case; ages from the opening, `selectors.AGE_BANDS`)."""
    now = now or timezone.now()
    rows = (ProtectionCase.objects.filter(village_code__range=village_range, state__in=C.OPEN_STATES)
            .annotate(unit=Substr("village_code", 1, unit_length)).values("unit")
            .annotate(open=Count("*"), late=Count("pk", filter=Q(due_at__lt=now)), **selectors.age_counts("opened_at", now)).order_by())
    return {r.pop("unit"): r for r in rows}
