"""督查 → 整改 → 问责 (docs/domain.md, "Supervision"): the kinds of inspection, the field checks and
what a mismatch says, the seeded sample, a finding's steps and deadline, and when a unit's
findings call for accountability. Pure: no Django.

Source 002 (篇四): an inspection found fake records, unsigned agreements and visit logs "一支笔签到底";
it set a date for 整改 (在10月19日前整改到位, eight days), asked for 每月至少开展一次督查, and for
"该通报的通报，该约谈的约谈…该免职的免职"."""
from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

KINDS: Mapping[str, str] = MappingProxyType({"routine": "例行督查", "unannounced": "明察暗访", "revisit": "回访抽查"})
INSPECTION_STATES: Mapping[str, str] = MappingProxyType({"planned": "计划中", "active": "进行中", "done": "已完成"})
INSPECTION_STATE_CHOICES = tuple(INSPECTION_STATES.items())

# -- field verification: what the inspector checks for each sampled child, and what a "no" means
CHECKS: Mapping[str, str] = MappingProxyType({
    "present": "儿童本人在家或在校",
    "carer": "实际照护人与档案一致",
    "visits": "走访记录属实（家人确认有走访）",
    "agreement": "委托照护协议已签订",
})
# the record field a mismatch points at (the data-quality issue opens on it)
CHECK_FIELDS: Mapping[str, str] = MappingProxyType({"present": "address_detail", "carer": "carer_name", "visits": "village",
                                                    "agreement": "agreement_file"})
MISMATCH_TEXT: Mapping[str, str] = MappingProxyType({
    "present": "实地核查未见到儿童本人，档案所记住址或去向与实际不符",
    "carer": "实地核查发现实际照护人与档案记载不一致",
    "visits": "实地核查发现档案中的走访记录与家人所述不符（疑似未实际走访）",
    "agreement": "实地核查发现委托照护协议未签订或无本人签字",
})
ANSWERS: Mapping[str, str] = MappingProxyType({"yes": "一致", "no": "不符", "unknown": "无法核实"})
SAMPLE_DEFAULT = 5

# -- findings
SOURCES: Mapping[str, str] = MappingProxyType({
    "field": "实地核查", "manual": "督查发现", "quality": "数据质量", "visits": "走访逾期", "report": "月报迟报",
    "alert": "红色预警未响应", "dropout": "控辍保学逾期", "recheck": "上轮问题复查",
})
STATES: Mapping[str, str] = MappingProxyType({
    "open": "待整改", "answered": "已整改待复核", "passed": "复核通过", "returned": "退回重改",
})
STATE_CHOICES = tuple(STATES.items())
OPEN_STATES = frozenset({"open", "answered", "returned"})
# action -> (from states, to state)
ACTIONS: Mapping[str, tuple[frozenset[str], str]] = MappingProxyType({
    "answer": (frozenset({"open", "returned"}), "answered"),  # the unit's 整改, with evidence
    "pass": (frozenset({"answered"}), "passed"),  # 复核通过
    "return": (frozenset({"answered"}), "returned"),  # 退回: not enough
})
ACTION_LABELS: Mapping[str, str] = MappingProxyType({"answer": "提交整改", "pass": "复核通过", "return": "退回重改", "open": "发现问题",
                                                    "overdue": "超过整改期限"})
RECTIFY_DAYS = 8  # 002: found 10月11日, 整改到位 by 10月19日

# -- accountability (问责)
MEASURES: Mapping[str, str] = MappingProxyType({
    "notice": "通报", "talk": "约谈", "recall": "召回", "dismiss": "免职", "refer": "移送纪检监察",
})
REPEAT_LIMIT = 2  # the same problem found this many times in a unit calls for accountability


class SupervisionRuleError(ValueError):
    def __init__(self, message: str, *, field: str = "action"):
        super().__init__(message)
        self.field = field


def apply(state: str, action: str, *, evidence: bool = False, note: str = "") -> str:
    """The state after `action`, or SupervisionRuleError in words: an answer needs evidence (a
    file or a linked record) and a note; a return says why."""
    if action not in ACTIONS:
        raise SupervisionRuleError("未知的操作")
    sources, target = ACTIONS[action]
    if state not in sources:
        raise SupervisionRuleError(f"处于“{STATES.get(state, state)}”时不能{ACTION_LABELS[action]}")
    if action == "answer" and not note.strip():
        raise SupervisionRuleError("请说明整改情况", field="note")
    if action == "answer" and not evidence:
        raise SupervisionRuleError("请上传整改佐证材料（照片或文件）", field="files")
    if action == "return" and not note.strip():
        raise SupervisionRuleError("请写明退回原因", field="note")
    return target


def allowed_actions(state: str) -> list[str]:
    return [a for a, (sources, _) in ACTIONS.items() if state in sources]


def deadline(found_on: date, days: int = RECTIFY_DAYS) -> date:
    return found_on + timedelta(days=days)


def is_overdue(state: str, due_on: date | None, today: date) -> bool:
    """逾期 by itself: not yet passed and the deadline gone. An answer waiting for review is not
    the unit's delay, so it is not overdue."""
    return state in ("open", "returned") and due_on is not None and due_on < today


def draw_sample(ids: Iterable[int], size: int, seed: int) -> list[int]:
    """`size` of `ids` (all when fewer), drawn with `seed`: the same ids and seed give the same
    sample, so a draw can be shown to have been random (the seed is logged with it)."""
    pool = sorted(set(ids))
    if size >= len(pool):
        return pool
    return sorted(random.Random(seed).sample(pool, size))


def mismatches(answers: Mapping[str, str]) -> list[str]:
    """The checks answered "no", in `CHECKS` order."""
    return [k for k in CHECKS if answers.get(k) == "no"]


@dataclass(frozen=True)
class UnitRecord:
    """A unit's findings for the accountability rule: (problem key, state, overdue)."""
    problem: str
    state: str
    overdue: bool


def calls_for_accountability(findings: Sequence[UnitRecord]) -> list[str]:
    """Why a unit's findings call for 问责 (empty: they do not): a finding past its deadline, or
    the same problem found `REPEAT_LIMIT` times or more (the next round re-checks the last)."""
    out = []
    late = sum(1 for f in findings if f.overdue)
    if late:
        out.append(f"{late}项问题逾期未整改")
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.problem] = counts.get(f.problem, 0) + 1
    for problem, n in sorted(counts.items()):
        if problem and n >= REPEAT_LIMIT:
            out.append(f"同类问题“{problem}”被发现{n}次")
    return out
