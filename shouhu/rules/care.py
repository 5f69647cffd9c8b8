"""Care-work rules (docs/domain.md, "Care work"), pure: who must be visited by whom and when, one-to-one pairing,
family contact, and the care month's six measures. Plain data in, plain data out; the care app
stores what these return and the tests drive them with tables and hypothesis.

Vocabulary
- a *group* is a derived category or flag of the registry (left_behind, orphan, de_facto,
  difficulty, parents_imprisoned, unguarded, poor_guardianship) or "paired" (every child the
  helper is paired with);
- a *visit rule* says: children of this group are visited by this role every N days;
- a child's *due date* for a role is (last visit by that role, or the date the child came under
  the rule) + the shortest interval among the rules that apply.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Iterable, Mapping

GROUPS: Mapping[str, str] = MappingProxyType({
    "left_behind": "农村留守儿童",
    "orphan": "孤儿",
    "de_facto": "事实无人抚养儿童",
    "difficulty": "困境儿童",
    "parents_imprisoned": "父母服刑",
    "unguarded": "无人监护",
    "poor_guardianship": "监护差",
    "paired": "结对儿童（帮扶人）",
})
# Key groups must have a one-to-one helper (002: 无人照料、孤儿、事实无人抚养 → 一对一).
ONE_TO_ONE_GROUPS: frozenset[str] = frozenset({"orphan", "de_facto", "unguarded"})
ONE_TO_ONE = "一对一"
PAIRING_MODES: tuple[str, ...] = ("一对一", "一对多", "多对一", "家庭结对")
VISIT_MODES: tuple[str, ...] = ("入户", "在校", "电话", "视频")
HOME_VISIT = "入户"
CONTACT_KINDS: tuple[str, ...] = ("电话", "视频", "书信", "见面")
CONTACT_WITH: tuple[str, ...] = ("父亲", "母亲", "父母双方", "其他亲属")
VISIT_AREAS: tuple[tuple[str, str], ...] = (
    ("life", "生活"), ("study", "学习"), ("mind", "心理"), ("safety", "安全"), ("carer", "监护照料"),
)
# Signs a visitor may tick; the early-warning rules (protection) read them.
CONCERNS: tuple[str, ...] = ("疑似受伤", "自伤或轻生言语", "营养不良", "独自居住", "住房危险", "疑似受虐待或欺凌", "辍学迹象")

# docs/domain.md, "Visits": township leaders visit orphans, children in difficulty and children of imprisoned
# parents; village cadres visit 监护差 children and children in difficulty; helpers visit every
# child they are paired with. Monthly for key groups, quarterly otherwise; head teachers once a
# semester for the left-behind pupils of their class.
DEFAULT_VISIT_RULES: tuple[tuple[str, str, int], ...] = (
    ("township_supervisor", "orphan", 90),
    ("township_supervisor", "de_facto", 90),
    ("township_supervisor", "difficulty", 90),
    ("township_supervisor", "parents_imprisoned", 90),
    ("village_director", "orphan", 30),
    ("village_director", "de_facto", 30),
    ("village_director", "unguarded", 30),
    ("village_director", "poor_guardianship", 30),
    ("village_director", "difficulty", 30),
    ("village_director", "left_behind", 90),
    ("head_teacher", "left_behind", 180),
    ("helper", "paired", 30),
)
DEFAULT_CONTACT_DAYS = 7  # 未成年人保护法 Art. 23: parents contact the child at least once a week
DEFAULT_SOON_DAYS = 7


@dataclass(frozen=True)
class VisitRule:
    role: str
    group: str
    interval_days: int


@dataclass(frozen=True)
class PairingFact:
    helper_id: int
    mode: str
    start: date
    end: date | None = None

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and (self.end is None or self.end >= start)


@dataclass(frozen=True)
class Due:
    role: str
    helper_id: int | None
    interval_days: int
    last_visit: date | None
    due: date
    reason: str  # the groups that make the visit due, in words


def rules_from(rows: Iterable[tuple[str, str, int]]) -> tuple[VisitRule, ...]:
    return tuple(VisitRule(r, g, int(n)) for r, g, n in rows)


def _interval(rules: Iterable[VisitRule], role: str, groups: set[str]) -> tuple[int, list[str]] | None:
    matching = [r for r in rules if r.role == role and r.group in groups and r.interval_days > 0]
    if not matching:
        return None
    n = min(r.interval_days for r in matching)
    return n, [GROUPS[r.group] for r in matching if r.interval_days == n]


def visit_dues(*, groups: frozenset[str] | set[str], active: bool, since: date, rules: Iterable[VisitRule],
               pairings: Iterable[PairingFact], last_visits: Mapping[tuple[str, int | None], date], today: date) -> list[Due]:
    """Every visit the child is owed: one per role on the admin/education line whose rules match
    the child's groups, and one per helper actively paired with the child.

    `since` is when the child came under care (entered the register); a helper's clock starts at
    the pairing's start. `last_visits` maps (role, helper id or None) to the latest visit date."""
    if not active:
        return []
    rules = tuple(rules)
    out: list[Due] = []
    for role in sorted({r.role for r in rules if r.role != "helper"}):
        found = _interval(rules, role, set(groups))
        if found is None:
            continue
        n, why = found
        last = last_visits.get((role, None))
        out.append(Due(role, None, n, last, (last or since) + timedelta(days=n), "、".join(why)))
    helper_rule = _interval(rules, "helper", {"paired"} | set(groups))
    if helper_rule is not None:
        n, _ = helper_rule
        seen: set[int] = set()
        for p in sorted(pairings, key=lambda p: p.start):
            if p.helper_id in seen or not p.active_on(today):
                continue
            seen.add(p.helper_id)
            last = last_visits.get(("helper", p.helper_id))
            start = max(p.start, since)
            out.append(Due("helper", p.helper_id, n, last, (last if last and last >= p.start else start) + timedelta(days=n), "结对帮扶"))
    return out


