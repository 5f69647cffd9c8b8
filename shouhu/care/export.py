"""Export of visit records (the filtered list as .xlsx). Like every export of children's data it
says who took it and when (file properties, print footer, last line) and is access-logged."""
import io
from datetime import datetime

from shouhu.rules import care as R

HEADERS = ["走访日期", "儿童", "乡镇（街道）", "村（社区）", "方式", "走访人", "走访人身份",
           *[label for _, label in R.VISIT_AREAS], "发现的异常", "需求", "采取的措施", "后续跟进", "跟进日期", "录入时间"]
MAX_ROWS = 50_000  # one request; a larger export means the filters are too wide


def visits_workbook(qs, *, who: str, when: datetime, label: str) -> tuple[bytes, int]:
    import xlsxwriter

    from shouhu.accounts.roles import ROLES

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": "走访记录", "subject": label, "author": who, "company": "守护",
                       "comments": f"导出人：{who}；导出时间：{when:%Y-%m-%d %H:%M}；范围：{label}。含儿童个人信息，仅限工作使用。",
                       "created": when.replace(tzinfo=None)})
    ws = wb.add_worksheet("走访记录")
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    ws.set_column(0, len(HEADERS) - 1, 14)
    ws.freeze_panes(1, 2)
    ws.set_footer(f"&L导出人：{who.replace('&', '&&')}  {when:%Y-%m-%d %H:%M}&R第 &P 页，共 &N 页")
    for c, h in enumerate(HEADERS):
        ws.write_string(0, c, h, head)
    n = 0
    for n, v in enumerate(qs.select_related("child__village__parent")[:MAX_ROWS].iterator(chunk_size=2000), 1):
        village = v.child.village
        row = [f"{v.date:%Y-%m-%d}", v.child.name, village.parent.short_name if village.parent else "", village.short_name, v.mode,
               v.visitor_name, ROLES[v.visitor_role].label if v.visitor_role in ROLES else v.visitor_role,
               *[getattr(v, k) for k, _ in R.VISIT_AREAS], "、".join(v.concerns or []), v.needs, v.actions, v.follow_up,
               f"{v.follow_up_date:%Y-%m-%d}" if v.follow_up_date else "", f"{v.created_at:%Y-%m-%d %H:%M}"]
        for c, x in enumerate(row):
            if x:
                ws.write_string(n, c, str(x))
    ws.write_string(n + 1, 0, f"导出：{who}，{when:%Y-%m-%d %H:%M}，{label}，共{n}条。含儿童个人信息，仅限工作使用，不得外传。")
    wb.close()
    return buf.getvalue(), n
