"""The report as an .xlsx workbook (XlsxWriter): one worksheet per table, plus the list of
children who entered or exited in the month (names, never ID numbers)."""
from __future__ import annotations

import io
import re

import xlsxwriter

from shouhu.rules import national_forms as N

MOVEMENT_SHEET = "纳入退出名单"


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "表"
    base, i = name, 2
    while name in used:
        name = f"{base[:28]}({i})"
        i += 1
    used.add(name)
    return name


def workbook_bytes(figures: dict, *, heading: str, marking: str, with_names: bool) -> bytes:
    """`heading`: node and month; `marking`: who exported it and when (docs/domain.md, "Privacy")."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
    cell = wb.add_format({"border": 1})
    total = wb.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2"})
    used: set[str] = set()
    for t in [*figures["tables"], *figures.get("sections", [])]:  # a submission frozen before sections has none
        ws = wb.add_worksheet(_sheet_name(t["title"], used))
        ws.write(0, 0, f"{heading} — {t['title']}", bold)
        ws.write(1, 0, f"统计截至 {figures['as_of']}（在册儿童）；{marking}")
        ws.write(3, 0, t["unit_label"], head)
        for j, (_, label) in enumerate(t["columns"], start=1):
            ws.write(3, j, label, head)
        for i, r in enumerate(t["rows"], start=4):
            ws.write(i, 0, r["label"], cell)
            for j, (k, _) in enumerate(t["columns"], start=1):
                ws.write(i, j, r["counts"].get(k, 0), cell)  # a number, or "<5" for statistics-only readers
        last = 4 + len(t["rows"])
        ws.write(last, 0, t["total"]["label"], total)
        for j, (k, _) in enumerate(t["columns"], start=1):
            ws.write(last, j, t["total"]["counts"].get(k, 0), total)
        ws.set_column(0, 0, 16)
        ws.set_column(1, len(t["columns"]), 11)
        ws.freeze_panes(4, 1)
    ws = wb.add_worksheet(_sheet_name(MOVEMENT_SHEET, used))
    ws.write(0, 0, f"{heading} — 本月纳入与退出儿童", bold)
    ws.write(1, 0, marking)
    headers = (["姓名"] if with_names else []) + ["村（社区）", "日期", "类型", "原因"]
    for j, h in enumerate(headers):
        ws.write(3, j, h, head)
    for i, m in enumerate(figures["movements"], start=4):
        values = ([m["name"]] if with_names else []) + [m["village"], m["date"], m["kind_label"], m["reason"]]
        for j, v in enumerate(values):
            ws.write_string(i, j, str(v), cell)
    ws.set_column(0, len(headers) - 1, 14)
    ws.set_column(len(headers) - 1, len(headers) - 1, 40)
    wb.close()
    return buf.getvalue()


def filename(figures: dict) -> str:
    return f"月报_{figures['node']['name']}_{figures['month']}.xlsx"



def national_workbook_bytes(figures: dict, *, marking: str) -> bytes:
    """The 统计表 in the national layout (民发〔2016〕42号 附件3): title, 填报单位 and cut-off, a
    two-row header (groups merged over their columns), the row of column numbers 1–32 the
    relations refer to, one row per unit and the total, then the notes (the relations, each with
    whether it holds) and the signature line."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    head = wb.add_format({"bold": True, "border": 1, "text_wrap": True, "align": "center", "valign": "vcenter"})
    num = wb.add_format({"border": 1, "align": "center", "font_color": "#555555"})
    cell = wb.add_format({"border": 1})
    total = wb.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2"})
    ws = wb.add_worksheet("附件3")
    t = figures["table"]
    width = len(N.COLUMNS) + 1
    ws.merge_range(0, 0, 0, width - 1, "农村留守儿童摸底排查统计表", title)
    ws.write(1, 0, f"填报单位：{figures['node']['name']}（盖章）")
    ws.write(1, width // 2, f"年龄计算截止日期：{figures['cutoff']}")
    ws.merge_range(3, 0, 4, 0, t["unit_label"], head)
    col = 1
    while col <= len(N.COLUMNS):
        c = N.COLUMNS[col - 1]
        if not c.group:
            ws.merge_range(3, col, 4, col, c.label, head)
            col += 1
            continue
        end = col
        while end < len(N.COLUMNS) and N.COLUMNS[end].group == c.group:
            end += 1
        ws.merge_range(3, col, 3, end, c.group, head) if end > col else ws.write(3, col, c.group, head)
        for k in range(col, end + 1):
            ws.write(4, k, N.COLUMNS[k - 1].label, head)
        col = end + 1
    ws.write(5, 0, "栏次", num)
    for c in N.COLUMNS:
        ws.write_number(5, c.no, c.no, num)
    r = 6
    for row in t["rows"]:
        ws.write(r, 0, row["label"], cell)
        for c in N.COLUMNS:
            ws.write(r, c.no, row["counts"].get(c.key, 0), cell)
        r += 1
    ws.write(r, 0, "合计", total)
    for c in N.COLUMNS:
        ws.write(r, c.no, t["total"]["counts"].get(c.key, 0), total)
    r += 2
    ws.write(r, 0, "注：1. 填报数据均为不满十六周岁农村留守儿童人数，年龄按截止日期的实际周岁计算。")
    ws.write(r + 1, 0, "2. 表间勾稽关系（本表核对结果）：")
    r += 2
    for chk in figures["checks"]:
        mark = "成立" if chk["holds"] else "不成立"
        ws.write(r, 0, f"{chk['where']}：{chk['text']}（{chk['left']} = {chk['right']}，{mark}）" if chk["left"] != "" else
                 f"{chk['where']}：{chk['text']}（{mark}）")
        r += 1
    r += 1
    ws.write(r, 0, "单位负责人（签名）：")
    ws.write(r, width // 3, "填表人（签名）：")
    ws.write(r, 2 * width // 3, "复核人（签名）：")
    ws.write(r + 1, 0, marking)
    ws.set_column(0, 0, 14)
    ws.set_column(1, width - 1, 6)
    ws.set_row(4, 60)
    ws.freeze_panes(6, 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    wb.close()
    return buf.getvalue()
