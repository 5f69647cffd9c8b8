"""The roster sheet (学籍名册): its columns, one row's parsing, the blank template, and reading an
uploaded .xlsx/.xls with python-calamine. Nothing here touches the database.

Columns are found by their Chinese header text (order free, a few spellings each); 行号 is the
row number the user sees in Excel. A row is either a clean dict of values (plus remarks that do
not stop it) or a list of problems — never silently dropped."""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from shouhu.core.cells import CellError, normalise_class, parse_date, parse_grade, text_of
from shouhu.core.sheets import Layout, SheetError, normalise_header, open_sheet
from shouhu.rules.idcard import IdNumberError, check_id_against, make_id, normalise_number, parse_id

from .models import STATUS_SYNONYMS, STATUSES

# field -> the header shown in the template, then the other spellings accepted
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "学生姓名"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月日"),
    "id_number": ("身份证号/学籍号", "身份证号", "学籍号", "全国学籍号", "公民身份号码", "身份证件号", "身份证件号码", "身份证号码"),
    "grade": ("年级",),
    "class_name": ("班级",),
    "father_name": ("父亲姓名",),
    "mother_name": ("母亲姓名",),
    "carer_name": ("监护人", "监护人姓名"),
    "status": ("就学状态", "学籍状态"),
}
HEADER: dict[str, str] = {f: names[0] for f, names in COLUMNS.items()}
BY_HEADER: dict[str, str] = {normalise_header(n): f for f, names in COLUMNS.items() for n in names}
MAX_ROWS = 20_000  # one school
EXAMPLE = ["陆金兰", "女", "2017-08-05", "G" + make_id("421088", date(2017, 8, 5), 124), "三年级", "1班", "陆大军", "王小芳", "陆国华", "在读"]


@dataclass
class ParsedRow:
    row_no: int
    values: dict = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column header, message): the row is not stored
    remarks: list[tuple[str, str]] = field(default_factory=list)   # (column header, message): stored, with a remark

    def problem(self, f: str, message: str) -> None:
        self.problems.append((HEADER.get(f, f), message))


def split_student_no(raw: str) -> tuple[str, str]:
    """(ID number, 学籍号 as written). The 全国学籍号 is "G" + the 18-character ID number; an "L…"
    number is a temporary one for a pupil without an ID number (no ID then)."""
    s = normalise_number(raw)
    if s[:1] in ("G", "g") and len(s) == 19:
        return s[1:].upper(), s.upper()
    if s[:1] in ("L", "l"):
        return "", s.upper()
    return s.upper(), (s.upper() if s else "")


def parse_row(row_no: int, cells: dict[str, object], *, today: date) -> ParsedRow:
    """One data row (cells keyed by field) → values for a RosterEntry, or problems."""
    row = ParsedRow(row_no)
    v = row.values
    text = {f: text_of(cells.get(f)) for f in COLUMNS}
    for f in ("name", "father_name", "mother_name", "carer_name"):
        v[f] = re.sub(r"\s+", "", text[f])[:32]
    if not v["name"]:
        row.problem("name", "姓名不能为空")
    id_number, v["student_no"] = split_student_no(text["id_number"])
    info = None
    if id_number:
        try:
            info = parse_id(id_number, today=today)
        except IdNumberError as e:
            row.problem("id_number", e.message)
    v["id_number"] = info.number if info else ""
    sex = {"男性": "男", "女性": "女"}.get(text["sex"], text["sex"])
    if sex and sex not in ("男", "女"):
        row.problem("sex", f"“{text['sex']}”不是有效性别，请填“男”或“女”")
        sex = ""
    try:
        birth = parse_date(cells.get("birth_date"))
    except CellError as e:
        row.problem("birth_date", str(e))
        birth = None
    if info is not None:
        # kept as written: the roster's own contradiction is shown, and the cross-line check then
        # compares the birth date and sex with the village record
        for f, msg in check_id_against(info.number, birth_date=birth, sex=sex or None, today=today).items():
            row.remarks.append((HEADER[f], msg + "，已按名册所填导入，请核对"))
        birth, sex = birth or info.birth_date, sex or info.sex
    elif birth is None and not row.problems:
        row.problem("birth_date", "没有身份证号时须填写出生日期（否则无法与儿童档案核对）")
    if birth is not None and birth > today:
        row.problem("birth_date", "出生日期晚于今天")
    v["sex"], v["birth_date"] = sex, birth
    v["grade"] = None
    if text["grade"]:
        try:
            v["grade"] = parse_grade(text["grade"])
        except CellError as e:
            row.problem("grade", str(e))
    v["class_name"] = normalise_class(text["class_name"])[:32]
    status = STATUS_SYNONYMS.get(text["status"], text["status"]) or "在读"
    if status not in STATUSES:
        row.problem("status", f"“{text['status']}”不是有效就学状态，应为：{'、'.join(STATUSES)}")
    v["status"] = status
    return row


