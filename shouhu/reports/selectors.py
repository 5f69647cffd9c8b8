"""Reads of the monthly report. Figures are reconstructed "as of" a month's last day from the
child history table, as known at a moment (`known_at`, default now), and aggregated in the
database (one grouped query with conditional counts per table family), never child by child.

The state of a child at month end = its latest-recorded historical row (by history_date,
history_id) among the rows that take effect by month end (effective_date <= month end; a row
without an effective date takes effect when recorded) and were recorded by `known_at`. A child
whose state row is a deletion ("-") does not exist at that moment. Counts cover state rows in 在册
status. The same reconstruction with known_at = a submission's time gives back its frozen figures.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber, Substr, TruncDate
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.core.errors import NotFound
from shouhu.regions.models import CODE_LENGTH, Region, code_range
from shouhu.regions.selectors import node_within
from shouhu.registry.fields import statistics_only
from shouhu.registry.hooks import report_sections
from shouhu.registry.models import CategoryEvent, Child
from shouhu.registry.selectors import CATEGORY_FILTERS, birth_range_for_age
from shouhu.rules import choices as C
from shouhu.rules.small_counts import suppress_count, suppress_table

from . import rules
from .models import Reminder, Submission

History = Child.history.model
ACTIVE = Child.Status.ACTIVE
AWAY = "外出务工"


def deadline_day() -> int:
    return int(settings.SHOUHU.get("REPORT_DEADLINE_DAY", rules.DEADLINE_DAY))


# -- who may see which nodes ---------------------------------------------------------------------
def _subtree_q(code: str) -> Q:
    return Q(code__gte=code, code__lte=code + "9" * (12 - len(code)))


def _answering_nodes(actor) -> list[Region]:
    """Regions the actor answers for: the scope selector's region nodes (helpers have none)."""
    return scope_of(actor).region_nodes()


def report_nodes(actor) -> list[Region]:
    """The nodes the actor may choose: their regions and everything below, ordered by code."""
    roots = _answering_nodes(actor)
    if not roots:
        return []
    q = Q(pk__in=[])
    for r in roots:
        q |= _subtree_q(r.code)
    return list(Region.objects.filter(q).order_by("code"))


def node_for(actor, code: str | None) -> Region:
    """The region `code` if it is in the actor's report scope; the same 404 for unknown and
    out of scope. Without a code: the actor's first (highest) region."""
    return node_within(_answering_nodes(actor), code, none="无可查看的月报范围")


def shows_names(actor, node: Region) -> bool:
    """Children's names (entered/exited lists) only for users who may open those children's
    records by region: the administrative line over the node."""
    return any(a.role_def.line == "admin" and a.region_id and node.code.startswith(a.region.code) for a in scope_of(actor).assignments)


def county_nodes(actor) -> list[Region]:
    """County-level (or higher) regions of the actor: they see the submission status page."""
    return [r for r in _answering_nodes(actor) if r.level <= 3]


def can_submit(actor, township: Region) -> bool:
    """Township supervisor of that township, or the county admin over it (on behalf)."""
    if township.level != 4:
        return False
    for a in scope_of(actor).assignments:
        if a.role == "township_supervisor" and a.region_id == township.pk:
            return True
        if a.role == "county_admin" and a.region_id and township.code.startswith(a.region.code):
            return True
    return False


def can_reopen(actor, township: Region) -> bool:
    return township.level == 4 and any(
        a.role == "county_admin" and a.region_id and township.code.startswith(a.region.code) for a in scope_of(actor).assignments
    )


# -- the state of every child at a month end -------------------------------------------------------
def _effective_by(month_end: date) -> Q:
    """Rows in effect by the end of `month_end` (local time for rows without an effective date)."""
    end_dt = timezone.make_aware(datetime.combine(month_end + timedelta(days=1), time.min))
    return Q(effective_date__lte=month_end) | Q(effective_date__isnull=True, history_date__lt=end_dt)


def state_rows(*, month_end: date, known_at: datetime, node: Region | None = None) -> QuerySet:
    """Each child's state row as of `month_end` as known at `known_at` (any status, deletions
    excluded): ROW_NUMBER() over each child's rows, newest (history_date, history_id) first —
    one window pass, the same SQL on SQLite and PostgreSQL. With `node`, only children that have
    some row under the node are ranked (all their rows, so a child who moved away is not taken
    back by an old row); callers still filter the state rows by the node."""
    candidates = History.objects.filter(_effective_by(month_end), history_date__lte=known_at)
    if node is not None and node.level >= 4:
        touched = History.objects.filter(_in_history_node(node)).values("id")
        candidates = candidates.filter(id__in=touched)
    ranked = candidates.annotate(
        rn=Window(RowNumber(), partition_by=[F("id")], order_by=[F("history_date").desc(), F("history_id").desc()])
    ).filter(rn=1)
    return History.objects.filter(history_id__in=ranked.values("history_id")).exclude(history_type="-")


