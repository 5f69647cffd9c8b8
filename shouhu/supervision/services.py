"""Writes of supervision (docs/domain.md, "Supervision"): keyword-only, atomic, the actor first.

The inspector plans an inspection, draws a seeded sample of a village's children and checks each
on a phone; every "no" becomes a finding on the village (with the child linked) and a data-quality
issue on the record (the quality app reads open field findings through the registry's fact hook).
The unit answers with evidence; someone above it re-checks (复核通过 / 退回); a finding past its
deadline is 逾期 by itself and the clock (`shouhu escalate`) tells the unit and its reviewers once.
The county decides accountability (问责)."""
import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from uuid import uuid4

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core import uploads
from shouhu.core.errors import ErrorCode, Forbidden, NotFound, ServiceError
from shouhu.notify.services import Message, notify_many
from shouhu.regions.models import Region, School, in_region
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to
from shouhu.registry.signals import facts_changed
from shouhu.rules import supervision as S

from . import selectors
from .models import Accountability, Finding, FindingFile, FindingStep, Inspection, Sample, SampleItem, SupervisionSetting


def _covers(actor, code: str, flag: str = "inspects") -> bool:
    return any(a.region_id and in_region(code, a.region.code) for a in scope_of(actor).assignments_with(flag))


# -- inspections --------------------------------------------------------------------------------
@transaction.atomic
def inspection_create(*, actor, region: Region, kind: str, planned_on: date, title: str = "", units: Iterable[Region] = (),
                      schools: Iterable[School] = (), team: Iterable = (), team_note: str = "", note: str = "") -> Inspection:
    if not _covers(actor, region.code):
        raise NotFound("未找到该区划")
    if kind not in S.KINDS:
        raise ServiceError("请选择督查方式", code=ErrorCode.REQUIRED, field="kind")
    units, schools = list(units), list(schools)
    outside = [u.display_name for u in units if not in_region(u.code, region.code)]
    if outside:
        raise ServiceError(f"{'、'.join(outside)}不在督查范围内", field="units")
    title = title.strip() or f"{region.display_name}{S.KINDS[kind]}（{planned_on:%Y年%m月}）"
    i = Inspection.objects.create(kind=kind, region=region, region_code=region.code, title=title[:64], planned_on=planned_on,
                                  team_note=team_note.strip()[:255], note=note.strip(), created_by=actor)
    i.units.set(units)
    i.schools.set(schools)
    i.team.set([actor, *team])
    return i


@transaction.atomic
def inspection_finish(*, actor, inspection: Inspection, on: date | None = None) -> Inspection:
    inspection = selectors.inspection_for(actor, inspection.pk)
    if inspection.state == "done":
        raise ServiceError("该督查已完成", code=ErrorCode.CONFLICT, field="state")
    inspection.state, inspection.done_on = "done", on or timezone.localdate()
    inspection.save(update_fields=["state", "done_on"])
    return inspection


# -- field verification -------------------------------------------------------------------------
@transaction.atomic
def sample_draw(*, actor, inspection: Inspection, village: Region, size: int | None = None, seed: int | None = None,
                request=None) -> Sample:
    """A random draw of `size` children of the village in the register (在册), seeded: the seed is
    kept and logged, so the draw can be repeated and shown to have been random."""
    inspection = selectors.inspection_for(actor, inspection.pk)
    if village.level != 5 or not in_region(village.code, inspection.region_code):
        raise ServiceError("请选择督查范围内的村（社区）", field="village")
    if inspection.state == "done":
        raise ServiceError("该督查已完成，不能再抽查", code=ErrorCode.CONFLICT, field="state")
    size = size or SupervisionSetting.current().sample_size
    if not 1 <= size <= 50:
        raise ServiceError("每次抽查1至50名儿童", code=ErrorCode.INVALID, field="size")
    seed = seed if seed is not None else secrets.randbits(48)
    pool = list(children_visible_to(actor).filter(village=village, status=Child.Status.ACTIVE, merged_into__isnull=True)
                .values_list("id", flat=True))
    if not pool:
        raise ServiceError("该村（社区）没有在册儿童", field="village")
    chosen = S.draw_sample(pool, size, seed)
    now = timezone.now()
    sample = Sample.objects.create(inspection=inspection, village=village, seed=seed, size=len(chosen), pool=len(pool),
                                   drawn_by=actor, drawn_at=now)
    SampleItem.objects.bulk_create([SampleItem(sample=sample, child_id=c) for c in chosen])
    if inspection.state == "planned":
        Inspection.objects.filter(pk=inspection.pk).update(state="active")
    log_access(actor=actor, action="sample", scope="督查抽查", target=village.code, request=request,
               detail=f"督查#{inspection.pk} 在{village.display_name}随机抽取{len(chosen)}/{len(pool)}名儿童（种子 {seed}）")
    return sample


