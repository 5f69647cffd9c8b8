"""Pure logic of the monthly report (月报): month arithmetic, the submission deadline, and
building the per-level tables (one row per unit of the level below, plus a total row) from plain
dicts of counts. No Django import: everything here is tested table-driven, without a database.

A table is a plain JSON-able dict (lists, not tuples: a frozen submission is stored as JSON and
must compare equal to a recomputation):

    {"key": "categories", "title": "分类统计", "unit_label": "村（社区）",
     "columns": [["total", "在册儿童"], …],
     "rows": [{"code": "421088109200", "label": "光荣村", "counts": {"total": 3, …}}, …],
     "total": {"code": "421088109", "label": "合计", "counts": {…}}}
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

# Day N of the following month: after it, a township that has not submitted is late (逾期).
# Overridden by settings.SHOUHU["REPORT_DEADLINE_DAY"].
DEADLINE_DAY = 5

# -- the columns -------------------------------------------------------------------------------
CATEGORY_COLUMNS: list[list[str]] = [
    ["total", "在册儿童"],
    ["left_behind", "农村留守儿童"],
    ["left_behind_double", "其中：双亲留守"],
    ["left_behind_single", "其中：单亲留守"],
    ["orphan", "孤儿"],
    ["de_facto", "事实无人抚养儿童"],
    ["difficulty", "困境儿童"],
    ["parents_imprisoned", "父母服刑"],
    ["unguarded", "无人监护"],
    ["poor_guardianship", "监护差"],
]
# (key, label, lowest age, highest age) in whole years on the month's last day.
AGE_BANDS: list[tuple[str, str, int, int]] = [
    ("0-5", "0–5岁", 0, 5),
    ("6-13", "6–13岁", 6, 13),
    ("14-16", "14–16岁（不满16）", 14, 15),
    ("16-18", "16–17岁", 16, 17),
]
AGE_COLUMNS: list[list[str]] = [[k, label] for k, label, _, _ in AGE_BANDS]
MOVEMENT_COLUMNS: list[list[str]] = [["enter", "纳入"], ["reenter", "重新纳入"], ["exit", "退出"]]
MOVEMENT_KINDS: dict[str, str] = dict(MOVEMENT_COLUMNS)  # type: ignore[arg-type]
AWAY_ANY = "__away__"  # province table: children with at least one parent away working
NO_PROVINCE = "未填写省份"

UNIT_LABELS = {1: "省", 2: "市", 3: "县（市、区）", 4: "乡镇（街道）", 5: "村（社区）"}

TITLES = {
    "categories": "分类统计",
    "guardianship": "监护情况",
    "age": "年龄段（截至月末）",
    "schooling": "就学情况",
    "province": "父母外出务工省份",
    "movement": "本月纳入与退出",
}
TABLE_KEYS = list(TITLES)


def simple_columns(values: Iterable[str]) -> list[list[str]]:
    """Columns whose key is their label (guardianship ratings, schooling values)."""
    return [[v, v] for v in values]


def province_columns(counts: Mapping[str, int]) -> list[list[str]]:
    """Province columns: most children first, then by name; the blank province last.
    `counts` maps province ("" = not filled in) to the node's total."""
    named = sorted((p for p in counts if p), key=lambda p: (-counts[p], p))
    cols = [[AWAY_ANY, "有父母外出务工"]] + [[p, p] for p in named]
    if "" in counts:
        cols.append(["", NO_PROVINCE])
    return cols


# -- months ------------------------------------------------------------------------------------
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def month_bounds(d: date) -> tuple[date, date]:
    return month_start(d), month_end(d)


def add_months(d: date, n: int) -> date:
    """First day of the month n months after d's month (n may be negative)."""
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, 1)


def previous_month(today: date) -> date:
    return add_months(today, -1)


def parse_month(text: str | None) -> date | None:
    """"2026-03" → 2026-03-01; anything else → None."""
    m = MONTH_RE.match((text or "").strip())
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 9999):
        return None
    return date(year, month, 1)


def format_month(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def month_label(d: date) -> str:
    return f"{d.year}年{d.month}月"


def month_closed(month: date, today: date) -> bool:
    """A month can be submitted once it is over."""
    return today > month_end(month)


def deadline(month: date, day: int = DEADLINE_DAY) -> date:
    """Day `day` of the month after `month` (clamped to that month's length)."""
    nxt = add_months(month, 1)
    return nxt.replace(day=max(1, min(day, calendar.monthrange(nxt.year, nxt.month)[1])))


SUBMITTED, SUBMITTED_LATE, PENDING, LATE = "submitted", "submitted_late", "pending", "late"
STATUS_LABELS = {SUBMITTED: "已上报", SUBMITTED_LATE: "已上报（逾期）", PENDING: "未上报", LATE: "逾期未报"}


def submission_status(month: date, submitted_on: date | None, today: date, day: int = DEADLINE_DAY) -> str:
    """submitted / submitted_late (after the deadline) / pending (not yet, deadline not passed) /
    late (not submitted and the deadline has passed)."""
    due = deadline(month, day)
    if submitted_on is not None:
        return SUBMITTED if submitted_on <= due else SUBMITTED_LATE
    return LATE if today > due else PENDING


# -- tables ------------------------------------------------------------------------------------
def build_table(key: str, columns: Sequence[Sequence[str]], units: Sequence[Sequence[str]], counts: Mapping[str, Mapping[str, int]],
                *, node: Sequence[str], unit_label: str, title: str | None = None) -> dict:
    """One row per unit (code, label), zeros for missing counts, and the total row (sum of the
    rows). `counts` maps a unit code to {column key: count}; codes that are not units are ignored
    here (the caller's check against the node's direct figure catches them)."""
    cols = [[str(k), str(label)] for k, label in columns]
    rows = []
    for code, label in units:
        c = counts.get(code) or {}
        rows.append({"code": code, "label": label, "counts": {k: int(c.get(k) or 0) for k, _ in cols}})
    total = {k: sum(r["counts"][k] for r in rows) for k, _ in cols}
    return {"key": key, "title": title or TITLES.get(key, key), "unit_label": unit_label, "columns": cols, "rows": rows,
            "total": {"code": node[0], "label": "合计", "counts": total}}


def sum_mismatches(table: Mapping) -> list[str]:
    """Columns whose total differs from the sum of the rows (empty list = consistent)."""
    out = []
    for k, label in table["columns"]:
        s = sum(r["counts"].get(k, 0) for r in table["rows"])
        t = table["total"]["counts"].get(k, 0)
        if s != t:
            out.append(f"{table['title']}·{label}：合计 {t} ≠ 各行之和 {s}")
    return out


def total_mismatches(table: Mapping, direct: Mapping[str, int]) -> list[str]:
    """Columns whose total differs from the node's figure computed directly."""
    return [f"{table['title']}·{label}：合计 {table['total']['counts'].get(k, 0)} ≠ 直接统计 {direct.get(k, 0)}"
            for k, label in table["columns"] if table["total"]["counts"].get(k, 0) != direct.get(k, 0)]
