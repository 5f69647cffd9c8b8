"""队伍建设 (docs/domain.md, "People"): which posts a county must fill, at which level and how many,
when a post is vacant on a day, and how often its holders leave (turnover). Pure: no Django.

Sources: 民发〔2019〕34号 (每个村（居）委会设立儿童主任，每个乡镇（街道）设立儿童督导员); 002 (每个学校配备
至少1名专兼职心理辅导教师); 003 (民政局探索设置公益岗位、聘用专业社工). A post is a (kind, place): a
place is a region code (a village, a township, the county) or a school ("school:<id>")."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

VILLAGE, TOWNSHIP, COUNTY, SCHOOL = "village", "township", "county", "school"
LEVEL_LABELS: Mapping[str, str] = MappingProxyType({VILLAGE: "村（社区）", TOWNSHIP: "乡镇（街道）", COUNTY: "县", SCHOOL: "学校"})


@dataclass(frozen=True)
class PostKind:
    code: str
    label: str
    levels: tuple[str, ...]  # where such a post sits
    at_least: int  # posts of this kind each place must have filled (0: none required)
    at_most: int | None  # holders one place may have at once (None: no limit)
    role: str  # the login role an appointment grants on the place ("" none: 社工 work through their organisation)
    source: str


KINDS: Mapping[str, PostKind] = MappingProxyType({k.code: k for k in (
    PostKind("village_director", "儿童主任", (VILLAGE,), 1, 1, "village_director", "民发〔2019〕34号：每个村（居）委会设立儿童主任"),
    PostKind("township_supervisor", "儿童督导员", (TOWNSHIP,), 1, 1, "township_supervisor", "民发〔2019〕34号：每个乡镇（街道）设立儿童督导员"),
    PostKind("counsellor", "心理辅导教师", (SCHOOL,), 1, None, "counsellor", "每个学校配备至少1名专兼职心理辅导教师"),
    PostKind("social_worker", "社工", (TOWNSHIP, COUNTY), 0, None, "", "民政局聘用专业社工，增强工作力量"),
)})
KIND_CHOICES = tuple((k.code, k.label) for k in KINDS.values())
REQUIRED_KINDS = tuple(k.code for k in KINDS.values() if k.at_least)

# why a tenure ended
END_REASONS: Mapping[str, str] = MappingProxyType({
    "transfer": "调任", "resign": "辞职", "retire": "退休", "dismiss": "免职", "term": "任期届满", "other": "其他"})
END_REASON_CHOICES = tuple(END_REASONS.items())
SEXES: Mapping[str, str] = MappingProxyType({"男": "男", "女": "女"})
# the posts a 儿童主任 most often holds besides (民发〔2019〕34号: 一般由村（居）委会委员、大学生村官或者
# 专业社会工作者等担任); suggestions for the form, free text is kept as typed
OTHER_POSTS = ("村（居）委会委员", "村妇联主席", "村会计", "村团支部书记", "大学生村官", "计生专干", "网格员", "专业社会工作者")


class StaffingRuleError(ValueError):
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Tenure:
    """One person's time in a post: from `start` (the first day in post) up to `end` (the first day
    out of it, None while in post): [start, end)."""

    kind: str
    place: str
    start: date
    end: date | None = None
    person: object = None


def holds_on(t: Tenure, day: date) -> bool:
    return t.start <= day and (t.end is None or day < t.end)


def overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Two [start, end) spans share a day (None: still open)."""
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


def check_level(kind: str, level: str) -> None:
    """A post sits only where its kind does: a 儿童主任 at a village, a 督导员 at a township …"""
    k = KINDS.get(kind)
    if k is None:
        raise StaffingRuleError("请选择岗位", "kind")
    if level not in k.levels:
        where = "或".join(LEVEL_LABELS[x] for x in k.levels)
        raise StaffingRuleError(f"{k.label}应设在{where}", "place")


def check_appointment(kind: str, start: date, others: Iterable[Tenure], *, today: date, person=None) -> None:
    """May someone start in post `kind` at a place on `start`, given the place's other tenures of that
    kind? Refused: a start after today (an appointment grants a login now), the same person twice at
    once, a place already holding its most (one 儿童主任 a village: end the current tenure first)."""
    k = KINDS[kind]
    if start > today:
        raise StaffingRuleError("任职日期不能晚于今天", "start_on")
    clash = [t for t in others if overlaps(start, None, t.start, t.end)]
    if person is not None and any(t.person == person for t in clash):
        raise StaffingRuleError("此人在该岗位已有任职记录（时间重叠）", "start_on")
    if k.at_most is not None and len(clash) >= k.at_most:
        raise StaffingRuleError(f"该岗位已有{k.label}在任，请先办理现任人员离任，再任命新人", "place")


def check_end(start: date, end: date, reason: str, *, today: date) -> None:
    if reason not in END_REASONS:
        raise StaffingRuleError("请选择离任原因", "reason")
    if end < start:
        raise StaffingRuleError("离任日期不能早于任职日期", "end_on")
    if end > today:
        raise StaffingRuleError("离任日期不能晚于今天", "end_on")


@dataclass(frozen=True)
class Vacancy:
    kind: str
    place: str
    short: int  # how many more holders the post needs
    since: date | None  # the day the last holder left (None: never filled)


def vacancies(posts: Iterable[tuple[str, str]], tenures: Iterable[Tenure], day: date) -> list[Vacancy]:
    """The posts (kind, place) with fewer holders on `day` than their kind requires, in the order given."""
    held: Counter = Counter()
    left: dict[tuple[str, str], date] = {}
    for t in tenures:
        key = (t.kind, t.place)
        if holds_on(t, day):
            held[key] += 1
        elif t.end is not None and t.end <= day and (key not in left or left[key] < t.end):
            left[key] = t.end
    out = []
    for kind, place in posts:
        need = KINDS[kind].at_least - held[(kind, place)]
        if need > 0:
            out.append(Vacancy(kind, place, need, left.get((kind, place))))
    return out


@dataclass(frozen=True)
class Turnover:
    kind: str
    posts: int  # the base: required posts, or for a kind none is required the tenures held in the year
    ended: int  # tenures that ended in the year
    rate: float | None  # ended / posts, in percent (None without a base)


def turnover(tenures: Iterable[Tenure], posts: Mapping[str, int], year: int) -> dict[str, Turnover]:
    """Per kind: how many tenures ended in `year`, against the kind's posts (流动率). For a kind no place
    must fill (社工) the base is the tenures held at some day of the year."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    ended: Counter = Counter()
    held: Counter = Counter()
    for t in tenures:
        if t.end is not None and first <= t.end <= last:
            ended[t.kind] += 1
        if t.start <= last and (t.end is None or t.end > first):
            held[t.kind] += 1
    out = {}
    for code, k in KINDS.items():
        base = posts.get(code, 0) if k.at_least else held[code]
        out[code] = Turnover(code, base, ended[code], round(100 * ended[code] / base, 1) if base else None)
    return out


def school_place(school_id: int) -> str:
    return f"school:{school_id}"
