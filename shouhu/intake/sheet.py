"""The standard register sheet (摸底排查登记表, docs/domain.md, "The register sheet"): columns, reading one cell, one row,
and writing one child back. Pure: no Django; places (townships, villages, schools, classes)
come in as plain dicts (`Places`), so every rule here is tested without a database.

A row becomes `values` keyed by the Child model's field names (the same dict the form hands to
`shouhu.rules.record.check_record`), plus problems as (column header, Chinese message).
Columns are matched by their exact header text, in any order; a column absent from the sheet
leaves that field alone, a blank cell in a present column clears it.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from shouhu.core.cells import (
    CellError,
    format_grade,
    neutralise,
    normalise_class,
    parse_date,
    parse_grade,
    text_of,
)
from shouhu.core.sheets import Layout
from shouhu.rules import choices as C
from shouhu.rules.idcard import IdNumberError, normalise_number, parse_id
from shouhu.rules.phones import normalise_phone, phone_error
from shouhu.rules.record import check_record

SEP = "、"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # text | date | since | enum | bool | multi | id | phone | place | township | village | school | grade | class
    field: str = ""  # the Child field it sets ("" = resolved with others: township, grade)
    choices: tuple[str, ...] = ()
    max_len: int = 0
    required: bool = False
    default: object = None  # the value of a blank cell


def _parent(p: str, label: str) -> list[Column]:
    return [
        Column(f"{label}姓名", "text", f"{p}_name", max_len=32),
        Column(f"{label}身份号码", "id", f"{p}_id_number"),
        Column(f"{label}状况", "enum", f"{p}_situation", C.PARENT_SITUATION, required=True),
        Column(f"{label}务工地点", "place", f"{p}_work_province"),
        Column(f"{label}外出时间", "since", f"{p}_since"),
        Column(f"{label}联系电话", "phone", f"{p}_phone"),
    ]


# The national sheet, in its usual order; then the columns Shouhu adds on export (optional on import).
STANDARD: list[Column] = [
    Column("档案编号", "text", "archive_no", max_len=32),
    Column("姓名", "text", "name", max_len=32, required=True),
    Column("性别", "enum", "sex", C.SEX),
    Column("民族", "text", "ethnicity", max_len=16, default="汉族"),
    Column("出生日期", "date", "birth_date"),
    Column("公民身份号码", "id", "id_number"),
    Column("是否登记户口", "bool", "hukou_registered", default=True),
    Column("户籍所在地", "text", "hukou_place", max_len=128),
    Column("乡镇（街道）", "township", required=True),
    Column("村（社区）", "village", "village", required=True),
    Column("详细地址", "text", "address_detail", max_len=128),
    Column("身体状况", "enum", "health", C.HEALTH, default="健康"),
    Column("残疾类别及等级", "text", "disability", max_len=32),
    Column("患病类型", "text", "illness", max_len=64),
    Column("就学情况", "enum", "schooling", C.SCHOOLING, required=True),
    Column("学校", "school", "school"),
    Column("年级", "grade"),
    Column("班级", "class", "school_class"),
    Column("是否寄宿", "bool", "boarding", default=False),
    *_parent("father", "父亲"),
    *_parent("mother", "母亲"),
    Column("委托照护人姓名", "text", "carer_name", max_len=32),
    Column("委托照护人身份号码", "id", "carer_id_number"),
    Column("与儿童关系", "enum", "carer_relation", C.CARER_RELATION),
    Column("委托照护人电话", "phone", "carer_phone"),
    Column("委托照护人住址", "text", "carer_address", max_len=128),
    Column("委托照护协议签订日期", "date", "agreement_date"),
    Column("监护情况", "enum", "guardianship", C.GUARDIANSHIP, default="监护情况较好"),
    Column("家庭经济来源", "multi", "income_sources", C.INCOME_SOURCES),
    Column("已享受救助", "multi", "benefits", C.BENEFITS),
    Column("填报人", "text", "reporter", max_len=32),
    Column("填报日期", "date", "reported_on"),
]
EXTRA: list[Column] = [
    Column("是否重病", "bool", "serious_illness", default=False),
    Column("独居", "bool", "living_alone", default=False),
    Column("遭受虐待或遗弃", "bool", "abused_or_abandoned", default=False),
    Column("低保户或特困户", "bool", "poor_household", default=False),
    Column("委托照护人有未保法第22条情形", "bool", "carer_barred", default=False),
]
COLUMNS: list[Column] = STANDARD + EXTRA
BY_HEADER: dict[str, Column] = {c.header: c for c in COLUMNS}
# Columns a sheet must have. 性别 and 出生日期 may be blank in a row when the ID number gives them.
REQUIRED_HEADERS: tuple[str, ...] = ("姓名", "性别", "出生日期", "公民身份号码", "乡镇（街道）", "村（社区）")
# Columns our own error sheet adds; ignored quietly when it comes back.
IGNORED_HEADERS: frozenset[str] = frozenset({"问题", "原行号"})
LAYOUT = Layout(frozenset(BY_HEADER), REQUIRED_HEADERS, IGNORED_HEADERS, example="“姓名”“公民身份号码”", template="标准《摸底排查登记表》模板")
# The fields an import can change (work city rides with the province in one cell).
SHEET_FIELDS: tuple[str, ...] = tuple(
    f for c in COLUMNS if c.field for f in ((c.field, c.field.replace("province", "city")) if c.kind == "place" else (c.field,))
)
# Where check_record's findings belong when the sheet is the source.
FIELD_HEADER: dict[str, str] = {c.field: c.header for c in COLUMNS if c.field}
FIELD_HEADER.update({"father_work_city": "父亲务工地点", "mother_work_city": "母亲务工地点", "father_birth_date": "父亲身份号码",
                     "mother_birth_date": "母亲身份号码"})

SYNONYMS: dict[str, dict[str, str]] = {
    "sex": {"男性": "男", "女性": "女"},
    "father_situation": {"外出打工": "外出务工", "务工": "外出务工", "外出": "外出务工", "已故": "死亡", "去世": "死亡", "服刑": "服刑在押"},
    "health": {"良好": "健康", "正常": "健康"},
}
SYNONYMS["mother_situation"] = SYNONYMS["father_situation"]
TRUE = {"是", "有", "Y", "y", "1", "TRUE", "true", "True"}
FALSE = {"否", "无", "N", "n", "0", "FALSE", "false", "False"}
PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市")


def parse_place(s: str) -> tuple[str, str]:
    """'广东省东莞市' / '广东 东莞' / '上海' → (province short name, city)."""
    s = s.strip()
    for p in sorted(C.PROVINCES, key=len, reverse=True):
        if s.startswith(p):
            rest = s[len(p):]
            for suffix in PROVINCE_SUFFIXES:
                if rest.startswith(suffix):
                    rest = rest[len(suffix):]
                    break
            return p, rest.strip(" ·,，、-/")
    raise CellError(f"“{s}”未以省份开头，请写成“广东 东莞市”的形式")


def format_place(province: str, city: str) -> str:
    return f"{province} {city}".strip() if province else ""


def parse_cell(col: Column, raw, text: str | None = None):
    """The value of one cell for `col` (None = blank); raises CellError with a Chinese message.
    `text` is text_of(raw) when the caller has it already."""
    if col.kind in ("date", "since"):
        d = parse_date(raw, month_ok=col.kind == "since")
        return d
    if col.kind == "id":
        if isinstance(raw, float) and not isinstance(raw, bool) and raw >= 1e15:
            raise CellError("身份证号码被Excel存成了数字，末几位已丢失；请把该列设为“文本”后重新填写")
        s = normalise_number(text_of(raw) if text is None else text)
        if s and len(s) != 18:
            raise CellError(f"应为18位，实际{len(s)}位")
        return s
    s = text_of(raw) if text is None else text
    if not s:
        return col.default if col.default is not None else ("" if col.kind not in ("multi",) else [])
    if col.kind == "text":
        if col.max_len and len(s) > col.max_len:
            raise CellError(f"不能超过{col.max_len}个字")
        return s
    if col.kind == "enum":
        v = SYNONYMS.get(col.field, {}).get(s, s)
        if v not in col.choices:
            raise CellError(f"“{s}”不是可选值（可选：{'、'.join(col.choices)}）")
        return v
    if col.kind == "bool":
        if s in TRUE:
            return True
        if s in FALSE:
            return False
        raise CellError(f"“{s}”应填“是”或“否”")
    if col.kind == "multi":
        parts = [p.strip() for p in re.split(r"[、,，;；/ ]+", s) if p.strip()]
        bad = [p for p in parts if p not in col.choices]
        if bad:
            raise CellError(f"“{'、'.join(bad)}”不是可选值（可选：{'、'.join(col.choices)}，多项用“、”分隔）")
        return sorted(set(parts), key=col.choices.index)
    if col.kind == "phone":
        msg = phone_error(s)
        if msg:
            raise CellError(msg)
        return normalise_phone(s)
    if col.kind == "place":
        return parse_place(s)
    if col.kind == "grade":
        return parse_grade(s)
    return s  # township, village, school, class: resolved against the places by the row


# -- one row ------------------------------------------------------------------------------------
@dataclass
class Places:
    """Name lookups, built once per import from the database (plain data)."""

    townships: dict[str, str] = field(default_factory=dict)  # name or short name -> township code
    villages: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)  # (township code, name) -> (id, code)
    schools: dict[str, list[int]] = field(default_factory=dict)  # name -> ids (a name may repeat across townships)
    school_township: dict[int, str] = field(default_factory=dict)  # school id -> township code
    classes: dict[tuple[int, int, str], int] = field(default_factory=dict)  # (school id, grade, "1班") -> class id
    barred_carers: frozenset[str] = frozenset()  # ID numbers of carers recorded as barred (未保法 Art. 22)


@dataclass
class Row:
    row_no: int
    values: dict = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    village_code: str = ""

    def problem(self, header: str, msg: str) -> None:
        if not any(h == header for h, _ in self.problems):
            self.problems.append((header, msg))


# Columns whose cells take few distinct values (choices, dates, places): an import parses each
# distinct cell once (`parse_row(memo=…)`); names, ID numbers and phones are not worth keeping.
MEMO_KINDS = frozenset({"date", "since", "enum", "bool", "multi", "place", "grade", "township", "village", "school", "class"})
MEMO_TYPES = frozenset({str, float, int, bool, date, datetime})
MEMO_MAX = 200_000
_MISS = object()
_REQUIRED = "必填，不能为空"


def _parse_memo(col: Column, raw, memo: dict, key: tuple) -> tuple:
    """(text, value or CellError) of a cell of a MEMO_KINDS column, parsed and remembered."""
    text = text_of(raw)
    if col.required and not text:
        hit = (text, CellError(_REQUIRED))
    else:
        try:
            hit = (text, parse_cell(col, raw, text))
        except CellError as e:
            hit = (text, CellError(str(e)))  # kept without its traceback (frames, memo and all)
    if len(memo) < MEMO_MAX:
        memo[key] = hit
    return hit


def _target(col: Column):
    """Where a column's value goes in Row.values: a field, two (place: province and city), or
    nowhere (township, grade and the places resolved by `_resolve_places`)."""
    if col.kind == "place":
        return (col.field, col.field.replace("province", "city"))
    if col.field and col.kind not in ("village", "school", "class"):
        return col.field
    return None


_PLAN: dict[str, tuple] = {c.header: (c, c.kind in MEMO_KINDS, _target(c)) for c in COLUMNS}


def parse_row(row_no: int, cells: dict[str, object], places: Places, *, bad_cells: dict[str, str] | None = None,
              memo: dict | None = None) -> Row:
    """Cells keyed by header (only the sheet's known columns) → Row with values and problems.
    `memo`: a dict kept across the rows of one sheet, remembering parsed cells of MEMO_KINDS."""
    row = Row(row_no)
    bad = bad_cells or {}
    for header, msg in bad.items():
        row.problem(header, msg)
    values = row.values
    raw_text: dict[str, str] = {}
    for header, raw in cells.items():
        if bad and header in bad:
            continue
        col, memoable, target = _PLAN[header]
        if memoable and memo is not None and type(raw) in MEMO_TYPES:
            key = (header, type(raw), raw)  # the type too: 1 == 1.0 == True
            hit = memo.get(key)
            text, v = hit if hit is not None else _parse_memo(col, raw, memo, key)
            raw_text[header] = text
            if type(v) is CellError:
                row.problem(header, str(v))
                continue
            if type(v) is list:
                v = list(v)  # each row its own list
        else:
            text = raw_text[header] = text_of(raw)
            if col.required and not text:
                row.problem(header, _REQUIRED)
                continue
            try:
                v = parse_cell(col, raw, text)
            except CellError as e:
                row.problem(header, str(e))
                continue
        if target is None:
            continue
        if type(target) is tuple:
            values[target[0]], values[target[1]] = v if v else ("", "")
        else:
            values[target] = v
    _fill_from_id(row, cells)
    _resolve_places(row, raw_text, places)
    return row


def _fill_from_id(row: Row, cells: dict) -> None:
    """性别 and 出生日期 left blank are taken from a valid ID number."""
    number = row.values.get("id_number")
    if not number:  # with or without 户口: nothing else gives sex and birth date (both NOT NULL)
        for f, h in (("sex", "性别"), ("birth_date", "出生日期")):
            if h in cells and not row.values.get(f) and not any(x == h for x, _ in row.problems):
                row.problem(h, "必填，不能为空")
        return
    info = _MISS  # parsed only when a cell is left blank
    for f, h in (("sex", "性别"), ("birth_date", "出生日期")):
        if not row.values.get(f) and not any(x == h for x, _ in row.problems):
            if info is _MISS:
                try:
                    info = parse_id(number)
                except IdNumberError:
                    info = None  # check_record reports it
            v = info and (info.sex if f == "sex" else info.birth_date)
            if v:
                row.values[f] = v
            elif h in cells:
                row.problem(h, "必填，不能为空")


def _resolve_places(row: Row, text: dict[str, str], places: Places) -> None:
    township = text.get("乡镇（街道）", "")
    village = text.get("村（社区）", "")
    tcode = places.townships.get(township) if township else None
    if township and tcode is None:
        row.problem("乡镇（街道）", f"“{township}”不是本县的乡镇（街道）")
    elif tcode and village:
        hit = places.villages.get((tcode, village))
        if hit is None:
            row.problem("村（社区）", f"“{village}”不在{township}，请核对村名和乡镇")
        else:
            row.values["village"], row.village_code = hit
    school_name = text.get("学校", "")
    class_name = normalise_class(text.get("班级", ""))
    if school_name:
        ids = places.schools.get(school_name, [])
        if len(ids) > 1 and tcode:  # the same name in two townships: the child's township decides
            ids = [i for i in ids if places.school_township.get(i) == tcode] or ids
        if not ids:
            row.problem("学校", f"“{school_name}”不在本县学校名录中，请先由县级管理员添加")
        elif len(ids) > 1:
            row.problem("学校", f"有多所“{school_name}”，无法确定是哪一所")
        else:
            row.values["school"] = ids[0]
    elif "学校" in text:
        row.values["school"] = None
    if class_name:
        grade_text = text.get("年级", "")
        if not grade_text:
            row.problem("年级", "填写班级时须填写年级")
        elif not school_name:
            row.problem("学校", "填写班级时须填写学校")
        elif row.values.get("school"):
            try:
                grade = parse_grade(grade_text)
            except CellError:
                return  # already reported under 年级
            cid = places.classes.get((row.values["school"], grade, class_name))
            if cid is None:
                row.problem("班级", f"{school_name}没有{format_grade(grade)}{class_name}")
            else:
                row.values["school_class"] = cid
    elif "班级" in text:
        row.values["school_class"] = None


def check_row(row: Row, record: dict, *, today: date, places: Places) -> None:
    """The form's rules (shouhu.rules.record) on the whole record this row would leave, plus the
    registry-wide one: a carer recorded as barred elsewhere."""
    for f, msg in check_record(record, today=today).items():
        if f in FIELD_HEADER:  # a field the sheet does not carry (emergency contacts) is the form's business
            row.problem(FIELD_HEADER[f], msg)
    cid = (record.get("carer_id_number") or "").upper()
    if cid and cid in places.barred_carers:
        row.problem("委托照护人身份号码", "该委托照护人已在其他档案中登记有未成年人保护法第22条所列情形，不得委托其照护")


# -- one child back to a row --------------------------------------------------------------------
def format_cell(col: Column, values: dict, names: dict) -> str:
    """A cell of the export. `names` gives township/village/school/class display names and grade."""
    if col.kind in ("township", "village", "school", "class", "grade"):
        return names.get(col.kind, "")
    v = values.get(col.field)
    if col.kind == "place":
        return format_place(values.get(col.field) or "", values.get(col.field.replace("province", "city")) or "")
    if v is None or v == "":
        return ""
    if col.kind in ("date", "since"):
        return v.isoformat()
    if col.kind == "bool":
        return "是" if v else "否"
    if col.kind == "multi":
        return SEP.join(sorted(v, key=lambda x: col.choices.index(x) if x in col.choices else len(col.choices)))
    return neutralise(str(v))
