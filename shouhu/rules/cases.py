"""Protection cases (个案; docs/domain.md, "Emergency response", "Assessment and help"), pure: the
steps a case goes through, which action leads from which step, who must approve, and the timer
of each step. Plain data in, plain data out; the protection app stores the case and its steps.

The procedure (国发〔2016〕13号; 未成年人保护法 Art. 92–93; the county's 应急处置 and 评估帮扶 rules):
  reported   已报告      a report or an alert became a case; someone must confirm the child is safe
  responded  已响应      the child was seen and is safe for now
  placed     已安置      where the child stays (with relatives, the village committee, temporary care
                         by the rescue and protection institution, a welfare institution, or at home)
  assessed   已评估      safety, guardianship, body and mind assessed; a risk level set
  planning   计划待审批  a help plan (services, each with a unit, an owner and a deadline) awaits approval
  following  跟进中      the approved plan is carried out; reviewed every 30 days
  closing    结案待审批  closure asked for, awaiting approval
  closed     已结案      approved; a follow-up visit (回访) is due
  revisited  已回访      the follow-up visit was made — the end

Approvals (like Primero's): a plan and a closure are approved by someone other than the case worker
who asked (the county's protection role or the township supervisor above a village worker). A
returned plan goes back to `assessed`, a returned closure back to `following`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Mapping

STATES: Mapping[str, str] = MappingProxyType({
    "reported": "已报告", "responded": "已响应", "placed": "已安置", "assessed": "已评估", "planning": "计划待审批",
    "following": "跟进中", "closing": "结案待审批", "closed": "已结案", "revisited": "已回访",
})
STATE_CHOICES: tuple[tuple[str, str], ...] = tuple(STATES.items())  # (code, label) for a model's choices and the API schema
OPEN_STATES = frozenset(STATES) - {"closed", "revisited"}
END = "revisited"

# action -> (from states, to state, needs an approver other than the one who asked)
ACTIONS: Mapping[str, tuple[frozenset[str], str, bool]] = MappingProxyType({
    "respond": (frozenset({"reported"}), "responded", False),
    "place": (frozenset({"responded", "placed", "assessed", "following"}), "placed", False),  # a child may be moved later
    "assess": (frozenset({"placed", "assessed", "following"}), "assessed", False),           # reassessment after a change
    "submit_plan": (frozenset({"assessed"}), "planning", False),
    "approve_plan": (frozenset({"planning"}), "following", True),
    "return_plan": (frozenset({"planning"}), "assessed", True),
    "review": (frozenset({"following"}), "following", False),  # the 30-day plan review
    "request_close": (frozenset({"following"}), "closing", False),
    "approve_close": (frozenset({"closing"}), "closed", True),
    "return_close": (frozenset({"closing"}), "following", True),
    "revisit": (frozenset({"closed"}), "revisited", False),
})
ACTION_LABELS: Mapping[str, str] = MappingProxyType({
    "respond": "确认儿童安全", "place": "安置", "assess": "评估", "submit_plan": "提交帮扶计划", "approve_plan": "批准计划",
    "return_plan": "退回计划", "review": "计划复核", "request_close": "申请结案", "approve_close": "批准结案",
    "return_close": "退回结案申请", "revisit": "回访",
})
# what else the timeline shows beside the actions
EVENT_LABELS: Mapping[str, str] = MappingProxyType({
    "open": "立案", "plan": "添加帮扶服务", "plan_done": "帮扶服务完成", "overdue": "超过时限", "glass": "紧急查阅",
})
DUE_LABELS: Mapping[str, str] = MappingProxyType({
    "respond": "确认儿童安全", "place": "安置", "assess": "完成评估", "review": "计划复核", "revisit": "回访",
})
# the steps in the order a case goes through them (the progress bar), the approval waits folded in
PATH: tuple[str, ...] = ("reported", "responded", "placed", "assessed", "following", "closed", "revisited")
APPROVAL_STATES = frozenset({"planning", "closing"})
# the step's main action (the page's primary button); the others stay a tap away
NEXT: Mapping[str, str] = MappingProxyType({
    "reported": "respond", "responded": "place", "placed": "assess", "assessed": "submit_plan", "planning": "approve_plan",
    "following": "review", "closing": "approve_close", "closed": "revisit",
})


def step_label(action: str) -> str:
    return ACTION_LABELS.get(action) or EVENT_LABELS.get(action, action)


def progress(state: str) -> int:
    """How far along the path (0-based) a case in `state` is; an approval wait counts as the step before."""
    return PATH.index({"planning": "assessed", "closing": "following"}.get(state, state))


PLACEMENTS: tuple[str, ...] = ("原家庭（监护人在家）", "亲属照护", "村（居）民委员会临时照护", "未成年人救助保护机构临时监护", "儿童福利机构",
                               "其他")
RISK_LEVELS: tuple[str, ...] = ("高", "中", "低")
SERVICES: tuple[str, ...] = ("监护指导", "医疗救治", "心理疏导", "行为矫治", "社工服务", "法律援助", "家庭教育指导", "社会救助", "教育安置")


class CaseRuleError(ValueError):
    """An action that the case's step does not allow (the message is Chinese, for the user)."""


def apply(state: str, action: str, *, actor_is_requester: bool = False) -> str:
    """The step after `action`; raises CaseRuleError when the action does not fit the step, or an
    approval is made by the one who asked for it."""
    if state not in STATES:
        raise CaseRuleError(f"未知的个案状态：{state}")
    if action not in ACTIONS:
        raise CaseRuleError(f"未知的操作：{action}")
    sources, target, approval = ACTIONS[action]
    if state not in sources:
        raise CaseRuleError(f"个案处于“{STATES[state]}”，不能{ACTION_LABELS[action]}")
    if approval and actor_is_requester:
        raise CaseRuleError("审批须由提交人以外的人员进行")
    return target


def allowed_actions(state: str) -> list[str]:
    return [a for a, (sources, _, _) in ACTIONS.items() if state in sources]


@dataclass(frozen=True)
class CaseSettings:
    """County settings, defaults of the procedure: the child confirmed safe within 2 hours of the
    report, placed within 24 hours, assessed within 7 days; the plan reviewed every 30 days; the
    follow-up visit within 30 days of closure."""
    respond: timedelta = timedelta(hours=2)
    place: timedelta = timedelta(hours=24)
    assess: timedelta = timedelta(days=7)
    review: timedelta = timedelta(days=30)
    revisit: timedelta = timedelta(days=30)


def due(state: str, *, opened: datetime, entered: datetime, settings: CaseSettings = CaseSettings()) -> tuple[str, datetime] | None:
    """(what is due next, by when) for a case in `state` since `entered` (opened at `opened`);
    None when nothing is timed (waiting for an approval, or the end). The first three deadlines
    run from the opening: a late response does not buy time for the placement."""
    if state == "reported":
        return "respond", opened + settings.respond
    if state == "responded":
        return "place", opened + settings.place
    if state == "placed":
        return "assess", opened + settings.assess
    if state == "following":
        return "review", entered + settings.review
    if state == "closed":
        return "revisit", entered + settings.revisit
    return None  # assessed (the plan is the worker's next step, untimed here), planning and closing (approvals), revisited
