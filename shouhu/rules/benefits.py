"""兜底保障 (docs/domain.md, "Benefits"), pure: which benefits a child is entitled to, whether a
grant may be paid for a month, the 兜底率, the 事实无人抚养 application's steps and time limits, and
the payment roll's sums. No Django, no clock (the caller passes the month and today).

Vocabulary
- a *kind* is a benefit the county pays or records (孤儿基本生活费, 低保 …), `KINDS`;
- a *need* is an entitlement the registry's facts give a child (an orphan needs basic living
  support), met by a grant of any of its kinds — a 事实无人抚养 child already in 特困供养 is not paid
  the 事实无人抚养 subsidy twice (民发〔2019〕62号 §三) and is covered;
- a child is *eligible* in a month when it has a need on the month's first day, and *covered* when
  every need has an active grant that month; 兜底率 = covered eligible ÷ eligible (003: 100%).

Months follow the payment practice: a benefit is paid for the month in which the child still has
the need on the first day — so the month a child turns 18 is still paid and the next is not (停发
次月), and the month after a parent comes home (the record's situation changes) is not.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from .categories import CHILD_MAX_AGE, CategorySettings, ChildFacts, age_on, derive
from .dropout import SchoolCalendar


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    monthly: bool = True  # paid each month from → to; 临时救助 is one payment
    basis: str = ""  # the policy document


# the kinds of grant, in the order pages and rolls show them
KINDS: Mapping[str, Kind] = MappingProxyType({k.code: k for k in (
    Kind("orphan", "孤儿基本生活费", basis="国办发〔2010〕54号"),
    Kind("de_facto", "事实无人抚养儿童基本生活补贴", basis="民发〔2019〕62号"),
    Kind("dibao", "最低生活保障（低保）", basis="社会救助暂行办法第二章"),
    Kind("tekun", "特困人员救助供养", basis="社会救助暂行办法第三章"),
    Kind("disability", "残疾人两项补贴", basis="国发〔2015〕52号"),
    Kind("temporary", "临时救助", monthly=False, basis="社会救助暂行办法第十一章"),
)})


@dataclass(frozen=True)
class Need:
    code: str
    label: str
    met_by: tuple[str, ...]  # kinds, any of which covers it


# needs, in the order reasons are written
NEEDS: Mapping[str, Need] = MappingProxyType({n.code: n for n in (
    Need("orphan", "孤儿基本生活保障", ("orphan", "tekun")),
    Need("de_facto", "事实无人抚养儿童基本生活保障", ("de_facto", "tekun")),
    Need("poor", "低保或特困供养（低保户、特困户）", ("dibao", "tekun")),
    Need("disability", "残疾人两项补贴（困难或重度残疾）", ("disability",)),
)})

DEFAULT_CATEGORIES = CategorySettings()
WEEKDAYS = SchoolCalendar()  # no holidays known here: the county's calendar is the 控辍保学 app's

# 重度残疾: grades 一级、二级 (重度残疾人护理补贴); a poor family's disabled child gets the living
# subsidy (困难残疾人生活补贴) at any grade — together 残疾人两项补贴 (国发〔2015〕52号).
SEVERE_GRADES = ("一级", "二级")


@dataclass(frozen=True)
class Basis:
    """What the registry holds that decides the needs (the stored derivation, for the county-wide
    count; `needs_on` recomputes it from facts for a given month)."""
    is_orphan: bool = False
    is_de_facto: bool = False
    poor: bool = False  # 低保户/特困户, or the record says the family receives 低保/特困供养
    disabled: bool = False
    disability: str = ""  # 残疾类别及等级, e.g. 肢体二级


def needs_of(b: Basis) -> tuple[str, ...]:
    out = []
    if b.is_orphan:
        out.append("orphan")
    if b.is_de_facto:
        out.append("de_facto")
    if b.poor:
        out.append("poor")
    if b.disabled and (b.poor or any(g in (b.disability or "") for g in SEVERE_GRADES)):
        out.append("disability")
    return tuple(out)


def basis_from_facts(facts: ChildFacts, disability: str, *, on: date, settings: CategorySettings = DEFAULT_CATEGORIES) -> Basis:
    """The basis on a day, derived again from the facts (the month a child turns 18, a parent comes home)."""
    d = derive(facts, as_of=on, settings=settings)
    if not d.categories:  # 18 or older, or not yet born: nothing is owed
        return Basis()
    return Basis(is_orphan="orphan" in d.categories, is_de_facto="de_facto" in d.categories, poor="家庭贫困" in d.difficulty_kinds,
                 disabled=facts.health == "残疾", disability=disability)


def month_start(month: date) -> date:
    return month.replace(day=1)


def needs_on(facts: ChildFacts, disability: str, month: date, settings: CategorySettings = DEFAULT_CATEGORIES) -> tuple[str, ...]:
    """The child's needs for a month: as the facts stand on its first day."""
    return needs_of(basis_from_facts(facts, disability, on=month_start(month), settings=settings))


