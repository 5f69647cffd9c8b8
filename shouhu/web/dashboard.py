"""The leaders' screen (领导驾驶舱, docs/domain.md, "The leaders' screen"): counts only, never a name,
for those who answer for a county or a township (`Role.dashboard`). Composition: it reads every
feature through its selectors, each counting by place (`village_range`, `unit_length`) with one
grouped query, and assembles charts whose every bar leads to the list behind it.

Cost: 底数 comes from the registry's `StatCell` counters (as the home page); the month trend is the
monthly report's reconstruction from history (`reports.selectors.month_series`: one read of the
node's history rows, ~1–2 s for a county of 100,000 children) and is cached for `TREND_SECONDS`;
the open work by place (care dues, alerts, cases, dropout) is grouped counts over maintained or
small tables, cached for `COUNTS_SECONDS`. The page says how fresh the cached parts are.
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from shouhu.accounts.permissions import allowed
from shouhu.accounts.scope import scope_of
from shouhu.care.dues.selectors import coverage_by_unit
from shouhu.protection import cases as protection_cases
from shouhu.protection import selectors as alert_selectors
from shouhu.regions.models import CODE_LENGTH, Region, code_range
from shouhu.regions.selectors import node_within
from shouhu.registry import stats
from shouhu.registry.fields import statistics_only
from shouhu.reports import rules as report_rules
from shouhu.reports import selectors as reports
from shouhu.rules import alerts as A
from shouhu.rules.small_counts import THRESHOLD, suppress_count, suppress_table
from shouhu.schooling.figures import open_by_unit as dropout_by_unit

TREND_MONTHS = 12
TREND_SECONDS = 30 * 60
COUNTS_SECONDS = 5 * 60
LEVEL_COLORS = {"red": "#dc3545", "orange": "#fd7e14", "yellow": "#ffc107"}  # the alert levels as the alert cards show them
AGE_COLORS = ("#198754", "#ffc107", "#fd7e14", "#dc3545")  # older is redder
BASE_COLUMNS = (("total", "在册儿童"), ("left_behind", "农村留守儿童"), ("difficulty", "困境儿童"))


def dashboard_node(actor, code: str | None) -> Region:
    """The node asked for, within the regions the actor's dashboard roles answer for and below
    them; the same 404 for unknown and out of reach. Without a code: the actor's highest."""
    return node_within([a.region for a in scope_of(actor).assignments_with("dashboard") if a.region_id], code)


def _unit_length(node: Region) -> int:
    return 12 if node.level >= 4 else CODE_LENGTH[node.level + 1]


def _cached(key: str, seconds: int, compute):
    """(value, computed at): a figure kept for `seconds` (the file cache: shared by the workers)."""
    hit = cache.get(key)
    if hit is None:
        hit = (compute(), timezone.now())
        cache.set(key, hit, seconds)
    return hit


def open_work(node: Region, *, today: date, now: datetime) -> dict:
    """The node's open work by unit: care coverage, alerts, cases, dropout (grouped counts)."""
    rng, n = code_range(node.code), _unit_length(node)
    return {"care": coverage_by_unit(village_range=rng, unit_length=n, today=today),
            "alerts": alert_selectors.open_alerts_by_unit(village_range=rng, unit_length=n, now=now),
            "cases": protection_cases.open_cases_by_unit(village_range=rng, unit_length=n, now=now),
            "dropout": dropout_by_unit(village_range=rng, unit_length=n, today=today)}


def trend_months(today: date) -> list[date]:
    this = report_rules.month_start(today)
    return [report_rules.add_months(this, i) for i in range(1 - TREND_MONTHS, 1)]


@dataclass
class Chart:
    """One chart's JSON for `static/js/dashboard.js`: labels, series ({name, data, stack?}), and
    `links[series][index]` — the list behind each bar or point ("" where the reader has none)."""
    id: str
    title: str
    kind: str  # "bar" (horizontal, stacked by `stack`) | "line"
    labels: list
    series: list
    links: list
    note: str = ""

    def as_json(self) -> dict:
        return {"kind": self.kind, "labels": self.labels, "series": self.series, "links": self.links}


