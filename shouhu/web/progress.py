"""The progress of the units below on today's work (docs/domain.md, "Home pages"): on the county
admin's home one row per township, on a township supervisor's one row per village — the month's
月报, 整改 findings waiting, alerts nobody has signed for, overdue visits, duplicate pairs waiting —
each figure a link to the list behind it.

Cost: each figure is one grouped count by place over a maintained or small table on an indexed
column (the same `…_by_unit` reads the leaders' screen uses), kept for `dashboard.COUNTS_SECONDS`
like the leaders' screen's open work, so the home page stays flat with the county's size.
Features stay independent: the web layer, above them all, reads each through its selectors.
"""
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from shouhu.accounts.permissions import allowed
from shouhu.accounts.scope import scope_of
from shouhu.care.dues.selectors import overdue_visits_by_unit
from shouhu.protection.selectors import unsigned_alerts_by_unit
from shouhu.quality.selectors import open_pairs_by_unit
from shouhu.regions.models import CODE_LENGTH, Region, code_range
from shouhu.reports import rules as report_rules
from shouhu.reports import selectors as reports
from shouhu.supervision.selectors import open_findings_by_unit

from .dashboard import COUNTS_SECONDS, _cached, _url

# (key, column label, the need of the list the figure links to)
COLUMNS = (("report", "月报", "answers_for_region"), ("findings", "待整改", "findings"), ("red", "红色预警待签收", "sees_alerts"),
           ("other", "其他预警待签收", "sees_alerts"), ("visits", "走访逾期", "care_work"), ("duplicates", "疑似重复", "reads_records"))


@dataclass
class Row:
    code: str
    label: str
    cells: dict = field(default_factory=dict)  # key -> (value, url, warn)


@dataclass
class Progress:
    node: Region
    unit_label: str
    columns: list  # [(key, label)], all-zero columns left out
    rows: list[Row]
    counts_at: object
    month_label: str


def _figures(node: Region, *, today: date) -> dict:
    """{figure: {unit code: value}} for the units directly below `node` (one grouped count each)."""
    rng, n = code_range(node.code), CODE_LENGTH[node.level + 1]
    unsigned = unsigned_alerts_by_unit(village_range=rng, unit_length=n)
    return {"findings": open_findings_by_unit(unit_range=rng, unit_length=n),
            "red": {u: r["red"] for u, r in unsigned.items()}, "other": {u: r["other"] for u, r in unsigned.items()},
            "visits": overdue_visits_by_unit(village_range=rng, unit_length=n, today=today),
            "duplicates": open_pairs_by_unit(village_range=rng, unit_length=n)}


def progress_nodes(user) -> list[Region]:
    """The county or township each of the user's assignments answers for with care work below it:
    the county admin's county, a township supervisor's township (a village has no unit below)."""
    return [a.region for a in scope_of(user).assignments
            if a.region_id and a.role_def.dashboard and a.role_def.can_care and a.region.level in (3, 4)]


def progress(user, node: Region, *, today: date | None = None) -> Progress:
    today = today or timezone.localdate()
    month = report_rules.previous_month(today)
    can = {need: allowed(user, need) for _, _, need in COLUMNS}
    units = list(Region.objects.filter(parent=node).order_by("code").values_list("code", "short_name", "name"))
    figures, counts_at = _cached(f"home:progress:{node.code}:{today}", COUNTS_SECONDS, lambda: _figures(node, today=today))
    statuses = reports.township_statuses([c for c, _, _ in units], month=month, today=today) if node.level == 3 else {}
    links = {
        "findings": lambda code: _url("supervision:index", state="open", region=code),
        "red": lambda code: _url("protection:alerts", status="open", level="red", region=code),
        "other": lambda code: _url("protection:alerts", status="open", region=code),
        "visits": lambda code: _url("care:tasks", kind="visit", region=code),
        "duplicates": lambda code: _url("quality:duplicates", status="open", region=code),
    }
    rows = []
    for code, short, name in units:
        row = Row(code, short or name)
        if code in statuses and can["answers_for_region"]:
            st, label = statuses[code]
            row.cells["report"] = (label, _url("reports:monthly", node=code, month=report_rules.format_month(month)),
                                   st not in (report_rules.SUBMITTED, report_rules.SUBMITTED_LATE))
        for key, link in links.items():
            value = figures[key].get(code, 0)
            if can[dict((k, need) for k, _, need in COLUMNS)[key]]:
                row.cells[key] = (value, link(code) if value else "", bool(value) and key in ("red", "visits", "findings"))
        rows.append(row)
    # a column whose every figure is zero says nothing: it is left out (the 月报 column always shows)
    columns = [(k, label) for k, label, _ in COLUMNS if any(k in r.cells and (k == "report" or r.cells[k][0]) for r in rows)]
    return Progress(node, "乡镇（街道）" if node.level == 3 else "村（社区）", columns, rows, counts_at, f"{month.month}月")


def home_progress(user) -> list[Progress]:
    return [progress(user, node) for node in progress_nodes(user)]
