"""Derived categories (docs/domain.md, "Categories"): computed from facts, never typed in, each with its reason.

Pure: `ChildFacts` in, `Derivation` out; no Django, no clock (the caller passes `as_of`). The
registry stores the result on the child and recomputes it on every change and nightly, because
ages and absence durations move on by themselves.

Date arithmetic (both chosen so that a boundary case errs on the side of keeping a child in care):

* `age_on` — whole years; the new age applies on the birthday itself. A child born on 29 Feb
  turns a year older on 1 Mar in common years (so leaves a category one day *later*).
* `months_between` — whole calendar months: the largest n such that `start` moved forward by n
  months (day clamped to the end of a short month) is on or before `end`. So a month is complete
  when the same day-of-month is reached, and at the end of a month too short to have that day:
  2024-01-31 → 2024-02-29 is 1 month, 2024-01-31 → 2024-02-28 is 0, 2024-03-01 → 2024-08-31 is 5,
  2024-03-01 → 2024-09-01 is 6. A start after the end counts as 0 months.

Facts are validated against the enumerations in `choices` (ValueError on an unknown text): a typo
such as "外出打工" would otherwise silently drop a child from the registry.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from .choices import BENEFITS, CATEGORIES, FLAGS, GUARDIANSHIP, HEALTH, PARENT_SITUATION

__all__ = [
    "CATEGORIES", "FLAGS", "ParentFacts", "ChildFacts", "CategorySettings", "Derivation",
    "derive", "age_on", "months_between",
]

LEFT_BEHIND_MAX_AGE = 16  # exclusive: 未满16周岁 (国发〔2016〕13号)
CHILD_MAX_AGE = 18        # exclusive: 未满18周岁 (未成年人; 孤儿, 事实无人抚养, 困境儿童)
DE_FACTO_MIN_MONTHS = 6   # fixed by 民发〔2019〕62号, not a county setting

AWAY = "外出务工"
AT_HOME = "在家"
IMPRISONED = "服刑在押"
# 孤儿: dead, or declared dead/missing by a court (民法典 Art. 40, 46).
DEAD = frozenset({"死亡", "宣告死亡", "宣告失踪"})
# 事实无人抚养 (民发〔2019〕62号 §二(一)): situations that count at once ...
DE_FACTO_AT_ONCE = frozenset({"重残", "重病", "被撤销监护资格", "被遣送出境"})
# ... and those that count only after lasting ≥ 6 months, provable only with a start date.
DE_FACTO_AFTER_6_MONTHS = frozenset({"服刑在押", "强制隔离戒毒", "其他限制人身自由", "失联"})
# 单亲留守 (国发〔2016〕13号): the parent at home has no guardianship capacity.
UNABLE = frozenset({"重病", "重残"})
POVERTY_BENEFITS = ("低保", "特困供养")  # in BENEFITS order, for stable reason texts
POOR_GUARDIANSHIP = frozenset({"父或母无监护能力", "受委托监护人监护能力不足"})

_WHO = {"father": "父亲", "mother": "母亲"}


def _check(value: str, allowed: Iterable[str], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"{what}“{value}”不是有效选项")


@dataclass(frozen=True)
class ParentFacts:
    situation: str = AT_HOME  # one of PARENT_SITUATION
    since: date | None = None  # when the situation began (外出时间 for 外出务工; start of sentence, detention, disappearance…)

    def __post_init__(self) -> None:
        _check(self.situation, PARENT_SITUATION, "父母状况")


@dataclass(frozen=True)
class ChildFacts:
    birth_date: date
    father: ParentFacts
    mother: ParentFacts
    health: str = "健康"                # HEALTH
    serious_illness: bool = False       # 患病 counts for 困境 only when serious (是否重病); 残疾 always counts
    guardianship: str = "监护情况较好"    # GUARDIANSHIP
    has_carer: bool = True              # an entrusted carer or a parent at home
    living_alone: bool = False
    abused_or_abandoned: bool = False
    benefits: frozenset[str] = frozenset()  # BENEFITS received
    poor_household: bool = False        # 低保户/特困户 even if the benefit is not yet received

    def __post_init__(self) -> None:
        _check(self.health, HEALTH, "身体状况")
        _check(self.guardianship, GUARDIANSHIP, "监护情况")
        if isinstance(self.benefits, str):
            raise ValueError("已享受救助须为选项的集合，而不是一个字符串")
        benefits = frozenset(self.benefits)
        for b in benefits:
            _check(b, BENEFITS, "已享受救助")
        object.__setattr__(self, "benefits", benefits)


@dataclass(frozen=True)
class CategorySettings:
    left_behind_min_months: int = 6  # county setting; some counties use 3 (002)

    def __post_init__(self) -> None:
        if self.left_behind_min_months < 0:
            raise ValueError("留守时长阈值不能为负数")


@dataclass(frozen=True)
class Derivation:
    categories: dict[str, str] = field(default_factory=dict)  # code -> reason, in CATEGORIES order
    flags: dict[str, str] = field(default_factory=dict)       # code -> reason, in FLAGS order
    left_behind_kind: str | None = None                      # LEFT_BEHIND_KIND, iff left_behind
    difficulty_kinds: tuple[str, ...] = ()                   # DIFFICULTY_KIND, non-empty iff difficulty

    @property
    def active(self) -> bool:
        """Registered while any category applies; flags alone do not keep a child registered."""
        return bool(self.categories)


def age_on(birth: date, on: date) -> int:
    """Whole years of age on `on` (negative before birth). On the birthday itself the new age
    applies; a child born on 29 Feb turns a year older on 1 Mar in common years."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end` (0 if `end` is before `start`). A month is
    complete when the same day-of-month is reached, or the last day of a month that has no such
    day: 2024-01-31 → 2024-02-29 is 1, → 2024-02-28 is 0; 2024-03-01 → 2024-08-31 is 5."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    last_day = calendar.monthrange(end.year, end.month)[1]
    if end.day < min(start.day, last_day):
        months -= 1
    return months


