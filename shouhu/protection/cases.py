"""Protection cases (个案; docs/domain.md, "Emergency response", "Assessment and help"): opening
one from a red alert or a mandatory report, moving it through the steps of `rules.cases` with
their data (placement, assessment and risk, the plan's services, approvals by someone other than
the one who asked), and who may read it — those who handle cases at the child's place."""
from datetime import date, datetime
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.core.errors import Conflict, ErrorCode, NotFound, ServiceError
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to
from shouhu.rules import cases as C

from . import services
from .models import Alert, AlertSetting, CaseStep, MandatoryReport, PlanItem, ProtectionCase
from .selectors import handles


class CaseErrorCode(StrEnum):
    OPEN_CASE = "case_already_open"  # the child has a case in progress
    STEP = "case_step"  # the action does not fit the case's step (or an approval by the requester)


def cases_handled_by(actor) -> QuerySet[ProtectionCase]:
    """Need to know: the cases of the children at the places the actor handles cases for."""
    scope = scope_of(actor)
    q = NOTHING
    for a in scope.assignments_with("handles_cases"):
        q |= scope.assignment_children_q(a, "child_id")
    return ProtectionCase.objects.filter(q)


def case_for(actor, pk) -> ProtectionCase:
    try:
        return cases_handled_by(actor).select_related("child__village__parent").get(pk=int(pk))
    except (ValueError, TypeError, ProtectionCase.DoesNotExist):
        raise NotFound("个案不存在") from None


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
        services.alert_act(actor=actor, alert=alert, action="开立个案", note=f"个案 #{case.pk}", now=now)
    if report is not None:
        if not handles(actor, report):
            raise NotFound("报告不存在")
        MandatoryReport.objects.filter(pk=report.pk).update(status=MandatoryReport.Status.CASE, child=child)
    return case


@transaction.atomic
def case_act(*, actor, case: ProtectionCase, action: str, note: str = "", placement: str = "", risk: str = "",
             assessment: str = "", now: datetime | None = None) -> ProtectionCase:
    """One action of `rules.cases.ACTIONS`, with the data its step needs."""
    now = now or timezone.now()
    case = cases_handled_by(actor).select_for_update().get(pk=case.pk)
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
    if action == "submit_plan" and not case.plan.exists():
        raise ServiceError("请先添加帮扶计划中的服务", code=ErrorCode.REQUIRED, field="plan")
    if action in ("return_plan", "return_close") and not note.strip():
        raise ServiceError("退回时请写明原因", code=ErrorCode.REQUIRED, field="note")
    if action in ("submit_plan", "request_close"):
        case.requested_by = actor
    elif needs_approval:
        case.requested_by = None
    case.state = target
    case.entered_at = now
    _timer(case)
    case.save()
    CaseStep.objects.create(case=case, action=action, state=target, at=now, by=actor, note=note.strip())
    return case


@transaction.atomic
def plan_item_add(*, actor, case: ProtectionCase, service: str, unit: str, owner: str, due: date | None) -> PlanItem:
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
    return PlanItem.objects.create(case=case, service=service, unit=unit.strip()[:64], owner=owner.strip()[:32], due=due)
