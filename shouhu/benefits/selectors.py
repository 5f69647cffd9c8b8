"""Reads of 兜底保障 and funds (docs/domain.md, "Benefits and funds"). Grants and applications are
reached through their child, and only by roles that handle benefits (amounts are not shown to
anyone else); funds through their region, by roles that keep funds. Missing and not yours are the
same 404.

The 兜底率 is counted from the registry's stored derivation (recomputed on every change and
nightly) and one read of the month's active grants, so the county's figure is two indexed scans."""
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from shouhu.accounts.models import Assignment
from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.core.errors import NotFound
from shouhu.regions.models import Region, code_range
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to
from shouhu.rules import benefits as B

from .models import Application, Fund, Grant, PaymentRoll

BASIS_FIELDS = ("id", "village_code", "school_id", "is_orphan", "is_de_facto", "difficulty_kinds", "health", "disability")
# a child may have a need only through one of these (the candidates of the count)
CANDIDATE_Q = Q(is_orphan=True) | Q(is_de_facto=True) | Q(is_difficulty=True) | Q(health="残疾")


def basis_of(row: dict) -> B.Basis:
    return B.Basis(is_orphan=row["is_orphan"], is_de_facto=row["is_de_facto"], poor="家庭贫困" in (row["difficulty_kinds"] or ()),
                   disabled=row["health"] == "残疾", disability=row["disability"] or "")


