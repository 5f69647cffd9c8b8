"""Reads of supervision (docs/domain.md, "Supervision"). A finding sits at a unit's region code
(a village, a township) or at a school; a user reaches it through an assignment whose role files,
answers or reviews findings and whose region holds that code (or whose school it is). Inspections
are the inspecting roles' own. Missing and not yours are the same 404."""
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from shouhu.accounts.models import Assignment
from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.core.errors import NotFound
from shouhu.regions.models import Region
from shouhu.rules import supervision as S

from .models import Accountability, Finding, Inspection, Sample, SupervisionSetting

FINDING_FLAGS = ("inspects", "answers_findings", "reviews_findings")


def _place_q(assignments, *, code_field: str, school_field: str | None) -> Q:
    q = NOTHING
    for a in assignments:
        if a.region_id:
            q |= Q(**{f"{code_field}__startswith": a.region.code})
        elif a.school_id and school_field:
            q |= Q(**{school_field: a.school_id})
    return q


def findings_q(actor) -> Q:
    scope = scope_of(actor)
    rows = [a for f in FINDING_FLAGS for a in scope.assignments_with(f)]
    return _place_q(rows, code_field="unit_code", school_field="school_id")


def findings_visible_to(actor) -> QuerySet[Finding]:
    return Finding.objects.filter(findings_q(actor))


def finding_for(actor, pk) -> Finding:
    try:
        return findings_visible_to(actor).select_related("unit", "school", "child", "inspection", "created_by").get(pk=int(pk))
    except (ValueError, TypeError, Finding.DoesNotExist):
        raise NotFound("未找到该问题") from None


def inspections_visible_to(actor) -> QuerySet[Inspection]:
    return Inspection.objects.filter(_place_q(scope_of(actor).assignments_with("inspects"), code_field="region_code", school_field=None))


def inspection_for(actor, pk) -> Inspection:
    try:
        return inspections_visible_to(actor).select_related("region").get(pk=int(pk))
    except (ValueError, TypeError, Inspection.DoesNotExist):
        raise NotFound("未找到该督查") from None


def sample_for(actor, pk) -> Sample:
    try:
        return Sample.objects.select_related("inspection", "village").get(pk=int(pk), inspection__in=inspections_visible_to(actor))
    except (ValueError, TypeError, Sample.DoesNotExist):
        raise NotFound("未找到该抽查") from None


def accountabilities_visible_to(actor) -> QuerySet[Accountability]:
    """The county decides; the unit sees its own history (those who answer for it, and above)."""
    scope = scope_of(actor)
    rows = [a for f in FINDING_FLAGS for a in scope.assignments_with(f)]
    return Accountability.objects.filter(_place_q(rows, code_field="unit_code", school_field="school_id"))


# -- who may do what with a finding ------------------------------------------------------------
def answers(actor, finding: Finding) -> bool:
    """The unit's own people: a region assignment on the unit itself, or the school's staff."""
    for a in scope_of(actor).assignments_with("answers_findings"):
        if finding.school_id and a.school_id == finding.school_id:
            return True
        if not finding.school_id and a.region_id and a.region.code == finding.unit_code:
            return True
    return False


def reviews(actor, finding: Finding) -> bool:
    """Someone above the unit: a reviewing role whose region holds the unit but is not the unit
    (a township supervisor re-checks a village's 整改, never the township's own)."""
    for a in scope_of(actor).assignments_with("reviews_findings"):
        if a.region_id and finding.unit_code.startswith(a.region.code) and (finding.school_id or finding.unit_code != a.region.code):
            return True
    return False


def actions_for(actor, finding: Finding) -> list[str]:
    out = []
    for action in S.allowed_actions(finding.state):
        if (action == "answer" and answers(actor, finding)) or (action in ("pass", "return") and reviews(actor, finding)):
            out.append(action)
    return out


def unit_people(finding: Finding, flag: str) -> list:
    """The active users who answer (`answers_findings`) or review (`reviews_findings`) the finding."""
    rows = Assignment.objects.filter(user__is_active=True).filter(Q(region__isnull=False) | Q(school__isnull=False)).select_related("user", "region")
    if flag == "answers_findings":
        rows = rows.filter(Q(school_id=finding.school_id) if finding.school_id else Q(region__code=finding.unit_code))
    else:
        prefixes = {finding.unit_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(finding.unit_code)}
        rows = rows.filter(region__code__in=prefixes)
    out = []
    for a in rows:
        if not getattr(ROLES[a.role], flag):
            continue
        if flag == "reviews_findings" and a.region.code == finding.unit_code and not finding.school_id:
            continue
        out.append(a.user)
    return out