def _since(p: ParentFacts) -> str:
    return p.since.isoformat() if p.since else ""


def derive(facts: ChildFacts, *, as_of: date, settings: CategorySettings = CategorySettings()) -> Derivation:
    """The child's categories and flags on `as_of`, each with a Chinese reason."""
    age = age_on(facts.birth_date, as_of)
    # 未出生 (reconstructing a month before birth) or 年满18周岁: nothing applies, not even flags.
    if facts.birth_date > as_of or age >= CHILD_MAX_AGE:
        return Derivation()
    parents = {"father": facts.father, "mother": facts.mother}
    categories: dict[str, str] = {}
    flags: dict[str, str] = {}

    # ── 农村留守儿童 (国发〔2016〕13号《关于加强农村留守儿童关爱保护工作的意见》) ──
    # 父母双方外出务工或一方外出务工另一方无监护能力、不满十六周岁的未成年人. Away continuously
    # for at least the county threshold (default 6 months; 002 uses 3). A parent away with no
    # 外出时间 still counts: an unknown duration is no reason to drop a child, but the reason says
    # so. One parent dead and the other away is NOT 留守 (docs/domain.md, "Categories" names only serious illness or
    # disability as the other parent's incapacity); such a child is caught by 困境 and the flags.
    threshold = settings.left_behind_min_months

    def away_long_enough(p: ParentFacts) -> bool:
        return p.situation == AWAY and (p.since is None or months_between(p.since, as_of) >= threshold)

    def away_text(who: str, p: ParentFacts) -> str:
        if p.since is None:
            return f"{_WHO[who]}外出务工（外出时间未填）"
        return f"{_WHO[who]}外出务工（自{_since(p)}，已满{threshold}个月）"

    left_behind_kind: str | None = None
    if age < LEFT_BEHIND_MAX_AGE:
        f, m = facts.father, facts.mother
        if away_long_enough(f) and away_long_enough(m):
            left_behind_kind = "双亲留守"
            categories["left_behind"] = f"{away_text('father', f)}、{away_text('mother', m)}；未满16周岁"
        else:
            for a, b in (("father", "mother"), ("mother", "father")):
                if away_long_enough(parents[a]) and parents[b].situation in UNABLE:
                    left_behind_kind = "单亲留守"
                    parts = {a: away_text(a, parents[a]), b: f"{_WHO[b]}{parents[b].situation}（无监护能力）"}
                    categories["left_behind"] = f"{parts['father']}、{parts['mother']}；未满16周岁"
                    break

    # ── 孤儿 (国办发〔2010〕54号《关于加强孤儿保障工作的意见》; 民发〔2010〕161号): 父母双方死亡
    #    或被人民法院宣告死亡、宣告失踪的未满18周岁的未成年人 ──
    f, m = facts.father, facts.mother
    if f.situation in DEAD and m.situation in DEAD:
        categories["orphan"] = f"父亲{f.situation}、母亲{m.situation}；未满18周岁"
    else:
        # ── 事实无人抚养儿童 (民发〔2019〕62号, 民发〔2020〕125号; set S as in docs/domain.md, "Categories") ──
        # 父母双方均符合 S, 或一方死亡/失踪且另一方符合 S; S = 重残、重病、服刑在押/强制隔离戒毒/
        # 其他限制人身自由/失联 满6个月、被撤销监护资格、被遣送(驱逐)出境. The 6 months are the
        # policy's, not the county threshold, and need a start date: without one the situation
        # cannot be shown to have lasted, so it does not qualify. Orphans are excluded (else-branch).
        def in_s(p: ParentFacts) -> str | None:
            if p.situation in DE_FACTO_AT_ONCE:
                return p.situation
            if (p.situation in DE_FACTO_AFTER_6_MONTHS and p.since is not None
                    and months_between(p.since, as_of) >= DE_FACTO_MIN_MONTHS):
                return f"{p.situation}（自{_since(p)}，已满{DE_FACTO_MIN_MONTHS}个月）"
            return None

        fs, ms = in_s(f), in_s(m)
        fd = fs or (f.situation if f.situation in DEAD else None)
        md = ms or (m.situation if m.situation in DEAD else None)
        if fd and md:  # not both dead here, so at least one parent is in S
            categories["de_facto"] = f"父亲{fd}、母亲{md}；未满18周岁"

    # ── 困境儿童 (国发〔2016〕36号《关于加强困境儿童保障工作的意见》) ──
    # 因家庭贫困导致生活、就医、就学等困难的儿童; 因自身残疾导致康复、照料、护理和社会融入等
    # 困难的儿童 (and serious illness, per the county form 是否重病); 因家庭监护缺失或监护不当
    # 遭受虐待、遗弃、意外伤害、不法侵害等导致人身安全受到威胁或侵害的儿童.
    kinds: list[str] = []
    reasons: list[str] = []
    received = [b for b in POVERTY_BENEFITS if b in facts.benefits]
    if received or facts.poor_household:
        kinds.append("家庭贫困")
        reasons.append(f"家庭贫困（享受{'、'.join(received)}）" if received else "家庭贫困（低保户/特困户，尚未享受救助）")
    if facts.health == "残疾" or (facts.health == "患病" and facts.serious_illness):
        kinds.append("残疾或重病")
        reasons.append("本人残疾" if facts.health == "残疾" else "本人患重病")
    missing = [text for cond, text in (
        (facts.guardianship == "无人监护", "监护情况为无人监护"),
        (facts.living_alone, "独居"),
        (facts.abused_or_abandoned, "遭受虐待或遗弃"),
    ) if cond]
    if missing:
        kinds.append("监护缺失或不当")
        reasons.append(f"监护缺失或不当（{'、'.join(missing)}）")
    if kinds:
        categories["difficulty"] = "；".join(reasons) + "；未满18周岁"

    # ── Flags the workflows use (002: 父母服刑的留守儿童、无人监护、监护差), under 18 only ──
    jailed = [f"{_WHO[w]}服刑在押" + (f"（自{_since(p)}）" if p.since else "")
              for w, p in parents.items() if p.situation == IMPRISONED]
    if jailed:
        flags["parents_imprisoned"] = "、".join(jailed)
    no_parent_home = all(p.situation != AT_HOME for p in parents.values())
    unguarded = [text for cond, text in (
        (facts.guardianship == "无人监护", "监护情况为无人监护"),
        (facts.living_alone, "独居"),
        (not facts.has_carer and no_parent_home, "父母均不在家且无委托照护人"),
    ) if cond]
    if unguarded:
        flags["unguarded"] = "、".join(unguarded)
    if facts.guardianship in POOR_GUARDIANSHIP:
        flags["poor_guardianship"] = f"监护情况为{facts.guardianship}"

    return Derivation(categories=categories, flags=flags, left_behind_kind=left_behind_kind,
                      difficulty_kinds=tuple(kinds))
