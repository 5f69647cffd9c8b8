"""Mandatory reporting (强制报告; 未成年人保护法 Art. 11 and the 2020 opinion of nine departments on
a mandatory reporting system for harm to minors, docs/domain.md "Mandatory reporting"), pure: the
nine situations that must be reported at once, and what a report still owes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class Situation:
    code: str
    label: str


SITUATIONS: tuple[Situation, ...] = (
    Situation("private_injury", "未成年人的生殖器官或隐私部位遭受或疑似遭受非正常损伤"),
    Situation("sexual_under_14", "不满十四周岁的女性未成年人遭受或疑似遭受性侵害、怀孕、流产"),
    Situation("pregnant_by_assault", "十四周岁以上女性未成年人遭受或疑似遭受性侵害所致怀孕、流产"),
    Situation("injury_abuse", "身体存在多处损伤、严重营养不良、意识不清，存在或疑似存在受到家庭暴力、欺凌、虐待、殴打或者被人麻醉等情形"),
    Situation("self_harm", "未成年人因自杀、自残、工伤、中毒、被人麻醉、殴打等非正常原因导致伤残、死亡情形"),
    Situation("abandoned", "未成年人被遗弃或长期处于无人照料状态"),
    Situation("missing", "发现未成年人来源不明、失踪或者被拐卖、收买"),
    Situation("begging", "发现未成年人被组织乞讨"),
    Situation("other", "其他严重侵害未成年人身心健康的情形或未成年人正在面临不法侵害危险"),
)
SITUATION_LABELS: Mapping[str, str] = MappingProxyType({s.code: s.label for s in SITUATIONS})

# The report reaches the police at once; the reporter hears back. Defaults of the county's procedure.
FEEDBACK_DAYS = 7


def owed(*, police_notified_at: datetime | None, civil_affairs_told: str, feedback_given_at: datetime | None,
         received_at: datetime | None, filed_at: datetime, now: datetime) -> list[str]:
    """What a report still owes, in plain Chinese, in the order the procedure asks for it."""
    out = []
    if received_at is None:
        out.append("待督导员受理")
    if police_notified_at is None:
        out.append("未记录向公安机关报案")
    if not civil_affairs_told.strip():
        out.append("未记录通报民政、教育部门")
    if feedback_given_at is None:
        late = now > filed_at + timedelta(days=FEEDBACK_DAYS)
        out.append("未向报告人反馈" + ("（已超过7天）" if late else ""))
    return out
