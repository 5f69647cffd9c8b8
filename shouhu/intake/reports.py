"""Files an import gives back: the problem list (行号, 列, 问题) and the error sheet (the rejected
rows as typed, with a 问题 column, ready to fix and upload again); and the blank template."""
import csv
import io
from pathlib import Path

import xlsxwriter

from shouhu.core.cells import neutralise
from shouhu.rules import national_forms as NF

from .models import ImportBatch, ImportRow
from .sheet import COLUMNS, STANDARD

PROBLEM_HEADERS = ("行号", "列", "问题")


def problem_rows(batch: ImportBatch):
    for r in batch.rows.filter(kind=ImportRow.Kind.REJECTED).order_by("row_no").iterator(chunk_size=2000):
        for column, message in r.problems:
            yield [r.row_no, column, message]


def error_rows(batch: ImportBatch):
    for r in batch.rows.filter(kind=ImportRow.Kind.REJECTED).order_by("row_no").iterator(chunk_size=2000):
        yield [*r.cells, "；".join(f"{c}：{m}" for c, m in r.problems)]


def _write(path_or_buffer, fmt: str, headers, rows, *, sheet: str, widths=None) -> None:
    if fmt == "csv":
        if isinstance(path_or_buffer, (str, Path)):
            f = open(path_or_buffer, "w", encoding="utf-8-sig", newline="")
        else:
            f = io.TextIOWrapper(path_or_buffer, encoding="utf-8-sig", newline="", write_through=True)
        try:
            w = csv.writer(f)
            w.writerow(headers)
            w.writerows(rows)
        finally:
            if isinstance(path_or_buffer, (str, Path)):
                f.close()
            else:
                f.detach()
        return
    target = str(path_or_buffer) if isinstance(path_or_buffer, (str, Path)) else path_or_buffer
    wb = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                      "in_memory": not isinstance(path_or_buffer, (str, Path))})
    ws = wb.add_worksheet(sheet)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = wb.add_format({"num_format": "@"})
    ws.set_column(0, len(headers) - 1, 12, text)
    for i, w in enumerate(widths or []):
        ws.set_column(i, i, w, text)
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, head)
    for n, row in enumerate(rows, 1):
        for c, v in enumerate(row):
            if isinstance(v, int):
                ws.write_number(n, c, v)
            elif v:
                ws.write_string(n, c, str(v))
    wb.close()


def fmt_of(path: str) -> str:
    return "csv" if str(path).lower().endswith(".csv") else "xlsx"


def write_problem_report(batch: ImportBatch, out, fmt: str | None = None) -> None:
    _write(out, fmt or fmt_of(out), PROBLEM_HEADERS, problem_rows(batch), sheet="问题清单", widths=[8, 18, 60])


def write_error_sheet(batch: ImportBatch, out, fmt: str = "xlsx") -> None:
    headers = [h for h in batch.headers]
    # a sheet may have had trailing blank header cells: keep positions, name them so Excel shows them
    _write(out, fmt, [*headers, "问题"], error_rows(batch), sheet="待修改", widths=[])


def write_template(out, fmt: str = "xlsx", *, extended: bool = False) -> None:
    cols = COLUMNS if extended else STANDARD
    _write(out, fmt, [c.header for c in cols], iter(()), sheet="登记表")


def form_workbook_bytes(forms, *, marking: str) -> bytes:
    """Children as national one-child forms (附件1), one worksheet each: the title, then each row's
    labels each followed by its value — the layout `core.sheets` reads back."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    title = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
    label_f = wb.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2", "text_wrap": True})
    value_f = wb.add_format({"border": 1, "text_wrap": True, "num_format": "@"})
    used: set[str] = set()
    for n, (name, rows) in enumerate(forms, 1):
        sheet = f"{n}-{name}"[:31]
        while sheet in used:
            sheet = f"{sheet[:28]}({n})"
        used.add(sheet)
        ws = wb.add_worksheet(sheet)
        ws.merge_range(0, 0, 0, 11, NF.FORM_TITLE, title)
        for r, cells in enumerate(rows, 2):
            for i, (label, text) in enumerate(cells):
                ws.write_string(r, 2 * i, label, label_f)
                ws.write_string(r, 2 * i + 1, neutralise(text), value_f)
        last = len(rows) + 3
        ws.write_string(last, 0, "单位负责人（签名）：")
        ws.write_string(last, 4, "复核人（签名）：")
        ws.write_string(last, 8, "填表人（签名）：")
        ws.write_string(last + 1, 0, marking)
        ws.set_column(0, 11, 13)
    wb.close()
    return buf.getvalue()