@dataclass
class Tile:
    code: str
    label: str
    figures: list  # [(label, value, warn)]
    link: str
    status: str = ""  # 月报 status of a township tile
    status_label: str = ""


@dataclass
class Dashboard:
    node: Region
    unit_label: str
    statistics: bool
    charts: list[Chart]
    tiles: list[Tile]
    totals: list  # [(label, value, link)]
    trend_at: datetime
    counts_at: datetime
    children: list = field(default_factory=list)  # nodes below, for the picker


def _url(name: str, **params) -> str:
    params = {k: v for k, v in params.items() if v not in ("", None)}
    return reverse(name) + ("?" + urlencode(params) if params else "")


def _pct(ok: int, n: int, statistics: bool) -> float | None:
    """A rate in percent (one decimal); None without a denominator — or, for a statistics-only
    reader, over fewer than five children (1 of 2 would name a family as surely as a count)."""
    if not n or (statistics and n < THRESHOLD):
        return None
    return round(100 * ok / n, 1)


def _suppress_series(series: list[dict]) -> list[dict]:
    """Each series' values as a statistics-only reader sees them (`rules.small_counts`, per column)."""
    out = []
    for s in series:
        rows, _total = suppress_table([{"v": v} for v in s["data"]], {"v": sum(s["data"])}, ["v"])
        out.append({**s, "data": [r["v"] for r in rows]})
    return out


