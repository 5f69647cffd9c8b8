"""Export of visit records (the filtered list as .xlsx), marked and access-logged like every
export of children's data (`core.xlsx`)."""
from datetime import datetime

from shouhu.accounts.roles import ROLES
from shouhu.core.xlsx import MAX_ROWS, marked_workbook
from shouhu.rules import care as R

HEADERS = ["走访日期", "儿童", "乡镇（街道）", "村（社区）", "方式", "走访人", "走访人身份",
           *[label for _, label in R.VISIT_AREAS], "发现的异常", "需求", "采取的措施", "后续跟进", "跟进日期", "录入时间"]


def visits_workbook(qs, *, who: str, when: datetime, label: str) -> tuple[bytes, int]:
    def rows():
        for v in qs.select_related("child__village__parent")[:MAX_ROWS].iterator(chunk_size=2000):
            village = v.child.village
            yield [f"{v.date:%Y-%m-%d}", v.child.name, village.parent.short_name if village.parent else "", village.short_name, v.mode,
                   v.visitor_name, ROLES[v.visitor_role].label if v.visitor_role in ROLES else v.visitor_role,
                   *[getattr(v, k) for k, _ in R.VISIT_AREAS], "、".join(v.concerns or []), v.needs, v.actions, v.follow_up,
                   f"{v.follow_up_date:%Y-%m-%d}" if v.follow_up_date else "", f"{v.created_at:%Y-%m-%d %H:%M}"]

    return marked_workbook(title="走访记录", headers=HEADERS, rows=rows(), who=who, when=when, label=label, freeze_cols=2)