@transaction.atomic
def sample_check(*, actor, item: SampleItem, answers: dict, note: str = "", photo=None, now: datetime | None = None) -> Finding | None:
    """Record the field check of one sampled child. Each check answered "no" makes the child's
    village a finding (one per child, the problems listed), which the quality app shows on the
    record. Checking again updates the answers; a finding already filed stays."""
    item = SampleItem.objects.select_related("sample__inspection", "sample__village", "child").get(pk=item.pk)
    inspection = selectors.inspection_for(actor, item.sample.inspection_id)
    missing = [S.CHECKS[k] for k in S.CHECKS if answers.get(k) not in S.ANSWERS]
    if missing:
        raise ServiceError(f"请回答：{'、'.join(missing)}", code=ErrorCode.REQUIRED, field="answers")
    if photo is not None and uploads.document_problem(photo, what="照片"):
        raise ServiceError(uploads.document_problem(photo, what="照片"), field="photo")
    now = now or timezone.now()
    item.answers = {k: answers[k] for k in S.CHECKS}
    item.note, item.checked_by, item.checked_at = note.strip(), actor, now
    item.save(update_fields=["answers", "note", "checked_by", "checked_at"])
    bad = S.mismatches(item.answers)
    if not bad or item.findings.exists():
        return None
    detail = "；".join(S.MISMATCH_TEXT[k] for k in bad) + (f"。核查情况：{item.note}" if item.note else "")
    finding = _file(actor=actor, inspection=inspection, source="field", unit=item.sample.village, child=item.child, item=item,
                    problem="实地核查与档案不符", detail=detail, checks=bad, files=[photo] if photo is not None else [], now=now)
    return finding


# -- findings -----------------------------------------------------------------------------------
def _save_files(finding: Finding, step: FindingStep | None, files: Sequence, actor, now) -> None:
    for f in files:
        problem = uploads.document_problem(f, what="佐证材料")
        if problem:
            raise ServiceError(problem, field="files")
        ext, content_type = uploads.document_kind(f)
        f.name = f"{uuid4().hex}{ext}"  # the name the type decided, never the uploader's
        FindingFile.objects.create(finding=finding, step=step, file=f, content_type=content_type, uploaded_by=actor, uploaded_at=now)


def _file(*, actor, inspection, source, unit: Region, problem: str, detail: str = "", school: School | None = None, child=None,
          item=None, checks=(), due_on: date | None = None, recheck_of=None, files: Sequence = (), now=None) -> Finding:
    now = now or timezone.now()
    today = timezone.localdate(now)
    finding = Finding.objects.create(
        inspection=inspection, source=source, unit=unit, unit_code=unit.code, school=school, child=child, item=item,
        problem=problem.strip()[:64], detail=detail.strip(), checks=list(checks), found_on=today,
        due_on=due_on or S.deadline(today, SupervisionSetting.current().rectify_days), recheck_of=recheck_of, created_by=actor)
    step = FindingStep.objects.create(finding=finding, action="open", state="open", at=now, by=actor, note=finding.detail)
    _save_files(finding, step, files, actor, now)
    _tell([finding], "finding", lambda f: f"新的督查问题，请于{f.due_on:%m月%d日}前整改", flag="answers_findings")
    if child is not None:
        transaction.on_commit(lambda: facts_changed.send(sender=Finding, child_ids=[child.pk], fact="field_mismatch"))
    return finding


