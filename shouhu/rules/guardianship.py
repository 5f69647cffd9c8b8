"""Guardianship intervention (监护干预; docs/domain.md, "Guardianship intervention"), pure: the rungs of
the ladder, in order, with their legal basis; which rung may be recorded next for one guardian given
the rungs already recorded for that guardian; the court's outcomes; the outcomes of persuading a
parent to come home (劝返). Plain data in, plain data out; the protection app stores the records.

The ladder (国发〔2016〕13号 on 强制干预; 未成年人保护法 Art. 108, 118, 129; 家庭教育促进法 Art. 49; 民法典 Art. 36):
  criticism    批评教育            the village (residents') committee admonishes and stops it      required
  admonition   训诫并责令接受家庭教育指导  police, procuratorate or court: 训诫, 家庭教育指导令     required
  referral     治安处罚或移送司法机关   a breach of public order is punished, a crime referred          only when the conduct is one
  application  申请撤销监护资格        an application to the court to revoke guardianship            required before a ruling
  ruling       法院判决               撤销 (revoked) or 驳回 (rejected)

The order, for one guardian:
- escalation never goes back down: the next rung is the highest recorded so far (recorded again —
  a rung may be repeated) or a higher one, and every required rung below it must have been recorded;
- a ruling answers the application before it: while an application waits for its ruling nothing
  else is recorded for that guardian, and a ruling needs a waiting application;
- a ruling of 驳回 closes that round: the guardian keeps the guardianship, and the ladder may be
  climbed again from any rung (the required rungs already recorded stay recorded);
- after a ruling of 撤销 nothing more is recorded for that guardian.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping, Sequence


@dataclass(frozen=True)
class Rung:
    code: str
    label: str
    basis: str  # the law the rung rests on, shown beside it
    required: bool  # must be recorded before any higher rung
    unit_hint: str  # who usually does it (the form's placeholder)
    doc_label: str  # what the document number is called on this rung


RUNGS: tuple[Rung, ...] = (
    Rung("criticism", "批评教育", "未成年人保护法第118条第1款；国发〔2016〕13号", True, "村（居）民委员会", "记录编号"),
    Rung("admonition", "训诫并责令接受家庭教育指导", "未成年人保护法第118条第2款；家庭教育促进法第49条", True, "派出所、检察院或法院",
         "训诫书、家庭教育指导令文号"),
    Rung("referral", "治安处罚或移送公安、检察机关", "未成年人保护法第129条；国发〔2016〕13号", False, "公安机关、检察院",
         "处罚决定书或移送函文号"),
    Rung("application", "申请撤销监护资格", "民法典第36条；未成年人保护法第108条；国发〔2016〕13号", True, "县人民法院", "受理案号"),
    Rung("ruling", "法院判决", "民法典第36条", False, "县人民法院", "判决书文号"),
)
RUNG_BY_CODE: Mapping[str, Rung] = MappingProxyType({r.code: r for r in RUNGS})
ORDER: Mapping[str, int] = MappingProxyType({r.code: i for i, r in enumerate(RUNGS)})
APPLICATION, RULING = "application", "ruling"

RULING_OUTCOMES: Mapping[str, str] = MappingProxyType({"revoked": "撤销监护资格", "rejected": "驳回申请"})
REVOKED = "revoked"
# what a ruling of 撤销 writes to the parent's situation on the child's record (rules.choices.PARENT_SITUATION)
REVOKED_SITUATION = "被撤销监护资格"

GUARDIANS: Mapping[str, str] = MappingProxyType({"father": "父亲", "mother": "母亲", "other": "其他监护人"})
# the record holds the parents' situations only: a ruling about another guardian writes nothing back
PARENTS = ("father", "mother")

# 劝返监护人: a parent away persuaded to come home (国发〔2016〕13号: parents of a child left alone are told to return)
RETURN_OUTCOMES: Mapping[str, str] = MappingProxyType({"returned": "已返乡", "refused": "不愿返回", "unreachable": "无法联系"})
RETURNED = "returned"
HOME_SITUATION = "在家"


class GuardianshipRuleError(ValueError):
    """A rung that the guardian's ladder does not allow now, or a record missing what it needs (the
    message is Chinese, for the user; `field` names the value it concerns)."""

    def __init__(self, message: str, *, field: str = "rung"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Recorded:
    """One rung recorded for a guardian, in the order recorded; `outcome` for a ruling only."""
    rung: str
    outcome: str = ""


def _revoked(done: Sequence[Recorded]) -> bool:
    return any(d.rung == RULING and d.outcome == REVOKED for d in done)


def _round(done: Sequence[Recorded]) -> Sequence[Recorded]:
    """What was recorded since the last ruling (a ruling of 驳回 closes a round)."""
    last = max((i for i, d in enumerate(done) if d.rung == RULING), default=-1)
    return done[last + 1:]


def allowed_next(done: Sequence[Recorded]) -> list[str]:
    """The rungs that may be recorded next for a guardian, in ladder order."""
    if _revoked(done):
        return []
    current = _round(done)
    if any(d.rung == APPLICATION for d in current):
        return [RULING]  # the application waits for its ruling
    floor = max((ORDER[d.rung] for d in current), default=0)
    ever = {d.rung for d in done}
    return [r.code for r in RUNGS if r.code != RULING and ORDER[r.code] >= floor
            and all(p.code in ever for p in RUNGS[:ORDER[r.code]] if p.required)]


def check_next(done: Sequence[Recorded], rung: str, outcome: str = "") -> None:
    """Raises GuardianshipRuleError, in words, when `rung` (with `outcome`) may not be recorded next."""
    if rung not in RUNG_BY_CODE:
        raise GuardianshipRuleError(f"未知的干预措施：{rung}")
    if _revoked(done):
        raise GuardianshipRuleError("该监护人的监护资格已被法院撤销，不再记录干预措施")
    if rung not in allowed_next(done):
        raise GuardianshipRuleError(_why_not(done, rung))
    if rung == RULING and outcome not in RULING_OUTCOMES:
        raise GuardianshipRuleError("请选择判决结果（撤销监护资格或驳回申请）", field="outcome")
    if rung != RULING and outcome:
        raise GuardianshipRuleError("只有法院判决才有判决结果", field="outcome")


def _why_not(done: Sequence[Recorded], rung: str) -> str:
    label = RUNG_BY_CODE[rung].label
    current = _round(done)
    if rung == RULING:
        return "须先记录申请撤销监护资格，才能记录法院判决"
    if any(d.rung == APPLICATION for d in current):
        return "已申请撤销监护资格，请先记录法院判决"
    floor = max((ORDER[d.rung] for d in current), default=0)
    if ORDER[rung] < floor:
        return f"已经进行到“{RUNGS[floor].label}”，不能退回到“{label}”"
    ever = {d.rung for d in done}
    missing = [p.label for p in RUNGS[:ORDER[rung]] if p.required and p.code not in ever]
    return f"记录“{label}”之前须先记录：{'、'.join(missing)}"


def accepts(sequence: Iterable[Recorded]) -> bool:
    """Whether a whole sequence could have been recorded one after another (for checks and tests)."""
    done: list[Recorded] = []
    for d in sequence:
        try:
            check_next(done, d.rung, d.outcome)
        except GuardianshipRuleError:
            return False
        done.append(d)
    return True


def next_situation(*, rung: str, outcome: str) -> str | None:
    """What a record writes to the parent's situation on the child's record: 被撤销监护资格 after a
    ruling of 撤销 (民法典 Art. 36), nothing otherwise."""
    return REVOKED_SITUATION if rung == RULING and outcome == REVOKED else None


def check_return(*, guardian: str, outcome: str, returned_on_given: bool) -> None:
    """劝返: a parent (the record holds the parents' situations), an outcome, and the return date
    exactly when the parent came home."""
    if guardian not in PARENTS:
        raise GuardianshipRuleError("劝返对象须为父亲或母亲", field="guardian")
    if outcome not in RETURN_OUTCOMES:
        raise GuardianshipRuleError("请选择劝返结果", field="outcome")
    if outcome == RETURNED and not returned_on_given:
        raise GuardianshipRuleError("已返乡的请填写返乡日期", field="returned_on")
    if outcome != RETURNED and returned_on_given:
        raise GuardianshipRuleError("未返乡的不填写返乡日期", field="returned_on")