# -- the list's filters: (label, condition); 已逾期 needs today's date
LIST_FILTERS = {"open": ("待整改", Q(state__in=("open", "returned"))), "answered": ("待复核", Q(state="answered")), "late": ("已逾期", None),
                "passed": ("已通过", Q(state="passed")), "all": ("全部", Q())}


def late_q(today: date) -> Q:
    return Q(state__in=("open", "returned"), due_on__lt=today)


def filtered(qs: QuerySet[Finding], key: str, *, today: date | None = None) -> QuerySet[Finding]:
    today = today or timezone.localdate()
    label, q = LIST_FILTERS.get(key, LIST_FILTERS["open"])
    return qs.filter(late_q(today) if q is None else q)


def units_calling_for_accountability(actor, *, today: date) -> list[dict]:
    """Units whose findings call for 问责 (`rules.supervision.calls_for_accountability`): overdue, or
    the same problem found again. With the findings behind it, for the decision form."""
    by_unit: dict[str, list] = {}
    for f in findings_visible_to(actor).select_related("unit").order_by("unit_code", "id"):
        by_unit.setdefault(f.unit_code, []).append(f)
    out = []
    for rows in by_unit.values():
        why = S.calls_for_accountability([S.UnitRecord(f.problem, f.state, S.is_overdue(f.state, f.due_on, today)) for f in rows])
        if why:
            out.append({"unit": rows[0].unit, "why": why, "findings": rows})
    return out


def inspection_coverage(actor, *, today: date) -> list[dict]:
    """Each township of the actor's inspecting regions with this month's inspections against the
    county's minimum (002 篇四: 每月至少开展一次督查) — those short of it first. An inspection
    counts for a township when it covers the township, or names one of its villages."""
    regions = [a.region for a in scope_of(actor).assignments_with("inspects") if a.region_id]
    q = NOTHING
    for r in regions:
        q |= Q(code__startswith=r.code)
    townships = list(Region.objects.filter(q, level=4).order_by("code")) if regions else []
    month = today.replace(day=1)
    done: dict[str, set] = {t.code: set() for t in townships}
    rows = Inspection.objects.filter(planned_on__gte=month, planned_on__lte=today).prefetch_related("units")
    for i in rows:
        codes = {i.region_code} if len(i.region_code) >= 9 else set()
        codes |= {u.code[:9] for u in i.units.all()}
        for code in codes:
            if code[:9] in done:
                done[code[:9]].add(i.pk)
    need = SupervisionSetting.current().per_month
    out = [{"township": t, "count": len(done[t.code]), "short": len(done[t.code]) < need} for t in townships]
    return sorted(out, key=lambda r: (not r["short"], r["township"].code))


def last_round(inspection: Inspection) -> list[Finding]:
    """The previous inspection's findings in the same region: the next round re-checks them."""
    prev = (Inspection.objects.filter(region_code=inspection.region_code, planned_on__lt=inspection.planned_on)
            .exclude(pk=inspection.pk).order_by("-planned_on", "-id").first())
    if prev is None:
        return []
    rechecked = set(Finding.objects.filter(inspection=inspection, recheck_of__isnull=False).values_list("recheck_of_id", flat=True))
    return [f for f in prev.findings.select_related("unit").order_by("id") if f.pk not in rechecked]


def open_findings_by_unit(*, unit_range: tuple[str, str], unit_length: int) -> dict[str, int]:
    """{unit code: findings waiting for 整改 (open or returned)} of the units in `unit_range`, by the
    first `unit_length` digits of the unit's code (one grouped count on `finding_unit_state`)."""
    rows = (Finding.objects.filter(unit_code__range=unit_range, state__in=("open", "returned"))
            .annotate(place=Substr("unit_code", 1, unit_length)).values("place").annotate(n=Count("pk")).order_by())
    return {r["place"]: r["n"] for r in rows}