def _in_history_node(node: Region) -> Q:
    """History rows under the node, through the indexed township_code column."""
    if node.level >= 4:
        return Q(township_code=node.code[:9], village_code__range=code_range(node.code))
    return Q(township_code__range=(node.code.ljust(9, "0"), node.code.ljust(9, "9")))


def _in_node(node: Region) -> Q:
    return Q(village_code__range=code_range(node.code))


def _units(node: Region) -> tuple[list[list[str]], str]:
    if node.level >= 5:
        return [[node.code, node.display_name]], rules.UNIT_LABELS[5]
    units = [[r.code, r.display_name] for r in Region.objects.filter(parent=node).order_by("code")]
    return units, rules.UNIT_LABELS[node.level + 1]


def _unit_expr(node: Region):
    """The column giving a child's unit at the level below `node`."""
    if node.level >= 4:
        return F("village_code")
    if node.level == 3:
        return F("township_code")
    return Substr("village_code", 1, CODE_LENGTH[node.level + 1])


@dataclass
class _Metric:
    table: str
    column: str
    q: Q


def _metrics(month_end: date, provinces: list[str]) -> list[_Metric]:
    out = [_Metric("categories", "total", Q())]
    out += [_Metric("categories", k, CATEGORY_FILTERS[k]) for k, _ in rules.CATEGORY_COLUMNS if k != "total"]
    out += [_Metric("guardianship", v, Q(guardianship=v)) for v in C.GUARDIANSHIP]
    for key, _label, lo, hi in rules.AGE_BANDS:
        out.append(_Metric("age", key, Q(birth_date__range=birth_range_for_age(lo, hi, month_end))))
    out += [_Metric("schooling", v, Q(schooling=v)) for v in C.SCHOOLING]
    father, mother = Q(father_situation=AWAY), Q(mother_situation=AWAY)
    out.append(_Metric("province", rules.AWAY_ANY, father | mother))
    for p in provinces:  # each child once per province among its away parents
        out.append(_Metric("province", p, (father & Q(father_work_province=p)) | (mother & Q(mother_work_province=p))))
    return out


def _provinces(node: Region, month_end: date, known_at: datetime) -> list[str]:
    """Provinces that away parents under the node had in any row recorded by then: a cheap
    superset (no ranking); provinces that count no child are dropped when the table is built."""
    rows = History.objects.filter(_in_history_node(node), _effective_by(month_end), history_date__lte=known_at)
    f = rows.filter(father_situation=AWAY).values_list("father_work_province", flat=True).distinct().order_by()
    m = rows.filter(mother_situation=AWAY).values_list("mother_work_province", flat=True).distinct().order_by()
    return sorted(set(f) | set(m))


def node_counts(*, node: Region, month: date, known_at: datetime | None = None, by_unit: bool = True) -> dict:
    """{unit code: {table key: {column: n}}} for the units below `node` (by_unit), or
    {node code: {…}} computed directly over the node (by_unit=False). One grouped query for the
    state counts, one for the movements, plus one to list the provinces."""
    known_at = known_at or timezone.now()
    first, last = rules.month_bounds(month)
    rows = state_rows(month_end=last, known_at=known_at, node=node).filter(_in_node(node), status=ACTIVE)
    metrics = _metrics(last, _provinces(node, last, known_at))
    aggs = {f"m{i}": Count("history_id", filter=m.q) if m.q else Count("history_id") for i, m in enumerate(metrics)}

    out: dict[str, dict] = {}

    def put(unit: str, table: str, column: str, n: int) -> None:
        out.setdefault(unit, {k: {} for k in rules.TABLE_KEYS})[table][column] = n

    if by_unit:
        result = rows.annotate(unit=_unit_expr(node)).values("unit").annotate(**aggs).order_by()
    else:
        agg = rows.aggregate(**aggs)
        result = [{"unit": node.code, **agg}] if agg["m0"] else []
    for r in result:
        for i, m in enumerate(metrics):
            put(r["unit"], m.table, m.column, r[f"m{i}"] or 0)

    events = movement_events(node=node, month=month, known_at=known_at)
    if by_unit:
        ev = events.annotate(unit=Substr("vcode", 1, _unit_length(node))).values("unit")
        ev = ev.annotate(**{k: Count("id", filter=Q(kind=k)) for k in rules.MOVEMENT_KINDS}).order_by()
        ev_rows = list(ev)
    else:
        agg = events.aggregate(**{k: Count("id", filter=Q(kind=k)) for k in rules.MOVEMENT_KINDS})
        ev_rows = [{"unit": node.code, **agg}]
    for r in ev_rows:
        for k in rules.MOVEMENT_KINDS:
            put(r["unit"], "movement", k, r[k] or 0)
    return out