@dataclass(frozen=True)
class Coverage:
    needs: tuple[str, ...]
    missing: tuple[str, ...]  # needs with no active grant of a kind that meets them

    @property
    def eligible(self) -> bool:
        return bool(self.needs)

    @property
    def covered(self) -> bool:
        return self.eligible and not self.missing

    def missing_text(self) -> str:
        return "、".join(NEEDS[n].label for n in self.missing)


def coverage(needs: Iterable[str], kinds_paid: Iterable[str]) -> Coverage:
    needs = tuple(needs)
    paid = set(kinds_paid)
    return Coverage(needs, tuple(n for n in needs if not paid & set(NEEDS[n].met_by)))


def kind_unmet(kind: str, needs: Iterable[str]) -> bool:
    """A grant of `kind` paid to a child with none of the needs it meets (临时救助 needs none)."""
    if not KINDS[kind].monthly:
        return False
    return not any(kind in NEEDS[n].met_by for n in needs)


def months_of(start: date, end: date | None, upto: date) -> list[date]:
    """First days of the months from `start` to `end` (or `upto`) inclusive."""
    out, m = [], month_start(start)
    last = month_start(min(end, upto) if end else upto)
    while m <= last:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def in_months(month: date, start: date, end: date | None) -> bool:
    m = month_start(month)
    return month_start(start) <= m and (end is None or m <= month_start(end))


def payable(*, kind: str, month: date, start: date, end: date | None, active: bool, needs: Iterable[str], birth_date: date) -> str:
    """'' if the grant is paid for `month`, else why not (in Chinese, for the roll's left-out list)."""
    m = month_start(month)
    if not active:
        return "已停发或暂停"
    if not in_months(m, start, end):
        return "不在发放期内"
    if age_on(birth_date, m) >= CHILD_MAX_AGE:
        return "已年满18周岁"
    if kind_unmet(kind, needs):
        return "已不符合条件"
    return ""


def rate(covered: int, eligible: int) -> float | None:
    """兜底率 in percent, one decimal rounded down — 24,945 of 24,952 is 99.9%, never a 100% that hides
    7 children; None when nobody is eligible (nothing to count)."""
    return None if eligible == 0 else math.floor(1000 * covered / eligible) / 10


def roll_total(amounts: Iterable[Decimal]) -> Decimal:
    return sum((Decimal(a) for a in amounts), Decimal("0.00"))


# -- the 事实无人抚养 application (民发〔2019〕62号 §四: 申请 → 查验 → 确认 → 公示) -------------------
STEPS: Mapping[str, str] = MappingProxyType({
    "applied": "已申请，待乡镇查验",
    "checked": "乡镇已查验，待县级确认",
    "confirmed": "县级已确认，公示中",
    "published": "公示期满，已纳入发放",
    "rejected": "不予认定",
    "withdrawn": "已撤回",
})
ENDED = frozenset({"published", "rejected", "withdrawn"})
# action -> (from states, to state, the need that may take it)
ACTIONS: Mapping[str, tuple[frozenset[str], str, str]] = MappingProxyType({
    "check": (frozenset({"applied"}), "checked", "handles_benefits"),
    "confirm": (frozenset({"checked"}), "confirmed", "confirms_benefits"),
    "publish": (frozenset({"confirmed"}), "published", "confirms_benefits"),
    "reject": (frozenset({"applied", "checked"}), "rejected", "handles_benefits"),
    "withdraw": (frozenset({"applied"}), "withdrawn", "handles_benefits"),
})
ACTION_LABELS: Mapping[str, str] = MappingProxyType({
    "check": "乡镇查验通过", "confirm": "县级确认", "publish": "公示期满，纳入发放", "reject": "不予认定", "withdraw": "撤回申请",
})


@dataclass(frozen=True)
class ApplicationSettings:
    """County settings: 乡镇 checks within 15 working days of the application, 县级 confirms within
    15 working days of the check (民发〔2019〕62号), the 公示 lasts 7 days."""
    check_days: int = 15
    confirm_days: int = 15
    publicity_days: int = 7

    def __post_init__(self) -> None:
        for f in ("check_days", "confirm_days", "publicity_days"):
            if not 1 <= getattr(self, f) <= 90:
                raise ValueError("期限应为1至90天")


def apply(state: str, action: str) -> str:
    if action not in ACTIONS or state not in ACTIONS[action][0]:
        raise ValueError(f"“{STEPS.get(state, state)}”时不能{ACTION_LABELS.get(action, action)}")
    return ACTIONS[action][1]


def step_due(state: str, entered: date, settings: ApplicationSettings = ApplicationSettings(),
             calendar: SchoolCalendar = WEEKDAYS) -> date | None:
    """When the current step must be done: working days for the check and the confirmation,
    calendar days for the 公示; None once the application has ended."""
    if state == "applied":
        return calendar.add_working_days(entered, settings.check_days)
    if state == "checked":
        return calendar.add_working_days(entered, settings.confirm_days)
    if state == "confirmed":
        return date.fromordinal(entered.toordinal() + settings.publicity_days)
    return None
