"""Reads of the care month: the campaigns an actor sees, and the six measures' progress under a
node (from the maintained marks and cells). Out-of-scope marks are never counted."""
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.regions.models import CODE_LENGTH, Region, School, SchoolClass, code_range
from shouhu.rules import care as R

from .models import Campaign, CampaignCell, CampaignMark

MEASURE_KEYS = list(R.MEASURES)
AGGS = {"total": Count("pk"), "all_six": Count("pk", filter=Q(done=6)), **{m: Count("pk", filter=Q(**{m: True})) for m in MEASURE_KEYS}}


@dataclass
class ProgressRow:
    label: str
    counts: dict
    link: dict

    def pct(self, key: str) -> int:
        t = self.counts.get("total") or 0
        return round(100 * (self.counts.get(key) or 0) / t) if t else 0


@dataclass
class Progress:
    title: str
    unit_label: str
    rows: list[ProgressRow]
    total: ProgressRow


def campaigns_visible_to(actor) -> QuerySet[Campaign]:
    """Campaigns whose region overlaps the actor's nodes (a region, or a school's township):
    the node's ancestors and the regions inside it. Another township's campaign is like missing."""
    scope = scope_of(actor)
    if not scope.reads_records:
        return Campaign.objects.none()
    q = NOTHING
    for a in scope.assignments:
        school = a.school or (a.school_class.school if a.school_class_id else None)
        code = a.region.code if a.region_id else (school.region_code if school else "")
        if code:
            q |= Q(region__code__startswith=code) | Q(region__code__in=[code[:n] for n in (2, 4, 6, 9) if n < len(code)])
    return Campaign.objects.filter(q).select_related("region")


def marks_visible_to(actor, campaign: Campaign) -> QuerySet[CampaignMark]:
    return CampaignMark.objects.filter(scope_of(actor).children_q("child_id"), campaign=campaign)


def _node_q(node: dict) -> Q:
    if node.get("class"):
        return Q(school_class_id=node["class"])
    if node.get("school"):
        return Q(school_id=node["school"])
    if node.get("region"):
        return Q(village_code__range=code_range(node["region"]))
    return Q()


def default_node(actor) -> dict:
    scope = scope_of(actor)
    for a in scope.assignments:
        if a.region_id:
            return {"region": a.region.code}
        if a.school_class_id:
            return {"class": a.school_class_id}
        if a.school_id:
            return {"school": a.school_id}
    return {}


def campaign_progress(actor, campaign: Campaign, node: dict) -> Progress:
    """The six measures under a node, one row per unit of the level below (townships → villages;
    a school → its classes). Out-of-scope marks are never counted."""
    marks = marks_visible_to(actor, campaign).filter(_node_q(node))
    if node.get("school") or node.get("class"):
        school = School.objects.get(pk=node["school"]) if node.get("school") else SchoolClass.objects.select_related("school").get(pk=node["class"]).school
        grouped = {r["school_class_id"]: r for r in marks.values("school_class_id").annotate(**AGGS).order_by()}
        classes = SchoolClass.objects.filter(school=school)
        if node.get("class"):
            classes = classes.filter(pk=node["class"])
        rows = [ProgressRow(str(c), _counts(grouped.get(c.id)), {"class": c.id}) for c in classes]
        if None in grouped and not node.get("class"):
            rows.append(ProgressRow("未分班", _counts(grouped[None]), {"school": school.id}))
        return Progress(school.name, "班级", rows, _sum(rows, node))
    region = Region.objects.get(code=node.get("region") or campaign.region.code)
    if _covers(actor, region):  # the whole subtree is the user's: add up the per-village cells
        rows, total = CampaignCell.objects.filter(campaign=campaign, village_code__range=code_range(region.code)), CELL_SUMS
    else:  # part of it (a school's pupils in this township): count the marks the scope lets through
        rows, total = marks, AGGS
    if region.level >= 5:
        row = ProgressRow(region.display_name, _counts(rows.aggregate(**total)), {"region": region.code})
        return Progress(region.display_name, "村（社区）", [row], row)
    n = CODE_LENGTH[region.level + 1]
    grouped = {r["prefix"]: r for r in rows.annotate(prefix=Substr("village_code", 1, n)).values("prefix").annotate(**total).order_by()}
    rows = [ProgressRow(u.display_name, _counts(grouped.get(u.code)), {"region": u.code})
            for u in Region.objects.filter(parent=region).order_by("code")]
    unit = {3: "乡镇（街道）", 4: "村（社区）"}.get(region.level, "下级")
    return Progress(region.display_name, unit, rows, _sum(rows, {"region": region.code}))


CELL_SUMS = {k: Sum(k) for k in AGGS}


def _covers(actor, region: Region) -> bool:
    """An admin-line assignment of the user reaches every child under `region`."""
    lo, hi = code_range(region.code)
    for a in scope_of(actor).assignments:
        if a.region_id and ROLES[a.role].line == "admin" and ROLES[a.role].sees_children:
            alo, ahi = code_range(a.region.code)
            if alo <= lo and hi <= ahi:
                return True
    return False


def _counts(r: dict | None) -> dict:
    return {k: (r or {}).get(k) or 0 for k in AGGS}


def _sum(rows: list[ProgressRow], link: dict) -> ProgressRow:
    return ProgressRow("合计", {k: sum(r.counts[k] for r in rows) for k in AGGS}, link)


def campaign_missing(actor, campaign: Campaign, node: dict, measure: str = "") -> QuerySet[CampaignMark]:
    """The children under a node still missing `measure` (any measure when blank)."""
    q = Q(**{measure: False}) if measure in R.MEASURES else Q(done__lt=6)
    return (marks_visible_to(actor, campaign).filter(_node_q(node)).filter(q)
            .select_related("child__village__parent").order_by("village_code", "child__name_pinyin", "child_id"))