def _unit_length(node: Region) -> int:
    return 12 if node.level >= 4 else CODE_LENGTH[node.level + 1]


def movement_events(*, node: Region, month: date, known_at: datetime) -> QuerySet:
    """纳入/重新纳入/退出 events dated in the month, recorded by known_at, of children whose state
    at month end (as known then) lies in the node; annotated with that state's village code (vcode)
    and name (hname)."""
    first, last = rules.month_bounds(month)
    state = (History.objects.filter(_effective_by(last), id=OuterRef("child_id"), history_date__lte=known_at)
             .exclude(history_type="-").order_by("-history_date", "-history_id"))
    return (CategoryEvent.objects.filter(kind__in=list(rules.MOVEMENT_KINDS), date__range=(first, last), created_at__lte=known_at)
            .annotate(vcode=Subquery(state.values("village_code")[:1]), hname=Subquery(state.values("name")[:1]))
            .filter(vcode__range=code_range(node.code)))


def movement_list(*, node: Region, month: date, known_at: datetime) -> list[dict]:
    events = movement_events(node=node, month=month, known_at=known_at).order_by("date", "vcode", "id")
    rows = list(events.values("child__uid", "hname", "vcode", "date", "kind", "reason"))
    villages = dict(Region.objects.filter(code__in={r["vcode"] for r in rows}).values_list("code", "short_name"))
    return [
        {"uid": str(r["child__uid"]), "name": r["hname"], "village": villages.get(r["vcode"], r["vcode"]), "date": r["date"].isoformat(),
         "kind": r["kind"], "kind_label": rules.MOVEMENT_KINDS[r["kind"]], "reason": r["reason"]}
        for r in rows
    ]


def report_figures(*, node: Region, month: date, known_at: datetime | None = None) -> dict:
    """Everything the report shows for `node` and `month` as a JSON-able dict (no scope check:
    callers check; services freeze exactly this)."""
    known_at = known_at or timezone.now()
    month = rules.month_start(month)
    first, last = rules.month_bounds(month)
    units, unit_label = _units(node)
    counts = node_counts(node=node, month=month, known_at=known_at)
    node_ref = [node.code, node.display_name]

    def table(key, columns):
        per_unit = {code: (c.get(key) or {}) for code, c in counts.items()}
        return rules.build_table(key, columns, units, per_unit, node=node_ref, unit_label=unit_label)

    province_totals: dict[str, int] = {}
    for c in counts.values():
        for p, n in (c.get("province") or {}).items():
            if p != rules.AWAY_ANY and n:
                province_totals[p] = province_totals.get(p, 0) + n
    tables = [
        table("categories", rules.CATEGORY_COLUMNS),
        table("guardianship", rules.simple_columns(C.GUARDIANSHIP)),
        table("age", rules.AGE_COLUMNS),
        table("schooling", rules.simple_columns(C.SCHOOLING)),
        table("province", rules.province_columns(province_totals)),
        table("movement", rules.MOVEMENT_COLUMNS),
    ]
    return {
        "month": rules.format_month(month),
        "as_of": last.isoformat(),
        "node": {"code": node.code, "name": node.display_name, "level": node.level},
        "tables": tables,
        "movements": movement_list(node=node, month=month, known_at=known_at),
        "sections": section_tables(node=node, month=month, known_at=known_at, units=units, unit_label=unit_label),
    }


OUTSIDE_UNITS = "未建档学生（学校所在乡镇）"


