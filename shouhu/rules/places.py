"""阵地建设 (docs/domain.md, "Places"): the kinds of place, a place's steps 筹建 → 申报 → 验收 → 运行 →
停用, the county's "六个一" checklist, the guardians of a parent-school session, and reading a pasted
list of names or ID numbers for attendance. Pure: no Django.

Sources: 000 "原则上各乡镇要至少建立一个留守儿童服务站"; 002 "建立学生心理健康咨询室，配备至少1名专兼职
心理辅导教师 … 办好家长学校"; 001 "积极办好留守儿童家长学校,定期举办家庭教育讲座"; 004 the "六个一"
standard of a 留守儿童之家 and its 申报 before acceptance."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

KINDS: Mapping[str, str] = MappingProxyType({
    "home": "留守儿童之家",
    "children_home": "儿童之家",
    "station": "留守儿童服务站",
    "contact_room": "亲情联系室",
    "counselling_room": "心理咨询室",
    "after_school": "四点半课堂",
    "parent_school": "家长学校",
})
KIND_CHOICES = tuple(KINDS.items())
# Where each kind stands: a village (儿童之家), a township (服务站: 000, one per township) or a school
# (心理咨询室: 002); the others may be either a village's or a school's.
HOSTS: Mapping[str, frozenset[str]] = MappingProxyType({
    "home": frozenset({"village", "school"}),
    "children_home": frozenset({"village"}),
    "station": frozenset({"township"}),
    "contact_room": frozenset({"village", "school"}),
    "counselling_room": frozenset({"school"}),
    "after_school": frozenset({"village", "school"}),
    "parent_school": frozenset({"village", "township", "school"}),
})
HOST_LABELS: Mapping[str, str] = MappingProxyType({"village": "村（社区）", "township": "乡镇", "school": "学校"})
# The village's own place for children: a village without a running one is listed on the coverage page.
VILLAGE_HOMES = frozenset({"home", "children_home"})

STATES: Mapping[str, str] = MappingProxyType({
    "draft": "筹建中", "declared": "已申报待验收", "running": "运行中", "closed": "已停用",
})
STATE_CHOICES = tuple(STATES.items())
# action -> (from states, to state). 申报 is the keeper's; 验收 (or sending back), 停用 and 恢复 the county's.
ACTIONS: Mapping[str, tuple[frozenset[str], str]] = MappingProxyType({
    "declare": (frozenset({"draft"}), "declared"),
    "accept": (frozenset({"declared"}), "running"),
    "return": (frozenset({"declared"}), "draft"),
    "close": (frozenset({"running"}), "closed"),
    "reopen": (frozenset({"closed"}), "running"),
})
ACTION_LABELS: Mapping[str, str] = MappingProxyType({
    "declare": "申报验收", "accept": "验收通过", "return": "退回完善", "close": "停用", "reopen": "恢复运行",
})
# which actions the county accepts (验收/停用): the others are the place's keeper's
COUNTY_ACTIONS = frozenset({"accept", "return", "close", "reopen"})

# "六个一" (004): the county may word them its own way (settings); these are the defaults.
DEFAULT_CHECKLIST: tuple[str, ...] = (
    "一处固定场所", "一块标识牌", "一套管理制度", "一名管理员", "一套活动设备（电视、电脑、电话等）", "一份活动计划",
)


class PlaceRuleError(ValueError):
    def __init__(self, message: str, *, field: str = "action"):
        super().__init__(message)
        self.field = field


def missing_items(checklist: Mapping[str, bool], items: Sequence[str]) -> list[str]:
    """The county's items the place has not ticked."""
    return [i for i in items if not checklist.get(i)]


def apply(state: str, action: str, *, checklist: Mapping[str, bool] | None = None, items: Sequence[str] = (),
          note: str = "") -> str:
    """The state after `action`, or PlaceRuleError in words. A place is declared only when every
    item of the county's checklist is ticked (004: the "六个一" standard before 验收); sending one
    back or closing it says why."""
    if action not in ACTIONS:
        raise PlaceRuleError("未知的操作")
    sources, target = ACTIONS[action]
    if state not in sources:
        raise PlaceRuleError(f"处于“{STATES.get(state, state)}”时不能{ACTION_LABELS[action]}")
    if action == "declare":
        missing = missing_items(checklist or {}, items)
        if missing:
            raise PlaceRuleError(f"“六个一”尚未达标：{'、'.join(missing)}", field="checklist")
    if action in ("return", "close") and not note.strip():
        raise PlaceRuleError("请写明原因", field="note")
    return target


def allowed_actions(state: str) -> list[str]:
    return [a for a, (sources, _) in ACTIONS.items() if state in sources]


def host_fits(kind: str, host: str) -> bool:
    """`host` ("village", "township", "school") may hold a place of `kind`."""
    return host in HOSTS.get(kind, frozenset())


# -- family education (家长学校) -----------------------------------------------------------------
GUARDIANS: Mapping[str, str] = MappingProxyType({"father": "父亲", "mother": "母亲", "carer": "委托照护人"})
MODES: Mapping[str, str] = MappingProxyType({"present": "到场", "phone": "电话", "video": "视频"})
TRAINING_MONTHS = 12  # a carer under a care agreement attends family education at least once a year


def training_due(*, has_carer: bool, agreement_date: date | None, last_attended: date | None, today: date,
                 months: int = TRAINING_MONTHS) -> bool:
    """An entrusted carer under a care agreement who has not attended a family-education session
    in the last `months` months (one signed today is due at once: the training belongs to taking
    the child on)."""
    if not has_carer or agreement_date is None:
        return False
    return last_attended is None or last_attended < today - timedelta(days=round(months * 365 / 12))


# -- reading a pasted list ("扫描名单") -----------------------------------------------------------
SEPARATORS = re.compile(r"[\s,，、;；:：|/]+")
ID_LIKE = re.compile(r"^\d{17}[\dX]$")


@dataclass(frozen=True)
class Candidate:
    key: object
    name: str
    id_number: str = ""


@dataclass(frozen=True)
class ListMatch:
    found: tuple  # keys of the candidates matched, in the order written
    unknown: tuple[str, ...]  # tokens that matched nobody
    ambiguous: tuple[str, ...]  # names that match more than one candidate (tick them by hand)


def read_list(text: str, candidates: Iterable[Candidate]) -> ListMatch:
    """Names or ID numbers typed, pasted or scanned into a box (one a line, or separated by commas,
    、 or spaces) matched to the children of the place: an ID number matches exactly, a name
    when exactly one child has it. Line numbers and 序号 ("1." "2、") are skipped."""
    cands = list(candidates)
    by_id = {c.id_number.upper(): c for c in cands if c.id_number}
    by_name: dict[str, list[Candidate]] = {}
    for c in cands:
        by_name.setdefault(c.name, []).append(c)
    found, unknown, ambiguous, seen = [], [], [], set()
    for raw in SEPARATORS.split(text or ""):
        token = raw.strip().strip(".。()（）").upper()
        if not token or token.isdigit() and len(token) < 15:
            continue
        if ID_LIKE.match(token):
            c = by_id.get(token)
            hits = [c] if c else []
        else:
            hits = by_name.get(token, [])
        if len(hits) == 1:
            if hits[0].key not in seen:
                seen.add(hits[0].key)
                found.append(hits[0].key)
        elif len(hits) > 1:
            if token not in ambiguous:
                ambiguous.append(token)
        elif token not in unknown:
            unknown.append(token if not ID_LIKE.match(token) else token[:6] + "…" + token[-4:])
    return ListMatch(tuple(found), tuple(unknown), tuple(ambiguous))