def build(actor, node: Region, *, today: date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    now = timezone.now()
    statistics = statistics_only(scope_of(actor))
    can = {need: allowed(actor, need) for need in ("reads_records", "sees_alerts", "handles_cases", "dropout_work", "dropout_figures",
                                                   "answers_for_region")}

    def dropout_link(status: str, code: str) -> str:
        """The place's cases for those who work them; the county's figures page for those who read figures."""
        if can["dropout_work"]:
            return _url("schooling:dropouts", status=status, region=code)
        return _url("schooling:dropout_figures") if can["dropout_figures"] else ""

    base = stats.region_table(node)
    units = [(r.link["region"], r.label) for r in base.rows]
    work, counts_at = _cached(f"dashboard:work:{node.code}:{today}", COUNTS_SECONDS, lambda: open_work(node, today=today, now=now))
    months = trend_months(today)
    trend, trend_at = _cached(f"dashboard:trend:{node.code}:{today}", TREND_SECONDS, lambda: reports.month_series(node=node, months=months))

    def series(rows, keys):
        data = [{"name": label, "data": [int(rows.get(code, {}).get(k) or 0) for code, _ in units]} for k, label in keys]
        return _suppress_series(data) if statistics else data

    labels = [label for _, label in units]
    charts = []
    # 底数 by unit: each bar is the children list of that place and category
    base_rows = {r.link["region"]: r.counts for r in base.rows}
    charts.append(Chart("chart-base", f"各{base.unit_label}底数", "bar", labels, series(base_rows, BASE_COLUMNS),
                        [[_url("registry:list", region=code, category="" if k == "total" else k) if can["reads_records"] else ""
                          for code, _ in units] for k, _ in BASE_COLUMNS]))
    # the month trend, rebuilt from history: each point is that month's report
    trend_series = [{"name": label, "data": [t[k] for t in trend]} for k, label in reports.TREND_COLUMNS]
    if statistics:
        trend_series = [{**s, "data": [suppress_count(v) for v in s["data"]]} for s in trend_series]
    charts.append(Chart("chart-trend", "近12个月在册人数（按月末，由历史记录重建）", "line", [t["month"] for t in trend], trend_series,
                        [[_url("reports:monthly", node=node.code, month=t["month"]) if can["answers_for_region"] else "" for t in trend]
                         for _ in trend_series], note=f"每月按月末状态重建，与月报口径一致；{TREND_SECONDS // 60}分钟内缓存"))
    # care coverage (percent per unit): each bar is the visits of that place
    care = work["care"]
    care_keys = (("contact", "亲情联系按时率"), ("visits", "走访按时率"), ("pair", "一对一落实率"))
    care_series = [{"name": label, "data": [_pct(care.get(code, {}).get(f"{k}_ok", 0), care.get(code, {}).get(k, 0), statistics) for code, _ in units]}
                   for k, label in care_keys]
    charts.append(Chart("chart-care", "关爱帮扶覆盖（%）", "bar", labels, care_series,
                        [[_url("care:visits", region=code) if can["reads_records"] else "" for code, _ in units] for _ in care_keys],
                        note="按当前待办统计：亲情联系、走访未逾期的比例；一对一为重点儿童已结对的比例"))
    # open alerts by level, and by age
    alerts = work["alerts"]
    alert_links = [[_url("protection:alerts", level=lv, region=code) if can["sees_alerts"] else "" for code, _ in units] for lv in A.LEVELS]
    charts.append(Chart("chart-alerts", "未办结预警（按等级）", "bar", labels,
                        [{**s, "stack": "level", "color": LEVEL_COLORS[lv]} for s, lv in zip(series(alerts, list(A.LEVELS.items())), A.LEVELS, strict=True)],
                        alert_links))
    ages = alert_selectors.AGE_BANDS
    cases = work["cases"]
    age_chart_series = [{"name": label, "data": [sum(int(r.get(k) or 0) for r in alerts.values()), sum(int(r.get(k) or 0) for r in cases.values())],
                         "stack": "age", "color": color} for (k, label, _), color in zip(ages, AGE_COLORS, strict=True)]
    if statistics:
        age_chart_series = [{**s, "data": [suppress_count(v) for v in s["data"]]} for s in age_chart_series]
    charts.append(Chart("chart-ages", "未办结预警与在办个案的时长", "bar", ["预警", "保护个案"], age_chart_series,
                        [[_url("protection:alerts") if can["sees_alerts"] else "", _url("protection:cases") if can["handles_cases"] else ""]
                         for _ in ages], note="自触发或立案起算"))
    # dropout: open and overdue by unit
    dropout = work["dropout"]
    charts.append(Chart("chart-dropout", "控辍保学进行中与逾期", "bar", labels,
                        [{**s, "color": c} for s, c in zip(series(dropout, (("open", "进行中"), ("overdue", "已逾期"))), ("#0d6efd", "#dc3545"), strict=True)],
                        [[dropout_link(st, code) for code, _ in units] for st in ("open", "late")]))

    # the tiles: one per unit, each leading to that unit's screen
    statuses = reports.township_statuses([code for code, _ in units], month=report_rules.previous_month(today), today=today) if node.level == 3 else {}
    tiles = []
    for code, label in units:
        b, a, c, d = base_rows.get(code, {}), alerts.get(code, {}), care.get(code, {}), dropout.get(code, {})
        figs = [("在册", b.get("total", 0), False), ("留守", b.get("left_behind", 0), False), ("困境", b.get("difficulty", 0), False),
                ("红色预警", a.get("red", 0), bool(a.get("red"))), ("走访逾期", c.get("visits", 0) - c.get("visits_ok", 0), False),
                ("控辍逾期", d.get("overdue", 0), bool(d.get("overdue")))]
        if statistics:
            figs = [(lbl, suppress_count(v), warn) for lbl, v, warn in figs]
        st = statuses.get(code)
        tiles.append(Tile(code, label, figs, _url("dashboard", node=code), *(st or ("", ""))))

    total = base.total.counts
    totals = [("在册儿童", total.get("total", 0), _url("registry:list", region=node.code) if can["reads_records"] else ""),
              ("农村留守儿童", total.get("left_behind", 0), _url("registry:list", region=node.code, category="left_behind") if can["reads_records"] else ""),
              ("困境儿童", total.get("difficulty", 0), _url("registry:list", region=node.code, category="difficulty") if can["reads_records"] else ""),
              ("红色预警未办结", sum(r.get("red", 0) for r in alerts.values()), _url("protection:alerts", level="red", region=node.code) if can["sees_alerts"] else ""),
              ("在办保护个案", sum(r.get("open", 0) for r in cases.values()), _url("protection:cases") if can["handles_cases"] else ""),
              ("控辍保学逾期", sum(r.get("overdue", 0) for r in dropout.values()), dropout_link("late", node.code))]
    if statistics:
        totals = [(lbl, suppress_count(v), link) for lbl, v, link in totals]
    return Dashboard(node, base.unit_label, statistics, charts, tiles, totals, trend_at, counts_at)