def due_state(due: date | None, today: date, soon_days: int = DEFAULT_SOON_DAYS) -> str:
    """"overdue" (past the due date), "today", "soon" (within soon_days) or "ok"."""
    if due is None:
        return "ok"
    if due < today:
        return "overdue"
    if due == today:
        return "today"
    if due <= today + timedelta(days=soon_days):
        return "soon"
    return "ok"


def needs_one_to_one(groups: frozenset[str] | set[str], active: bool = True) -> bool:
    return active and bool(ONE_TO_ONE_GROUPS & set(groups))


def has_one_to_one(pairings: Iterable[PairingFact], today: date) -> bool:
    return any(p.mode == ONE_TO_ONE and p.active_on(today) for p in pairings)


def pairing_warning(groups: frozenset[str] | set[str], mode: str) -> str:
    """The warning shown when a key child is paired other than one-to-one ("" when fine)."""
    key = ONE_TO_ONE_GROUPS & set(groups)
    if key and mode != ONE_TO_ONE:
        names = "、".join(GROUPS[g] for g in sorted(key))
        return f"该儿童属于{names}，按规定应落实“一对一”帮扶；本次为“{mode}”，保存后仍会列入待落实一对一名单。"
    return ""


def needs_contact(groups: frozenset[str] | set[str], active: bool = True) -> bool:
    """Family contact is expected from parents who are away: the left-behind children."""
    return active and "left_behind" in groups


def contact_due(*, last_contact: date | None, since: date, contact_days: int = DEFAULT_CONTACT_DAYS) -> date:
    """The day by which the next family contact should have happened."""
    return (last_contact or since) + timedelta(days=contact_days)


# -- care month (关爱保护月), docs/domain.md, "Care month" / 003 ------------------------------------------------------
MEASURES: Mapping[str, str] = MappingProxyType({
    "ledger": "建立一套台账",
    "pairing": "落实一对一结对帮扶",
    "contact": "开展一次亲情交流",
    "visit": "进行一次入户随访",
    "activity": "接受一次关爱活动",
    "wish": "实现一个微心愿",
})


def ledger_missing(record: Mapping) -> list[str]:
    """What keeps a child's ledger (台账) from being complete: identity, a reachable adult and
    the carer. `record` holds the registry fields by name."""
    missing = []
    if not record.get("id_number") and record.get("hukou_registered", True):
        missing.append("公民身份号码")
    parent_home = "在家" in (record.get("father_situation"), record.get("mother_situation"))
    if not (record.get("carer_name") or parent_home):
        missing.append("委托照护人")
    if not any(record.get(k) for k in ("father_phone", "mother_phone", "carer_phone")):
        missing.append("联系电话")
    if not record.get("guardianship"):
        missing.append("监护情况")
    return missing


def pairing_measure(groups: frozenset[str] | set[str], pairings: Iterable[PairingFact], start: date, end: date) -> bool:
    """A pairing active at some time in the period; for key children it must be one-to-one."""
    key = bool(ONE_TO_ONE_GROUPS & set(groups))
    return any(p.overlaps(start, end) and (p.mode == ONE_TO_ONE or not key) for p in pairings)


def within(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end
