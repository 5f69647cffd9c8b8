"""Guardianship intervention on a protection case (监护干预; docs/domain.md, "Guardianship
intervention"): the rungs of `rules.guardianship` recorded against a guardian in order, and parents
persuaded to come home (劝返). Both may change the child's record — a ruling of 撤销 makes the parent
被撤销监护资格, a parent back home is 在家 — and that goes through `registry.services.child_update`
like every other change, so the derived categories, history and counts follow.

The ladder is the child's, not the case's: a guardian admonished during an earlier case of the same
child has been admonished (the law asks what was done to that guardian, not in which file)."""
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import uuid4

from django.db import transaction
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.core import uploads
from shouhu.core.errors import ErrorCode, ServiceError
from shouhu.registry.models import Child
from shouhu.registry.services import child_update
from shouhu.rules import guardianship as G
from shouhu.rules.cases import OPEN_STATES

from . import cases
from .models import CaseStep, GuardianReturn, Intervention, ProtectionCase

DEAD = frozenset({"死亡", "宣告死亡", "宣告失踪"})


class GuardianshipErrorCode(StrEnum):
    LADDER = "guardianship_ladder"  # the rung does not fit the guardian's ladder (order, a waiting application, revoked)
    CASE_CLOSED = "case_closed"  # the case has ended (a court's ruling may still be recorded)
    RECORD_READ_ONLY = "record_read_only"  # the record would change and the actor may not edit it


@dataclass(frozen=True)
class Ladder:
    """One guardian's ladder as the page shows it."""
    guardian: str
    label: str
    records: list[Intervention]
    allowed: list[str]  # the rungs that may be recorded next (rules.guardianship.allowed_next)
    revoked: bool
    waiting: bool  # an application waits for the court's ruling


def _history(child_id: int, guardian: str):
    return Intervention.objects.filter(case__child_id=child_id, guardian=guardian).order_by("at", "id")


def ladders(case: ProtectionCase) -> list[Ladder]:
    """Each guardian's ladder for the case's child (the caller has loaded the case through `case_for`)."""
    rows: dict[str, list[Intervention]] = {g: [] for g in G.GUARDIANS}
    for i in Intervention.objects.filter(case__child_id=case.child_id).select_related("by").order_by("at", "id"):
        rows[i.guardian].append(i)
    out = []
    for g, label in G.GUARDIANS.items():
        done = [G.Recorded(i.rung, i.outcome) for i in rows[g]]
        allowed = G.allowed_next(done)
        out.append(Ladder(g, label, rows[g], allowed, revoked=any(d.rung == G.RULING and d.outcome == G.REVOKED for d in done),
                          waiting=allowed == [G.RULING]))
    return out


def _locked(actor, case: ProtectionCase) -> ProtectionCase:
    """The case through need to know, then locked: two records for one guardian are checked in turn."""
    case = cases.case_for(actor, case.pk)
    ProtectionCase.objects.select_for_update().filter(pk=case.pk).first()
    return case


def _when(at: datetime | None, now: datetime) -> datetime:
    if at is None:
        raise ServiceError("请填写时间", code=ErrorCode.REQUIRED, field="at")
    if at > now:
        raise ServiceError("时间不能晚于现在", field="at")
    return at


def document_problem(f) -> str:
    """"" when `f` (an uploaded file) is a PDF, JPEG or PNG of acceptable size."""
    return uploads.document_problem(f, what="文书")


def _editable_child(actor, case: ProtectionCase, field: str) -> Child:
    """The child as stored now (its current version), when the actor may change the record."""
    child = Child.objects.select_related("village").get(pk=case.child_id)
    if not scope_of(actor).can_edit(child):
        raise ServiceError("这项记录会修改儿童档案中的父母状况，您的角色不能修改儿童档案，请由儿童所在乡镇的儿童督导员记录",
                           code=GuardianshipErrorCode.RECORD_READ_ONLY, field=field)
    return child