@transaction.atomic
def finding_create(*, actor, unit: Region, problem: str, detail: str = "", source: str = "manual", inspection: Inspection | None = None,
                   school: School | None = None, due_on: date | None = None, recheck_of: Finding | None = None,
                   files: Sequence = ()) -> Finding:
    """A finding filed by hand (督查发现), pre-filled from the system's data, or re-checking the last
    round's finding at the same unit."""
    if not scope_of(actor).has("inspects"):
        raise Forbidden("只有督查组和县级管理员可以登记督查问题")
    code = school.region_code if school is not None else unit.code
    if not _covers(actor, code):
        raise NotFound("未找到该单位")
    if inspection is not None:
        inspection = selectors.inspection_for(actor, inspection.pk)
    if not problem.strip():
        raise ServiceError("请填写问题", code=ErrorCode.REQUIRED, field="problem")
    if source not in S.SOURCES:
        raise ServiceError("未知的问题来源", field="source")
    today = timezone.localdate()
    if due_on is not None and due_on < today:
        raise ServiceError("整改期限不能早于今天", field="due_on")
    return _file(actor=actor, inspection=inspection, source=source, unit=unit, school=school, problem=problem, detail=detail,
                 due_on=due_on, recheck_of=recheck_of, files=files)


@transaction.atomic
def finding_act(*, actor, finding: Finding, action: str, note: str = "", files: Sequence = (), now: datetime | None = None) -> Finding:
    """整改 (answer, by the unit with evidence), 复核通过 / 退回 (by someone above the unit)."""
    finding = selectors.finding_for(actor, finding.pk)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if action not in selectors.actions_for(actor, finding):
        if action in S.ACTIONS and action in S.allowed_actions(finding.state):
            raise Forbidden("整改由责任单位提交，复核由上级单位进行")
    try:
        target = S.apply(finding.state, action, evidence=bool(files) or finding.files.filter(step__action="answer", step__state=finding.state).exists(),
                         note=note)
    except S.SupervisionRuleError as e:
        raise ServiceError(str(e), code=ErrorCode.INVALID, field=e.field) from None
    now = now or timezone.now()
    step = FindingStep.objects.create(finding=finding, action=action, state=target, at=now, by=actor, note=note.strip())
    _save_files(finding, step, files, actor, now)
    finding.state = target
    finding.closed_on = timezone.localdate(now) if target == "passed" else None
    finding.save(update_fields=["state", "closed_on"])
    if action == "answer":
        _tell([finding], "finding", lambda f: "督查问题已提交整改，请复核", flag="reviews_findings", but=actor)
    else:
        _tell([finding], "finding", lambda f: "整改已复核通过" if target == "passed" else "整改被退回，请重新整改", flag="answers_findings",
              but=actor)
    if finding.child_id and target == "passed":
        transaction.on_commit(lambda: facts_changed.send(sender=Finding, child_ids=[finding.child_id], fact="field_mismatch"))
    return finding


def _tell(findings: list[Finding], kind: str, what, *, flag: str, but=None) -> int:
    return notify_many(Message([u for u in selectors.unit_people(f, flag) if but is None or u.pk != but.pk], kind,
                               f"{what(f)}：{f.problem} · 督查问题 #{f.pk}", reverse("supervision:finding", args=[f.pk]),
                               "您有1项督查问题需要处理，请登录守护查看") for f in findings)


