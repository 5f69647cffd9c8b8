"""Reads of data quality, through the actor's scope: per unit scores, counts per check, the
monthly trend, and the issues behind each count."""
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr

from shouhu.accounts.scope import scope_of
from shouhu.core.errors import NotFound
from shouhu.regions.models import CODE_LENGTH, Region, code_range
from shouhu.regions.selectors import schools_visible_to
from shouhu.registry.models import Child, StatCell
from shouhu.registry.selectors import children_visible_to
from shouhu.rules import quality as Q_
from shouhu.rules.dedupe import NotSame

from .models import DuplicatePair, Issue, Snapshot


def issues_visible_to(actor) -> QuerySet[Issue]:
    scope = scope_of(actor)
    if not scope.reads_records:
        return Issue.objects.none()
    return Issue.objects.filter(scope.children_q("child_id"))


@dataclass
class UnitRow:
    label: str
    code: str
    records: int
    errors: int
    warnings: int
    infos: int

    @property
    def score(self) -> int:
        return Q_.score({"error": self.errors, "warning": self.warnings, "info": self.infos}, self.records)


def units(actor, region: Region) -> list[UnitRow]:
    """The units one level below `region` (or the village itself), worst score first."""
    issues = issues_visible_to(actor).filter(status=Issue.Status.OPEN, village_code__range=code_range(region.code))
    n = CODE_LENGTH[min(region.level + 1, 5)]
    counts: dict[str, dict] = {}
    for r in issues.annotate(p=Substr("village_code", 1, n)).values("p", "level").annotate(c=Count("*")).order_by():
        counts.setdefault(r["p"], {})[r["level"]] = r["c"]
    records = {r["p"]: r["n"] or 0 for r in StatCell.objects.filter(kind="village", region_code__range=code_range(region.code))
               .annotate(p=Substr("region_code", 1, n)).values("p").annotate(n=Sum("total")).order_by()}
    below = [region] if region.level >= 5 else list(Region.objects.filter(parent=region).order_by("code"))
    rows = [UnitRow(u.display_name, u.code, records.get(u.code, 0), counts.get(u.code, {}).get("error", 0),
                    counts.get(u.code, {}).get("warning", 0), counts.get(u.code, {}).get("info", 0)) for u in below]
    return sorted(rows, key=lambda r: (r.score, -r.errors, r.code))


def school_units(actor, region: Region | None) -> list[UnitRow]:
    """The schools in scope (under `region`, if given), worst score first; records and issues
    both counted through the actor's scope (education-line users see schools, not villages)."""
    schools = schools_visible_to(actor).filter(active=True)
    if region is not None:  # a school carries its township's 9-digit code; a village has no schools of its own
        schools = schools.filter(region_code__startswith=region.code) if len(region.code) <= 9 else schools.none()
    names = dict(schools.values_list("id", "name"))
    if not names:
        return []
    counts: dict[int, dict] = {}
    for r in (issues_visible_to(actor).filter(status=Issue.Status.OPEN, school_id__in=list(names))
              .values("school_id", "level").annotate(c=Count("*")).order_by()):
        counts.setdefault(r["school_id"], {})[r["level"]] = r["c"]
    records = dict(children_visible_to(actor).filter(status=Child.Status.ACTIVE, school_id__in=list(names))
                   .values("school_id").annotate(n=Count("*")).values_list("school_id", "n").order_by())
    rows = [UnitRow(name, str(pk), records.get(pk, 0), counts.get(pk, {}).get("error", 0), counts.get(pk, {}).get("warning", 0),
                    counts.get(pk, {}).get("info", 0)) for pk, name in names.items() if records.get(pk) or counts.get(pk)]
    return sorted(rows, key=lambda r: (r.score, -r.errors, r.label))


def by_check(actor, node_q: Q) -> list[tuple[Q_.Check, int]]:
    rows = issues_visible_to(actor).filter(node_q, status=Issue.Status.OPEN).values("code").annotate(n=Count("*")).order_by("-n")
    return [(Q_.CATALOGUE[r["code"]], r["n"]) for r in rows if r["code"] in Q_.CATALOGUE]


def trend(region: Region, months: int = 6) -> list[dict]:
    """Open issues and score per month under `region` (from the monthly snapshots)."""
    rows = (Snapshot.objects.filter(village_code__range=code_range(region.code)).values("month")
            .annotate(records=Sum("records"), errors=Sum("errors"), warnings=Sum("warnings"), infos=Sum("infos")).order_by("-month")[:months])
    out = []
    for r in reversed(list(rows)):
        r["score"] = Q_.score({"error": r["errors"], "warning": r["warnings"], "info": r["infos"]}, r["records"])
        out.append(r)
    return out


def node_q(node: dict) -> Q:
    if node.get("school"):
        return Q(school_id=node["school"])
    if node.get("region"):
        return Q(village_code__range=code_range(node["region"]))
    return Q()


def records_in(actor, node: dict) -> int:
    return children_visible_to(actor).filter(node_q(node), status=Child.Status.ACTIVE).count()


# -- duplicates ---------------------------------------------------------------------------------
def not_same_pairs():
    """Pairs users marked "not the same child", for the finder."""
    return NotSame(DuplicatePair.objects.filter(status=DuplicatePair.Status.NOT_SAME).values_list("a_id", "b_id"))


def pairs_visible_to(actor, node: dict | None = None):
    """Candidate pairs whose two records the actor may both see (a pair across two villages is
    for the township or county); `node` narrows to a region or school (either record in it)."""
    scope = scope_of(actor)
    if not scope.reads_records:
        return DuplicatePair.objects.none()
    # probed per pair (Exists), not the county's children listed twice (IN): the pairs are few, and
    # SQLite otherwise builds the list of every child in scope for each count (docs/benchmarks.md)
    seen = children_visible_to(actor)
    qs = DuplicatePair.objects.filter(Exists(seen.filter(pk=OuterRef("a_id"))), Exists(seen.filter(pk=OuterRef("b_id"))))
    if node:
        inside = Child.objects.filter(node_q(node)).values("id")
        qs = qs.filter(Q(a_id__in=inside) | Q(b_id__in=inside))
    return qs


def pair_for(actor, pk):
    """A pair the actor may see; the same 404 for missing and not theirs."""
    try:
        return pairs_visible_to(actor).select_related("a__village", "b__village", "a__school", "b__school",
                                                      "a__school_class", "b__school_class").get(pk=int(pk))
    except (ValueError, TypeError, DuplicatePair.DoesNotExist):
        raise NotFound("未找到该疑似重复记录") from None


def open_pairs_by_unit(*, village_range: tuple[str, str], unit_length: int) -> dict[str, int]:
    """{unit: duplicate pairs waiting for a decision} by the place of the pair's first record (the
    open pairs are few: a grouped count over them and their first record's village code)."""
    rows = (DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN, a__village_code__range=village_range)
            .annotate(unit=Substr("a__village_code", 1, unit_length)).values("unit").annotate(n=Count("pk")).order_by())
    return {r["unit"]: r["n"] for r in rows}