def in_month_q(month: date, prefix: str = "") -> Q:
    m = B.month_start(month)
    return Q(**{f"{prefix}start__lte": m}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": m}))


def paid_kinds(month: date, child_ids=None) -> dict[int, set[str]]:
    """{child id: kinds with a grant active in the month}."""
    qs = Grant.objects.filter(in_month_q(month), status=Grant.Status.ACTIVE)
    if child_ids is not None:
        qs = qs.filter(child_id__in=list(child_ids))
    out: dict[int, set[str]] = defaultdict(set)
    for child_id, kind in qs.values_list("child_id", "kind").iterator(chunk_size=5000):
        out[child_id].add(kind)
    return out


@dataclass
class Row:
    id: int
    village_code: str
    school_id: int | None
    coverage: B.Coverage


def coverage_rows(children: QuerySet, month: date) -> list[Row]:
    """The eligible children among `children` with what they miss in `month`. Tuples, not dicts: a
    county has tens of thousands of candidates, and this is the 兜底率 page's whole cost."""
    rows = list(children.filter(CANDIDATE_Q, status=Child.Status.ACTIVE).values_list(*BASIS_FIELDS).iterator(chunk_size=5000))
    paid = paid_kinds(month, None if len(rows) > 2000 else [r[0] for r in rows])
    out = []
    for child_id, village_code, school_id, orphan, de_facto, kinds, health, disability in rows:
        needs = B.needs_of(B.Basis(orphan, de_facto, "家庭贫困" in (kinds or ()), health == "残疾", disability or ""))
        if needs:
            out.append(Row(child_id, village_code, school_id, B.coverage(needs, paid.get(child_id, ()))))
    return out


def coverage_by_unit(children: QuerySet, month: date, unit_length: int) -> dict[str, tuple[int, int]]:
    """{unit code (the first `unit_length` digits of the village code): (covered, eligible)}."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in coverage_rows(children, month):
        cell = out[r.village_code[:unit_length]]
        cell[0] += r.coverage.covered
        cell[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def benefit_regions(actor, flag: str = "handles_benefits") -> list[Region]:
    return [a.region for a in scope_of(actor).assignments_with(flag) if a.region_id]


def region_for(actor, code: str | None, flag: str = "handles_benefits") -> Region:
    """The region the page is about: one the actor answers for, or one below it (404 otherwise)."""
    mine = benefit_regions(actor, flag)
    if not mine:
        raise NotFound("未找到")
    if not code:
        return mine[0]
    region = Region.objects.filter(code=code).first() if str(code).isdigit() else None
    if region is None or not covers(actor, region, flag):
        raise NotFound("未找到")
    return region


def children_of_region(actor, region: Region) -> QuerySet[Child]:
    return children_visible_to(actor, flag="handles_benefits").filter(village_code__range=code_range(region.code))


def region_coverage(actor, region: Region, month: date) -> dict:
    """The region's 兜底率 and one row per unit below it (township → villages, county → townships)."""
    length = {6: 9, 9: 12}.get(len(region.code), 12)
    cells = coverage_by_unit(children_of_region(actor, region), month, length)
    names = {r.code: r.display_name for r in Region.objects.filter(parent=region)} if len(region.code) < 12 else {}
    units = []
    for code in sorted(set(names) | set(cells)):
        covered, eligible = cells.get(code, (0, 0))
        units.append({"code": code, "name": names.get(code, code), "covered": covered, "eligible": eligible,
                      "missing": eligible - covered, "rate": B.rate(covered, eligible)})
    covered, eligible = sum(u["covered"] for u in units), sum(u["eligible"] for u in units)
    return {"region": region, "units": units, "covered": covered, "eligible": eligible, "missing": eligible - covered,
            "rate": B.rate(covered, eligible), "month": B.month_start(month)}


def missing_children(actor, region: Region, month: date) -> list[tuple[Child, B.Coverage]]:
    """Eligible children of the region whose needs are not all met this month, in list order."""
    rows = {r.id: r.coverage for r in coverage_rows(children_of_region(actor, region), month) if not r.coverage.covered}
    children = Child.objects.filter(id__in=list(rows)).select_related("village").order_by("village_code", "name_pinyin", "id")
    return [(c, rows[c.id]) for c in children]


# -- grants and applications ----------------------------------------------------------------------
def grants_visible_to(actor) -> QuerySet[Grant]:
    return Grant.objects.filter(child__in=children_visible_to(actor, flag="handles_benefits"))


def grant_for(actor, pk) -> Grant:
    g = grants_visible_to(actor).select_related("child", "child__village").filter(pk=pk).first() if str(pk).isdigit() else None
    if g is None:
        raise NotFound("未找到该发放记录")
    return g


def applications_visible_to(actor) -> QuerySet[Application]:
    return Application.objects.filter(child__in=children_visible_to(actor, flag="handles_benefits"))


# who acts on an application at each step: the township checks it, the county confirms and publishes
STEP_NEED = {"applied": "handles_benefits", "checked": "confirms_benefits", "confirmed": "confirms_benefits"}


def step_people(a: Application) -> list:
    """The active users who take the application's current step: those of its township (the check)
    or its county (the confirmation and the 公示) whose role may."""
    code = a.child.village_code[:9] if a.state == "applied" else a.child.village_code[:6]
    need = STEP_NEED.get(a.state)
    if need is None:
        return []
    rows = Assignment.objects.filter(user__is_active=True, region__code=code).select_related("user")
    return [x.user for x in rows if getattr(ROLES[x.role], need)]


def application_for(actor, pk) -> Application:
    a = applications_visible_to(actor).select_related("child", "child__village").filter(pk=pk).first() if str(pk).isdigit() else None
    if a is None:
        raise NotFound("未找到该申请")
    return a


# -- funds ------------------------------------------------------------------------------------------
def funds_q(actor) -> Q:
    q = NOTHING
    for a in scope_of(actor).assignments_with("manages_funds"):
        if a.region_id:
            hi = code_range(a.region.code)[1]
            q |= Q(region_code__gte=a.region.code, region_code__lte=hi)
    return q


def funds_visible_to(actor) -> QuerySet[Fund]:
    return Fund.objects.filter(funds_q(actor))


def fund_for(actor, pk) -> Fund:
    f = funds_visible_to(actor).select_related("region").filter(pk=pk).first() if str(pk).isdigit() else None
    if f is None:
        raise NotFound("未找到该资金")
    return f


def spent(fund: Fund) -> Decimal:
    return fund.spending.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def balance(fund: Fund) -> Decimal:
    return fund.amount - spent(fund)


def with_balances(qs: QuerySet[Fund]) -> QuerySet[Fund]:
    return qs.annotate(spent_sum=Sum("spending__amount"))


def rolls_visible_to(actor) -> QuerySet[PaymentRoll]:
    return PaymentRoll.objects.filter(fund__in=funds_visible_to(actor))


def roll_for(actor, pk) -> PaymentRoll:
    r = rolls_visible_to(actor).select_related("fund").filter(pk=pk).first() if str(pk).isdigit() else None
    if r is None:
        raise NotFound("未找到该花名册")
    return r


# -- what other apps learn (registered in receivers) -------------------------------------------------
def ledger_in_use() -> bool:
    """Until the county records its first grant, the record's 已享受救助 speaks for benefits."""
    return Grant.objects.exists()


def missing_facts(child_ids, *, today) -> dict[int, dict]:
    """For the alert rules: each child's unmet needs this month ("" when none), once the ledger is in use."""
    if not ledger_in_use():
        return {}
    ids = list(child_ids)
    rows = Child.objects.filter(id__in=ids).values(*BASIS_FIELDS)
    paid = paid_kinds(today, ids)
    return {r["id"]: {"benefit_missing": B.coverage(B.needs_of(basis_of(r)), paid.get(r["id"], ())).missing_text()} for r in rows}


def unmet_grants(*, today, child_ids=None) -> dict[int, list[str]]:
    """For the record checks: children paid a monthly benefit none of their needs calls for (of
    `child_ids`, else county-wide: a demo county of 100,000 pays 26,000 grants)."""
    qs = Grant.objects.filter(in_month_q(today), status=Grant.Status.ACTIVE)
    if child_ids is not None:
        qs = qs.filter(child_id__in=list(child_ids))
    grants = list(qs.values_list("child_id", "kind"))
    if not grants:
        return {}
    rows = {r["id"]: r for r in Child.objects.filter(id__in={c for c, _ in grants}).values(*BASIS_FIELDS, "status")}
    out: dict[int, list[str]] = defaultdict(list)
    for child_id, kind in grants:
        r = rows.get(child_id)
        if r is not None and B.kind_unmet(kind, B.needs_of(basis_of(r)) if r["status"] == Child.Status.ACTIVE else ()):
            out[child_id].append(B.KINDS[kind].label)
    return dict(out)


def benefit_counts(*, first, last, today) -> dict:
    """The 兜底率 indicator: (covered, eligible) by village and by school, as of the period's end (or today)."""
    rows = coverage_rows(Child.objects.all(), min(today, last))
    places: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    schools: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        for cell in (places[r.village_code], *( [schools[r.school_id]] if r.school_id else [])):
            cell[0] += r.coverage.covered
            cell[1] += 1
    return {"places": {k: tuple(v) for k, v in places.items()}, "schools": {k: tuple(v) for k, v in schools.items()}}


def child_for(actor, uid) -> Child:
    """A child whose benefits the actor handles (the same 404 for missing and not yours)."""
    try:
        return children_visible_to(actor, flag="handles_benefits").select_related("village").get(uid=uuid.UUID(str(uid)))
    except (ValueError, Child.DoesNotExist):
        raise NotFound("未找到该儿童") from None


def covers(actor, region: Region, flag: str = "handles_benefits") -> bool:
    """The actor answers for this region (or one above it): its page may be opened."""
    return any(region.code.startswith(r.code) for r in benefit_regions(actor, flag))
