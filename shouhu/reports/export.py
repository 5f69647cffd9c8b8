"""The report as an .xlsx workbook (XlsxWriter): one worksheet per table, plus the list of
children who entered or exited in the month (names, never ID numbers)."""
from __future__ import annotations

import io
import re

import xlsxwriter

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

