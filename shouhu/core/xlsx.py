"""A marked Excel export: like every export of children's data it says who took it and when (file
properties, print footer, last line). The caller writes the access log. Text a spreadsheet would
run as a formula is neutralised (an apostrophe in front) as in the register sheet."""
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.http import HttpResponse

from .cells import neutralise

MAX_ROWS = 50_000  # one request; a larger export means the filters are too wide


def marked_workbook(*, title: str, headers: Sequence[str], rows: Iterable[Sequence], who: str, when: datetime, label: str,
                    freeze_cols: int = 1, max_rows: int = MAX_ROWS) -> tuple[bytes, int]:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": title, "subject": label, "author": who, "company": "守护",
                       "comments": f"导出人：{who}；导出时间：{when:%Y-%m-%d %H:%M}；范围：{label}。含儿童个人信息，仅限工作使用。",
                       "created": when.replace(tzinfo=None)})
    ws = wb.add_worksheet(title[:31])
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    ws.set_column(0, len(headers) - 1, 14)
    ws.freeze_panes(1, freeze_cols)
    ws.set_footer(f"&L导出人：{who.replace('&', '&&')}  {when:%Y-%m-%d %H:%M}&R第 &P 页，共 &N 页")
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, head)
    n = 0
    for n, row in enumerate(rows, 1):
        if n > max_rows:
            n -= 1
            break
        for c, x in enumerate(row):
            if x not in (None, ""):
                ws.write_string(n, c, neutralise(str(x)))
    ws.write_string(n + 1, 0, f"导出：{who}，{when:%Y-%m-%d %H:%M}，{label}，共{n}条。含儿童个人信息，仅限工作使用，不得外传。")
    wb.close()
    return buf.getvalue(), n


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