def section_tables(*, node: Region, month: date, known_at: datetime, units: list, unit_label: str) -> list[dict]:
    """The feature apps' tables (`registry.hooks.report_sections`: 控辍保学 …), by the same units
    as the report's own. Work placed under the node but in none of its units (a pupil without a
    record sits at the school's township) gets a row of its own, so the total is everything."""
    first, last = rules.month_bounds(month)
    length = _unit_length(node)
    known = {code for code, _ in units}
    out = []
    population = None
    for section in report_sections():
        per_unit: dict[str, dict[str, int]] = {}
        extra = {}
        if section.population:
            if population is None:
                population = state_rows(month_end=last, known_at=known_at, node=node).filter(_in_node(node), status=ACTIVE)
            extra["children"] = population
        for code, counts in section.counts(village_range=code_range(node.code), first=first, last=last, known_at=known_at, **extra).items():
            unit = code[:length] if code[:length] in known else node.code
            cell = per_unit.setdefault(unit, {})
            for k, n in counts.items():
                cell[k] = cell.get(k, 0) + n
        rows = list(units) + ([[node.code, OUTSIDE_UNITS]] if node.code in per_unit and node.code not in known else [])
        table = rules.build_table(section.key, section.columns, rows, per_unit, node=[node.code, node.display_name],
                                  unit_label=unit_label, title=section.title)
        out.append({**table, "note": section.note})
    return out


def direct_totals(*, node: Region, month: date, known_at: datetime | None = None) -> dict:
    """The node's figures computed over the node directly (no grouping): {table key: {column: n}}."""
    counts = node_counts(node=node, month=month, known_at=known_at, by_unit=False)
    return counts.get(node.code) or {k: {} for k in rules.TABLE_KEYS}


# -- the pages' reads ---------------------------------------------------------------------------
def open_submission(*, township: Region, month: date) -> Submission | None:
    return (Submission.objects.filter(township=township, kind=Submission.Kind.MONTHLY, month=rules.month_start(month), reopened_at__isnull=True)
            .select_related("submitted_by").first())


@dataclass
class MonthlyView:
    node: Region
    month: date
    figures: dict
    submission: Submission | None  # the open submission of a township node
    frozen: bool  # figures are the submission's
    summary: list = None  # [(label, count)]: the figures at the top of the page


def _summary(figures: dict) -> list:
    categories = figures["tables"][0]["total"]["counts"]
    movement = figures["tables"][-1]["total"]["counts"]
    return [("在册儿童", categories.get("total", 0)), ("农村留守儿童", categories.get("left_behind", 0)),
            ("本月纳入", movement.get("enter", 0) + movement.get("reenter", 0)), ("本月退出", movement.get("exit", 0))]


def _suppressed(t: dict) -> dict:
    keys = [k for k, _ in t["columns"]]
    rows, total = suppress_table([r["counts"] for r in t["rows"]], t["total"]["counts"], keys)
    return {**t, "rows": [{**r, "counts": c} for r, c in zip(t["rows"], rows, strict=True)], "total": {**t["total"], "counts": total}}


def figures_for_statistics(figures: dict) -> dict:
    """The figures a statistics-only reader gets: counts 1–4 as "<5" in every table, and no list
    of who entered or left (a village, a date and a reason point at one family)."""
    tables = [_suppressed(t) for t in figures["tables"]]
    return {**figures, "tables": tables, "movements": [], "sections": [_suppressed(t) for t in figures.get("sections", [])]}


def monthly_report(actor, *, node_code: str | None, month: date, live: bool = False) -> MonthlyView:
    """The report the actor asked for: the frozen figures of a submitted township month (unless
    `live`), otherwise computed now. Out of scope / unknown node → 404. A statistics-only reader
    gets small counts suppressed, on the page and in the download alike."""
    node = node_for(actor, node_code)
    month = rules.month_start(month)
    sub = open_submission(township=node, month=month) if node.level == 4 else None
    if sub is not None and not live:
        view = MonthlyView(node, month, sub.figures, sub, True)
    else:
        view = MonthlyView(node, month, report_figures(node=node, month=month), sub, False)
    view.summary = _summary(view.figures)
    if statistics_only(scope_of(actor)):
        view.figures = figures_for_statistics(view.figures)
        view.summary = [(label, suppress_count(n)) for label, n in view.summary]
    return view


@dataclass
class StatusRow:
    township: Region
    status: str
    label: str
    submission: Submission | None


def submission_status(actor, *, month: date, today: date | None = None) -> list[StatusRow]:
    """Each township under the actor's county-level regions: submitted (who, when) / pending /
    late. Users without a county-level region get 404."""
    roots = county_nodes(actor)
    if not roots:
        raise NotFound("仅县级用户可查看上报情况")
    today = today or timezone.localdate()
    month = rules.month_start(month)
    q = Q(pk__in=[])
    for r in roots:
        q |= _subtree_q(r.code)
    townships = list(Region.objects.filter(q, level=4).order_by("code"))
    subs = {s.township_id: s for s in Submission.objects.filter(kind=Submission.Kind.MONTHLY, month=month, reopened_at__isnull=True,
                                                                 township__in=townships)
            .select_related("submitted_by")}
    day = deadline_day()
    out = []
    for t in townships:
        s = subs.get(t.pk)
        on = timezone.localtime(s.submitted_at).date() if s else None
        st = rules.submission_status(month, on, today, day)
        out.append(StatusRow(t, st, rules.STATUS_LABELS[st], s))
    return out


