"""考核 (docs/domain.md, "Supervision and evaluation"): the indicators a township and a school are
scored on, each a rate computed from the records (numerator over denominator), with a weight and a
target that the county sets; a score out of 100; and 控辍保学's one-vote veto (一票否决, 002 篇五).
Pure: no Django.

A unit's score: for each indicator with a denominator, min(1, rate ÷ target) × weight, summed and
scaled to the weights that apply (an indicator with nothing to count — no red alert in the quarter
— neither helps nor hurts). A veto indicator with any count marks the unit 一票否决, whatever the
score. Figures add up: a township's numerator and denominator are the sums of its villages', the
county's of its townships' (tested like the monthly report's totals)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType


@dataclass(frozen=True)
class Spec:
    label: str
    weight: float  # points out of the weights that apply
    target: float  # percent: at or above it, full points
    veto: bool = False  # a count, not a rate: any > 0 is 一票否决
    help: str = ""


# the indicator table: key -> what it is and the county's defaults (weights sum to 100)
INDICATORS: Mapping[str, Spec] = MappingProxyType({
    "quality": Spec("档案质量", 15, 95, help="在册儿童中没有“错误”级数据质量问题的比例"),
    "visits": Spec("走访按时", 15, 90, help="应走访的儿童中，期末未逾期的比例"),
    "contact": Spec("亲情联系", 10, 90, help="需要亲情联系的儿童中，期末未逾期的比例"),
    "one_to_one": Spec("一对一帮扶", 15, 100, help="孤儿、事实无人抚养儿童等重点儿童中已落实一对一帮扶的比例"),
    "alerts": Spec("红色预警按时签收", 10, 100, help="本期新出现的红色预警中按时签收的比例"),
    "rectify": Spec("督查整改按时", 10, 100, help="本期到期的督查问题中按期整改并通过复核的比例"),
    "reports": Spec("月报按时上报", 5, 100, help="本期各月月报按时上报的比例（乡镇）"),
    # 003: 困境儿童兜底保障率要达到100%
    "benefits": Spec("兜底保障率", 10, 100, help="符合孤儿、事实无人抚养、低保特困或残疾人补贴条件的儿童中，应享尽享的比例"),
    "staffing": Spec("队伍配备", 10, 100, help="期末在岗的儿童主任（每村）、儿童督导员（每乡镇）、心理辅导教师（每校至少1名）占应配岗位的比例"),
    "dropout": Spec("控辍保学", 0, 0, veto=True, help="乡镇逾期未启动劝返或有学生下落不明，即一票否决"),
})


def quarter_of(on: date) -> tuple[int, int]:
    return on.year, (on.month - 1) // 3 + 1


def period_bounds(year: int, quarter: int | None = None) -> tuple[date, date]:
    """A quarter's (or, without one, the year's) first and last day."""
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    if not 1 <= quarter <= 4:
        raise ValueError("季度应为1至4")
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def parse_period(text: str) -> tuple[int, int | None]:
    """"2026Q3" → (2026, 3); "2026" → (2026, None); ValueError in words otherwise."""
    text = (text or "").strip().upper()
    try:
        if "Q" in text:
            y, q = text.split("Q")
            year, quarter = int(y), int(q)
            period_bounds(year, quarter)
            return year, quarter
        return int(text), None
    except ValueError:
        raise ValueError("考核期应写作 2026Q3（季度）或 2026（年度）") from None


def period_label(year: int, quarter: int | None) -> str:
    return f"{year}年第{quarter}季度" if quarter else f"{year}年度"


def period_key(year: int, quarter: int | None) -> str:
    return f"{year}Q{quarter}" if quarter else str(year)


def specs(overrides: Mapping[str, Mapping] | None = None) -> dict[str, Spec]:
    """The table with the county's weights and targets over the defaults."""
    out = dict(INDICATORS)
    for key, o in (overrides or {}).items():
        if key in out and not out[key].veto:
            s = out[key]
            out[key] = Spec(s.label, float(o.get("weight", s.weight)), float(o.get("target", s.target)), s.veto, s.help)
    return out


def rate(n: int, d: int) -> float | None:
    """Percent, one decimal; None when there is nothing to count."""
    return round(100 * n / d, 1) if d else None


@dataclass(frozen=True)
class Score:
    points: float | None  # out of 100; None when no indicator applies
    veto: bool
    parts: dict  # key -> points earned (None: does not apply)


def score(values: Mapping[str, tuple[int, int]], table: Mapping[str, Spec]) -> Score:
    """`values`: indicator key -> (numerator, denominator); a veto indicator's numerator is the count."""
    earned = weights = 0.0
    parts: dict[str, float | None] = {}
    veto = False
    for key, spec in table.items():
        n, d = values.get(key, (0, 0))
        if spec.veto:
            veto = veto or n > 0
            continue
        r = rate(n, d)
        if r is None or spec.weight <= 0:
            parts[key] = None
            continue
        got = spec.weight * (min(1.0, r / spec.target) if spec.target > 0 else 1.0)
        parts[key] = round(got, 1)
        earned += got
        weights += spec.weight
    return Score(round(100 * earned / weights, 1) if weights else None, veto, parts)


def add(*rows: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """Sum numerators and denominators per indicator (villages → township → county)."""
    out: dict[str, tuple[int, int]] = {}
    for row in rows:
        for k, (n, d) in row.items():
            a, b = out.get(k, (0, 0))
            out[k] = (a + n, b + d)
    return out