def escalate_findings(*, today: date | None = None) -> int:
    """Findings past the 整改 deadline: the timeline says so, and the unit and its reviewers are
    told — once per deadline. Returns how many."""
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        late = list(Finding.objects.select_for_update().filter(selectors.late_q(today))
                    .exclude(late_for__isnull=False, late_for=F("due_on")))
        if not late:
            return 0
        for f in late:
            f.late_for = f.due_on
        Finding.objects.bulk_update(late, ["late_for"], batch_size=500)
        FindingStep.objects.bulk_create([FindingStep(finding=f, action="overdue", state=f.state, at=now, note=f"整改期限{f.due_on:%m-%d}已过")
                                         for f in late])
        for flag in ("answers_findings", "reviews_findings"):
            _tell(late, "escalation", lambda f: "督查问题逾期未整改", flag=flag)
    return len(late)


# -- accountability -----------------------------------------------------------------------------
@transaction.atomic
def accountability_decide(*, actor, unit: Region, measure: str, person: str, reason: str, findings: Iterable[Finding] = (),
                          school: School | None = None, decided_on: date | None = None) -> Accountability:
    """问责, decided by the county: the measure, the person, why, the findings it rests on."""
    if not scope_of(actor).is_county_admin or not _covers(actor, school.region_code if school else unit.code, "reviews_findings"):
        raise NotFound("未找到该单位")
    if measure not in S.MEASURES:
        raise ServiceError("请选择问责方式", code=ErrorCode.REQUIRED, field="measure")
    if not person.strip():
        raise ServiceError("请填写责任人", code=ErrorCode.REQUIRED, field="person")
    if not reason.strip():
        raise ServiceError("请写明问责事由", code=ErrorCode.REQUIRED, field="reason")
    findings = list(findings)
    for f in findings:
        if not f.unit_code.startswith(unit.code):
            raise ServiceError("所列问题不属于该单位", field="findings")
    row = Accountability.objects.create(unit=unit, unit_code=unit.code, school=school, person=person.strip()[:64], measure=measure,
                                        reason=reason.strip(), decided_on=decided_on or timezone.localdate(), decided_by=actor)
    row.findings.set(findings)
    log_access(actor=actor, action="accountability", scope="问责", target=unit.code,
               detail=f"问责#{row.pk} {unit.display_name} {S.MEASURES[measure]}（{len(findings)}项问题）")
    return row


def field_mismatches(*, today: date, child_ids=None) -> dict[int, list[str]]:
    """{child id: checks answered "no"} for the field findings not yet passed (of `child_ids`, else
    all): registered with the registry's fact finder, read by the quality app's record checks."""
    out: dict[int, list[str]] = {}
    qs = Finding.objects.filter(source="field", child__isnull=False).exclude(state="passed")
    if child_ids is not None:
        qs = qs.filter(child_id__in=list(child_ids))
    rows = qs.values_list("child_id", "checks")
    for child_id, checks in rows:
        out.setdefault(child_id, [])
        out[child_id] += [c for c in checks if c not in out[child_id]]
    return out


@transaction.atomic
def finding_recheck(*, actor, inspection: Inspection, finding: Finding, still: bool, note: str = "") -> Finding:
    """The next round re-checks a finding of the last: still there → a new finding (复查, linked,
    the unit told); put right → the re-check recorded as passed."""
    inspection = selectors.inspection_for(actor, inspection.pk)
    finding = selectors.finding_for(actor, finding.pk)
    if Finding.objects.filter(inspection=inspection, recheck_of=finding).exists():
        raise ServiceError("本轮已复查过该问题", code=ErrorCode.CONFLICT, field="finding")
    if still:
        return _file(actor=actor, inspection=inspection, source="recheck", unit=finding.unit, school=finding.school, child=finding.child,
                     problem=finding.problem, detail=f"复查发现问题仍然存在。{note.strip()}".strip(), recheck_of=finding)
    today = timezone.localdate()
    f = Finding.objects.create(inspection=inspection, source="recheck", unit=finding.unit, unit_code=finding.unit_code, school=finding.school,
                               problem=finding.problem, detail=f"复查：整改到位。{note.strip()}".strip(), state="passed", found_on=today,
                               due_on=today, closed_on=today, recheck_of=finding, created_by=actor)
    FindingStep.objects.create(finding=f, action="pass", state="passed", at=timezone.now(), by=actor, note=f.detail)
    return f