def reminded_today(townships: list[Region], *, today: date) -> dict[int, datetime]:
    """{township id: when} of today's 催报 (at most one a day per township)."""
    return dict(Reminder.objects.filter(township__in=townships, day=today).values_list("township_id", "sent_at"))


def township_statuses(codes: list[str], *, month: date, today: date) -> dict[str, tuple[str, str]]:
    """{township code: (status, label)} of a month's 月报 for these townships (no scope check: the
    caller's node holds them)."""
    month = rules.month_start(month)
    submitted = dict(Submission.objects.filter(kind=Submission.Kind.MONTHLY, month=month, reopened_at__isnull=True, township__code__in=codes)
                     .values_list("township__code", "submitted_at"))
    day = deadline_day()
    out = {}
    for code in codes:
        at = submitted.get(code)
        st = rules.submission_status(month, timezone.localtime(at).date() if at else None, today, day)
        out[code] = (st, rules.STATUS_LABELS[st])
    return out


# -- the months' totals for a trend (the leaders' screen) ----------------------------------------------
TREND_COLUMNS: list[list[str]] = [["total", "在册儿童"], ["left_behind", "农村留守儿童"], ["difficulty", "困境儿童"]]
_TREND_FIELDS = {"left_behind": "is_left_behind", "difficulty": "is_difficulty"}


def month_series(*, node: Region, months: list[date], known_at: datetime | None = None) -> list[dict]:
    """[{"month": "2026-03", "total": n, "left_behind": n, "difficulty": n}, …]: the node's 在册
    figures at each month's end as known at `known_at`, by the same rule as the report's
    (`state_rows`: each child's latest-recorded row in effect by the month's end) — but in one read
    of the node's children's history rows, walked in Python for every month at once, instead of
    one ranking per month (twelve months of a county of 100,000 children: one pass, not twelve).
    A row takes effect on its effective date, else on the local day it was recorded (the same as
    `_effective_by`), computed by the database so that no timestamp is parsed here."""
    known_at = known_at or timezone.now()
    ends = [rules.month_end(m) for m in months]
    lo, hi = code_range(node.code)
    touched = History.objects.filter(_in_history_node(node)).values("id")
    rows = (History.objects.filter(id__in=touched, history_date__lte=known_at)
            .annotate(takes_effect=Coalesce("effective_date", TruncDate("history_date")))
            .order_by("id", "history_date", "history_id")
            .values_list("id", "takes_effect", "history_type", "status", "village_code", *_TREND_FIELDS.values()))
    # starts[i]: the figures of the children whose state changes at month i (a difference array,
    # summed up at the end): a child with one row — most children — costs one bisect
    n = len(ends)
    starts = [[0, 0, 0] for _ in range(n + 1)]

    def counted(r) -> tuple[int, int, int] | None:
        if r[2] != "-" and r[3] == ACTIVE and lo <= r[4] <= hi:
            return 1, 1 if r[5] else 0, 1 if r[6] else 0
        return None

    def add(i: int, j: int, c) -> None:  # months i..j-1 count c
        if c is not None and i < j:
            for k in range(3):
                starts[i][k] += c[k]
                starts[j][k] -= c[k]

    def settle(child_rows):
        if len(child_rows) == 1:
            r = child_rows[0]
            add(bisect_left(ends, r[1]), n, counted(r))
            return
        state, since = None, 0
        for i, end in enumerate(ends):
            now_state = next((r for r in reversed(child_rows) if r[1] <= end), None)  # newest recorded in effect
            if now_state is not state:
                if state is not None:
                    add(since, i, counted(state))
                state, since = now_state, i
        if state is not None:
            add(since, n, counted(state))

    current, child_rows = None, []
    for r in rows.iterator(chunk_size=5000):
        if r[0] != current:
            if child_rows:
                settle(child_rows)
            current, child_rows = r[0], []
        child_rows.append(r)
    if child_rows:
        settle(child_rows)
    counts, running = [], [0, 0, 0]
    for i in range(n):
        running = [a + b for a, b in zip(running, starts[i], strict=True)]
        counts.append(dict(zip((k for k, _ in TREND_COLUMNS), running, strict=True)))
    return [{"month": rules.format_month(m), **c} for m, c in zip(months, counts, strict=True)]
