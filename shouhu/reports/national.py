"""Reads of the national summary table (统计表, 民发〔2016〕42号 附件3; docs/domain.md "The national
forms") for any region and cut-off date: the registry's state as of the cut-off (the same history
reconstruction as the 月报, `selectors.state_rows`), one row per unit below the region plus the
total, every 勾稽关系 checked on every row, and the total checked against a count made over the
region directly (so the units add up to the region).

The columns are predicates over a few fields of each child (`rules.national_forms`): the state
rows of the region's 农村留守儿童 under 16 are read once (those fields only) and counted here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.regions.models import Region
from shouhu.registry.fields import statistics_only
from shouhu.registry.selectors import birth_range_for_age
from shouhu.rules import national_forms as N
from shouhu.rules.categories import LEFT_BEHIND_MAX_AGE
from shouhu.rules.small_counts import suppress_table

from . import rules, selectors
from .models import Submission

TITLE = "农村留守儿童摸底排查统计表"


def national_columns() -> list[list[str]]:
    """[[key, "group·label"], …] in the notice's order, for build_table and the page."""
    return [[c.key, f"{c.group}·{c.label}" if c.group else c.label] for c in N.COLUMNS]


def national_figures(*, node: Region, cutoff: date, known_at: datetime | None = None) -> dict:
    """The table for `node` as of `cutoff` (as known at `known_at`), JSON-able: what a township
    submits is exactly this dict."""
    known_at = known_at or timezone.now()
    rows = (selectors.state_rows(month_end=cutoff, known_at=known_at, node=node)
            .filter(selectors._in_node(node), status=selectors.ACTIVE, is_left_behind=True,
                    birth_date__range=birth_range_for_age(0, LEFT_BEHIND_MAX_AGE - 1, cutoff)))
    units, unit_label = selectors._units(node)
    length = selectors._unit_length(node)
    counts: dict[str, dict[str, int]] = {}
    direct = dict.fromkeys((c.key for c in N.COLUMNS), 0)
    for child in rows.values("village_code", *N.FIELDS).iterator(chunk_size=5000):
        if not N.counted(child, cutoff):
            continue
        unit = counts.setdefault(child["village_code"][:length], dict.fromkeys(direct, 0))
        for k, v in N.row_of(child, cutoff).items():
            unit[k] += v
            direct[k] += v
    table = rules.build_table("national", national_columns(), units, counts, node=[node.code, node.display_name], unit_label=unit_label,
                              title=TITLE)
    return {
        "cutoff": cutoff.isoformat(),
        "node": {"code": node.code, "name": node.display_name, "level": node.level},
        "table": table,
        "checks": checks(table, direct),
    }


def checks(table: dict, direct: dict[str, int]) -> list[dict]:
    """Every 勾稽关系 on the total and on each unit's row, and the units against the region:
    [{"where", "text", "left", "right", "holds"}]."""
    out = [{"where": table["total"]["label"], **r} for r in N.relations(table["total"]["counts"])]
    for row in table["rows"]:
        out += [{"where": row["label"], **r} for r in N.relations(row["counts"]) if not r["holds"]]  # a unit's: listed when broken
    mismatched = rules.total_mismatches(table, direct)
    # shown with column 1; a difference in any column fails it and is listed
    out.append({"where": table["total"]["label"], "text": f"各{table['unit_label']}之和=本级直接统计（32列逐列核对，此处显示第1列）",
                "left": table["total"]["counts"].get("c1", 0), "right": direct.get("c1", 0), "holds": not mismatched, "detail": mismatched})
    return out


def all_hold(figures: dict) -> bool:
    return all(c["holds"] for c in figures["checks"])


def open_national(*, township: Region, cutoff: date) -> Submission | None:
    return (Submission.objects.filter(township=township, kind=Submission.Kind.NATIONAL, month=cutoff, reopened_at__isnull=True)
            .select_related("submitted_by").first())


@dataclass
class NationalView:
    node: Region
    cutoff: date
    figures: dict
    submission: Submission | None
    frozen: bool


def national_report(actor, *, node_code: str | None, cutoff: date, live: bool = False) -> NationalView:
    """The table the actor asked for: a township's submitted table unless `live`, else computed
    now. Unknown / out-of-scope node → the same 404 as the 月报. Statistics-only readers get small
    counts as "<5" (then the relations are not shown as numbers)."""
    node = selectors.node_for(actor, node_code)
    sub = open_national(township=node, cutoff=cutoff) if node.level == 4 else None
    if sub is not None and not live:
        view = NationalView(node, cutoff, sub.figures, sub, True)
    else:
        view = NationalView(node, cutoff, national_figures(node=node, cutoff=cutoff), sub, False)
    if statistics_only(scope_of(actor)):
        t = view.figures["table"]
        keys = [k for k, _ in t["columns"]]
        rows, total = suppress_table([r["counts"] for r in t["rows"]], t["total"]["counts"], keys)
        t = {**t, "rows": [{**r, "counts": c} for r, c in zip(t["rows"], rows, strict=True)], "total": {**t["total"], "counts": total}}
        view.figures = {**view.figures, "table": t, "checks": [{**c, "left": "", "right": ""} for c in view.figures["checks"]]}
    return view