@transaction.atomic
def intervention_record(*, actor, case: ProtectionCase, guardian: str, rung: str, at: datetime | None, unit: str = "", doc_no: str = "",
                        outcome: str = "", note: str = "", document=None, now: datetime | None = None) -> Intervention:
    """Record one rung of the ladder against a guardian. A ruling of 撤销 about a parent writes
    被撤销监护资格 (since the ruling's date) to that parent on the child's record (民法典 Art. 36)."""
    now = now or timezone.now()
    case = _locked(actor, case)
    if guardian not in G.GUARDIANS:
        raise ServiceError("请选择监护人", code=ErrorCode.REQUIRED, field="guardian")
    if rung not in G.RUNG_BY_CODE:
        raise ServiceError("请选择干预措施", code=ErrorCode.REQUIRED, field="rung")
    if case.state not in OPEN_STATES and rung != G.RULING:  # the court answers when it answers, even after closure
        raise ServiceError("个案已结案，不能再记录干预措施", code=GuardianshipErrorCode.CASE_CLOSED, field="rung")
    history = list(_history(case.child_id, guardian))
    try:
        G.check_next([G.Recorded(i.rung, i.outcome) for i in history], rung, outcome)
    except G.GuardianshipRuleError as e:
        raise ServiceError(str(e), code=GuardianshipErrorCode.LADDER, field=e.field) from None
    at = _when(at, now)
    if history and at < history[-1].at:
        last = history[-1]
        raise ServiceError(f"时间不能早于上一项措施（{last.get_rung_display()}，{timezone.localtime(last.at):%Y-%m-%d %H:%M}）", field="at")
    unit, doc_no = unit.strip(), doc_no.strip()
    if not unit:
        raise ServiceError("请填写实施单位", code=ErrorCode.REQUIRED, field="unit")
    if document:
        problem = document_problem(document)
        if problem:
            raise ServiceError(problem, field="document")
    situation = G.next_situation(rung=rung, outcome=outcome) if guardian in G.PARENTS else None
    child = _editable_child(actor, case, "rung") if situation else None
    row = Intervention(case=case, guardian=guardian, rung=rung, at=at, by=actor, unit=unit[:64], doc_no=doc_no[:64], outcome=outcome,
                       note=note.strip())
    if document:
        # stored under a random name with the extension of what it is: the uploader's name may carry a child's name,
        # and its extension (x.html that starts with %PDF) would decide how the file is served
        document.name = f"{uuid4().hex}{uploads.document_kind(document)[0]}"
        row.document = document
    row.full_clean(exclude=["document"])
    who, label = G.GUARDIANS[guardian], G.RUNG_BY_CODE[rung].label
    if child is not None:  # first the record (it may refuse a stale version), last the row that stores the file
        setattr(child, f"{guardian}_situation", situation)
        setattr(child, f"{guardian}_since", timezone.localdate(at))
        child_update(actor=actor, child=child, reason=f"法院判决撤销{who}的监护资格（{unit}{' ' + doc_no if doc_no else ''}）",
                     effective_date=timezone.localdate(at))
    row.save()
    summary = f"{who}：{label}" + (f"（{G.RULING_OUTCOMES[outcome]}）" if outcome else "") + f"，{unit}" + (f"，{doc_no}" if doc_no else "")
    CaseStep.objects.create(case=case, action="intervene", state=case.state, at=at, by=actor,
                            note=summary + (f"。{note.strip()}" if note.strip() else ""))
    return row


@transaction.atomic
def return_record(*, actor, case: ProtectionCase, guardian: str, at: datetime | None, outcome: str, returned_on: date | None = None,
                  note: str = "", now: datetime | None = None) -> GuardianReturn:
    """劝返监护人: a parent persuaded to come home. One who came home is 在家 on the child's record
    from the return date (the work place and departure date cleared, as the record's rules ask), so
    the child may stop being left-behind."""
    now = now or timezone.now()
    case = _locked(actor, case)
    if case.state not in OPEN_STATES:
        raise ServiceError("个案已结案，不能再记录劝返", code=GuardianshipErrorCode.CASE_CLOSED, field="outcome")
    try:
        G.check_return(guardian=guardian, outcome=outcome, returned_on_given=returned_on is not None)
    except G.GuardianshipRuleError as e:
        raise ServiceError(str(e), code=ErrorCode.INVALID, field=e.field) from None
    at = _when(at, now)
    today = timezone.localdate(now)
    if returned_on is not None and not (timezone.localdate(at) <= returned_on <= today):
        raise ServiceError("返乡日期须在劝返之后、不晚于今天", field="returned_on")
    situation = getattr(case.child, f"{guardian}_situation")
    if situation == G.HOME_SITUATION or situation in DEAD:
        raise ServiceError(f"档案中{G.GUARDIANS[guardian]}的状况为“{situation}”，无需劝返；如档案有误请先更正档案", field="guardian")
    child = _editable_child(actor, case, "outcome") if outcome == G.RETURNED else None
    row = GuardianReturn(case=case, guardian=guardian, at=at, by=actor, outcome=outcome, returned_on=returned_on, note=note.strip())
    row.full_clean()
    row.save()
    who = G.GUARDIANS[guardian]
    summary = f"劝返{who}：{G.RETURN_OUTCOMES[outcome]}" + (f"（{returned_on:%Y-%m-%d}返乡）" if returned_on else "")
    CaseStep.objects.create(case=case, action="persuade", state=case.state, at=at, by=actor,
                            note=summary + (f"。{note.strip()}" if note.strip() else ""))
    if child is not None:
        setattr(child, f"{guardian}_situation", G.HOME_SITUATION)
        setattr(child, f"{guardian}_since", None)
        setattr(child, f"{guardian}_work_province", "")
        setattr(child, f"{guardian}_work_city", "")
        child_update(actor=actor, child=child, reason=f"经劝返，{who}已返乡", effective_date=returned_on)
    return row