# -- reading the file -------------------------------------------------------------------------
@dataclass
class RosterSheet:
    header_row: int
    columns: dict[int, str]  # position -> field
    unknown: list[str]
    rows: Iterator[tuple[int, dict[str, object]]]


# Headers read past without a word; the other header rules are the register sheet's (core.sheets).
LAYOUT = Layout(frozenset(BY_HEADER), (), frozenset({"序号", "行号", "备注"}), example="“姓名”“身份证号/学籍号”",
                template="本页的模板", what="学籍名册", kinds=("xlsx", "xls"))


def read_roster(path: str | Path, *, max_bytes: int, memory: int | None = None, seconds: float | None = None) -> RosterSheet:
    """Open an uploaded roster; raise SheetError with a Chinese sentence for an unusable file.
    Parsed by core.sheets in a child process: a hostile file is refused, the caller survives."""
    sheet = open_sheet(path, max_bytes=max_bytes, layout=LAYOUT, memory=memory, seconds=seconds)
    columns: dict[int, str] = {}
    for i, n in sheet.columns.items():
        f = BY_HEADER[n]
        if f in columns.values():
            sheet.close()
            raise SheetError(f"“{HEADER[f]}”列出现了两次（表头“{n}”），请删除其中一列")
        columns[i] = f
    if "id_number" not in columns.values() and "birth_date" not in columns.values():
        sheet.close()
        raise SheetError("缺少“身份证号/学籍号”列（或至少“出生日期”列），无法与儿童档案核对")

    def data() -> Iterator[tuple[int, dict[str, object]]]:
        with sheet:
            for n, (row_no, cells) in enumerate(sheet.rows, 1):
                if n > MAX_ROWS:
                    raise SheetError(f"超过 {MAX_ROWS:,} 行；一所学校的名册不应这么大，请检查文件")
                yield row_no, {f: cells[i] for i, f in columns.items() if i < len(cells)}

    return RosterSheet(sheet.header_row, columns, sheet.unknown, data())


def template_workbook() -> bytes:
    """The blank roster sheet with one example row (to overwrite)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("学籍名册")
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = wb.add_format({"num_format": "@"})
    ws.set_column(0, len(HEADER) - 1, 14, text)
    ws.set_column(3, 3, 24, text)
    for c, h in enumerate(HEADER.values()):
        ws.write_string(0, c, h, head)
    for c, x in enumerate(EXAMPLE):
        ws.write_string(1, c, x)
    ws.freeze_panes(1, 1)
    ws.data_validation(1, 1, MAX_ROWS, 1, {"validate": "list", "source": ["男", "女"]})
    ws.data_validation(1, 9, MAX_ROWS, 9, {"validate": "list", "source": list(STATUSES)})
    notes = wb.add_worksheet("填写说明")
    for r, line in enumerate([
        "每名学生一行，表头不要改动（列的顺序可以调整）。",
        "身份证号/学籍号：填18位公民身份号码，或全国学籍号（G+身份证号）；没有身份证号的（L开头的临时学籍号）须填出生日期。",
        "出生日期写成 YYYY-MM-DD；填了身份证号的可以不填出生日期和性别。",
        "年级写成“三年级”或“3”，初中可写“七年级”或“初一”；班级写成“1班”。",
        f"就学状态：{'、'.join(STATUSES)}（不填视为在读）。",
        "同一学校再次上传时，新名册整体替换旧名册。",
    ]):
        notes.write_string(r, 0, line)
    notes.set_column(0, 0, 100)
    wb.close()
    return buf.getvalue()
