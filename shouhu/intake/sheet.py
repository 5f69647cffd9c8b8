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
from shouhu.rules import national_forms as NF
from shouhu.rules.categories import UNABLE
from shouhu.rules.idcard import IdNumberError, normalise_number, parse_id
from shouhu.rules.phones import normalise_phone, phone_error
from shouhu.rules.record import check_record

SEP = "、"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # text | date | since | enum | bool | multi | id | phone | place | township | village | school | grade | class | tick | gp
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
# 祖辈 (the national form's 家庭情况): one column for the name and one for the birth date of each;
# "—" in the name marks one who has died (民发〔2016〕42号 附件1, note 4).
GP_RELATIONS: tuple[str, ...] = ("祖父", "祖母", "外祖父", "外祖母")
GRANDPARENTS: list[Column] = [
    Column(f"{rel}{label}", "gp", "grandparents", (rel, part)) for rel in GP_RELATIONS for label, part in (("姓名", "name"), ("出生日期", "birth_date"))
]
EXTRA: list[Column] = [
    Column("父亲出生日期", "date", "father_birth_date"),
    Column("母亲出生日期", "date", "mother_birth_date"),
    *GRANDPARENTS,
    Column("是否重病", "bool", "serious_illness", default=False),
    Column("独居", "bool", "living_alone", default=False),
    Column("遭受虐待或遗弃", "bool", "abused_or_abandoned", default=False),
    Column("低保户或特困户", "bool", "poor_household", default=False),
    Column("委托照护人有未保法第22条情形", "bool", "carer_barred", default=False),
]
COLUMNS: list[Column] = STANDARD + EXTRA
BY_HEADER: dict[str, Column] = {c.header: c for c in COLUMNS}
# 实际监护情况 of the one-child form: read so that a filled-in form is checked against itself, never
# stored apart (they restate the parents' situations and the carer: NF.actual_care). 无监护能力
# goes to `_UNABLE_FIELD` for `_check_unable` and leaves the row there.
_UNABLE_FIELD = "_unable_parents"
ACTUAL_CARE: list[Column] = [
    Column(label, "multi", _UNABLE_FIELD, NF.FORM_TICKS[label]) if label == "无监护能力" else Column(label, "enum", "", NF.FORM_TICKS[label])
    for label in NF.ACTUAL_CARE
]
BY_HEADER.update({c.header: c for c in ACTUAL_CARE})
# Columns a sheet must have. 性别 and 出生日期 may be blank in a row when the ID number gives them.
REQUIRED_HEADERS: tuple[str, ...] = ("姓名", "性别", "出生日期", "公民身份号码", "乡镇（街道）", "村（社区）")
# Columns our own error sheet adds, and the national 花名册's running number; ignored quietly.
IGNORED_HEADERS: frozenset[str] = frozenset({"问题", "原行号", "序号"})

# -- other layouts: the national forms (民发〔2016〕42号) and provincial versions (docs/domain.md, "The national forms")
# Header wording -> our header. Every header read this way is listed in the import's preview.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "档案编号": ("编号", "档案号"),
    "姓名": ("儿童姓名", "留守儿童姓名"),
    "出生日期": ("出生年月日", "出生年月"),
    "公民身份号码": ("公民身份证号码", "身份证号码", "身份证号", "儿童身份证号码", "儿童公民身份证号码"),
    "是否登记户口": ("是否有户口", "户口登记"),
    "户籍所在地": ("户籍地", "户籍地址"),
    "乡镇（街道）": ("乡镇", "乡（镇、街道）", "所在乡镇", "乡镇名称", "乡（镇）"),
    "村（社区）": ("村", "村（居）", "村（居）委会", "村（居）民委员会", "所在村", "村（社区）名称", "行政村"),
    "详细地址": ("现居住地", "现居住地址", "居住地址", "现住址", "家庭住址"),
    "身体状况": ("身体情况", "健康状况"),
    "就学情况": ("就学状况", "在学情况"),
    "学校": ("就读学校", "学校名称", "所在学校"),
    "是否寄宿": ("是否学校寄宿", "是否住校", "寄宿情况"),
    "父亲身份号码": ("父亲公民身份证号码", "父亲身份证号码", "父亲身份证号"),
    "母亲身份号码": ("母亲公民身份证号码", "母亲身份证号码", "母亲身份证号"),
    "父亲务工地点": ("父亲当前务工地点", "父亲务工地", "父亲外出务工地点"),
    "母亲务工地点": ("母亲当前务工地点", "母亲务工地", "母亲外出务工地点"),
    "父亲外出时间": ("父亲外出务工时间",),
    "母亲外出时间": ("母亲外出务工时间",),
    "父亲联系电话": ("父亲电话", "父亲手机号码"),
    "母亲联系电话": ("母亲电话", "母亲手机号码"),
    "委托照护人姓名": ("受委托监护人姓名", "委托监护人姓名", "监护人姓名"),
    "委托照护人身份号码": ("受委托监护人公民身份证号码", "委托监护人公民身份证号码", "受委托监护人身份证号码", "委托监护人身份证号码",
                      "监护人身份证号码"),
    "与儿童关系": ("与被监护人关系", "与留守儿童关系", "受委托监护人与被监护人关系", "与儿童的关系"),
    "委托照护人电话": ("受委托监护人电话", "委托监护人电话", "受委托监护人联系电话", "委托监护人联系电话", "监护人电话", "监护人联系电话"),
    "委托照护人住址": ("受委托监护人居住地地址", "委托监护人居住地址", "居住地地址", "监护人住址"),
    "监护情况": ("监护类型", "监护情况评估", "实际监护情况评估"),
    "已享受救助": ("救助帮扶情况", "享受救助情况", "享受救助帮扶情况"),
    "填报人": ("填表人",),
}
# One column per choice, ticked (√): the field, the group's names, and each choice's wording -> stored value.
TICK_GROUPS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "schooling": (("就学情况",), {**{c: c for c in C.SCHOOLING}, "中专": "中职", "职高": "中职"}),
    "health": (("身体状况", "身体情况"), {c: c for c in C.HEALTH}),
    "guardianship": (("监护情况", "监护类型"), {**{c: c for c in C.GUARDIANSHIP}, "监情况较好": "监护情况较好"}),
    "income_sources": (("家庭经济来源",), {**{c: c for c in C.INCOME_SOURCES}, "打工收入": "打工", "种养殖业": "种养殖"}),
    "benefits": (("已享受救助", "救助帮扶情况"), {**{c: c for c in C.BENEFITS}, "享受低保": "低保", "其他救助": "其他"}),
}
TICKED = frozenset({"√", "✓", "✔", "☑", "●", "是", "有", "1", "Y", "y", "V", "v", "TRUE", "True", "true"})
UNTICKED = frozenset({"", "否", "无", "×", "✗", "0", "N", "n", "FALSE", "False", "false", "—", "-"})


def _tick_columns() -> tuple[list[Column], dict[str, str]]:
    columns, aliases, bare = [], {}, {}
    for f, (groups, labels) in TICK_GROUPS.items():
        ours = next(c.header for c in STANDARD if c.field == f)
        for label, value in labels.items():
            header = f"{ours}（{value}）"
            if header not in {c.header for c in columns}:
                columns.append(Column(header, "tick", f, (value,)))
            for g in groups:
                aliases.setdefault(f"{g}（{label}）", header)
            bare.setdefault(label, set()).add(header)
    for label, headers in bare.items():  # a choice written alone under a merged group: only when it names one column
        if len(headers) == 1 and label not in BY_HEADER:
            aliases.setdefault(label, next(iter(headers)))
    return columns, aliases


TICKS, _TICK_ALIASES = _tick_columns()
GROUP_HEADER: dict[str, str] = {c.field: c.header for c in STANDARD if c.field in TICK_GROUPS}
ALIASES: dict[str, str] = {
    **_TICK_ALIASES, **{n: ours for ours, names in HEADER_SYNONYMS.items() for n in names},
}
BY_HEADER.update({c.header: c for c in TICKS})
LAYOUT = Layout(frozenset(BY_HEADER), REQUIRED_HEADERS, IGNORED_HEADERS, example="“姓名”“公民身份号码”", template="标准《摸底排查登记表》模板",
                aliases=ALIASES, subheads=frozenset(c.header for c in TICKS),
                form_labels=frozenset(label for row in NF.FORM_ROWS for label in row), form_shared=NF.FORM_SHARED,
                form_people=NF.FORM_PEOPLE, form_title=NF.FORM_TITLE)

# -- a record as the one-child form (附件1) -----------------------------------------------------------
# The form's words for our stored choices, where they differ (the reverse of SYNONYMS).
FORM_WORDS: dict[str, dict[str, str]] = {
    "家庭经济来源": {"打工": "打工收入", "种养殖": "种养殖业"},
    "救助帮扶情况": {"低保": "享受低保", "其他": "其他救助"},
}


def form_rows(values: dict, names: dict, show_id) -> list[list[tuple[str, str]]]:
    """The form of one child: rows of (label, text), in NF.FORM_ROWS' order. `show_id` masks ID
    numbers for the reader (accounts.scope.show_id)."""
    out = []
    for row in NF.FORM_ROWS:
        cells = []
        care = NF.actual_care(values.get("father_situation"), values.get("mother_situation"), values.get("carer_name"))
        for i, label in enumerate(row):
            if label in care:
                cells.append((label, NF.tick_text(label, care[label])))
                continue
            header = NF.form_label_name(row, i)
            col = BY_HEADER[ALIASES.get(header, header)]
            text = format_cell(col, values, names)
            if col.kind == "id":
                text = show_id(values.get(col.field)) or ""
            if label in NF.FORM_TICKS:
                words = FORM_WORDS.get(label, {})
                chosen = [words.get(v, v) for v in (text.split(SEP) if text else [])]
                text = NF.tick_text(label, chosen)
            cells.append((label, text))
        out.append(cells)
    return out


def readings(mapped: list[tuple[str, str]], present: set[str]) -> list[list[str]]:
    """What the preview says of each header read under another name, and of columns read
    together: [[as written, how it is read], …] in the sheet's order, so nothing is taken
    silently (docs/domain.md, "The national forms")."""
    out = []
    for written, ours in mapped:
        col = BY_HEADER[ours]
        if col.kind == "tick":
            out.append([written, f"{GROUP_HEADER[col.field]}：勾选即“{col.choices[0]}”"])
        else:
            out.append([written, ours])
    for label in ("父亲", "母亲"):
        if f"{label}务工地点" in present and f"{label}状况" not in present:
            out.append([f"{label}务工地点", f"表中没有“{label}状况”列：填了务工地点的，{label}状况记为“外出务工”"])
    for label in NF.ACTUAL_CARE:
        if label in present:
            out.append([label, "实际监护情况：由父母状况和委托照护人推出，只核对、不另存" if label != "无监护能力"
                        else "实际监护情况：勾选的父亲或母亲，状况须为重病或重残"])
    if any(BY_HEADER[h].kind == "gp" for h in present):
        out.append(["祖辈姓名为“—”", "该祖辈已故（登记表填表说明第4条）"])
    return out


def columns_present(headers) -> list[Column]:
    """The columns a sheet's known headers stand for, each once (a ticked choice stands for its group)."""
    out: dict[str, Column] = {}
    for h in headers:
        col = BY_HEADER[h]
        if col.kind == "tick":
            col = BY_HEADER[GROUP_HEADER[col.field]]
        out.setdefault(col.header, col)
    return list(out.values())
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
    # 监护类型 as the national form words it (附件1) and its three-grade assessment (附件3, note 4)
    "guardianship": {"监情况较好": "监护情况较好", "较好": "监护情况较好", "好": "监护情况较好", "一般": "监护情况一般"},
    "income_sources": {"打工收入": "打工", "务工": "打工", "务工收入": "打工", "外出务工": "打工", "种养殖业": "种养殖", "种植": "种养殖",
                       "养殖": "种养殖", "种植业": "种养殖", "养殖业": "种养殖", "亲友接济": "亲朋接济"},
    "benefits": {"享受低保": "低保", "低保户": "低保", "特困": "特困供养", "其他救助": "其他"},
    "carer_relation": {"爷爷": "祖父", "奶奶": "祖母", "外公": "外祖父", "外婆": "外祖母", "姥爷": "外祖父", "姥姥": "外祖母",
                       "哥哥": "兄姐", "姐姐": "兄姐", "亲属": "其他亲属", "亲戚": "其他亲属", "叔叔": "其他亲属", "伯父": "其他亲属",
                       "姑姑": "其他亲属", "舅舅": "其他亲属", "姨妈": "其他亲属", "朋友": "朋友邻居", "邻居": "朋友邻居"},
    "schooling": {"中专": "中职", "职高": "中职", "在园": "幼儿园"},
    "father_situation": {"外出打工": "外出务工", "务工": "外出务工", "外出": "外出务工", "已故": "死亡", "去世": "死亡", "服刑": "服刑在押"},
    "health": {"良好": "健康", "正常": "健康"},
}
SYNONYMS["mother_situation"] = SYNONYMS["father_situation"]
TRUE = {"是", "有", "Y", "y", "1", "TRUE", "true", "True", "√", "✓", "✔"}
FALSE = {"否", "无", "N", "n", "0", "FALSE", "false", "False", "×", "✗"}
GP_DEAD = frozenset({"—", "-", "－", "——", "已故", "去世"})  # 附件1 note 4: a grandparent who has died is marked "—"
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
            if col.field == "guardianship" and s == "差":
                raise CellError("“差”包括三种监护类型，请写明：无人监护、父或母无监护能力或受委托监护人监护能力不足")
            raise CellError(f"“{s}”不是可选值（可选：{'、'.join(col.choices)}）")
        return v
    if col.kind == "tick":
        if s in TICKED:
            return True
        if s in UNTICKED:
            return False
        raise CellError(f"“{s}”看不出是否勾选：勾选请填“√”或“是”，未选留空")
    if col.kind == "gp":
        if col.choices[1] == "name":
            if s in GP_DEAD:
                return GP_DEAD
            if len(s) > 32:
                raise CellError("不能超过32个字")
            return s
        return parse_date(raw) if s not in GP_DEAD else None
    if col.kind == "bool":
        if s in TRUE:
            return True
        if s in FALSE:
            return False
        raise CellError(f"“{s}”应填“是”或“否”")
    if col.kind == "multi":
        words = SYNONYMS.get(col.field, {})
        parts = [words.get(p.strip(), p.strip()) for p in re.split(r"[、,，;；/ ]+", s) if p.strip()]
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
MEMO_KINDS = frozenset({"date", "since", "enum", "bool", "multi", "place", "grade", "township", "village", "school", "class", "tick"})
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
    if col.kind in ("tick", "gp"):
        return col  # gathered over several columns (`_gather`)
    if col.field and col.kind not in ("village", "school", "class"):
        return col.field
    return None


_PLAN: dict[str, tuple] = {c.header: (c, c.kind in MEMO_KINDS, _target(c)) for c in COLUMNS + TICKS + ACTUAL_CARE}


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
    gathered: list[tuple[Column, object]] = []
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
        if type(target) is Column:
            gathered.append((target, v))
        elif type(target) is tuple:
            values[target[0]], values[target[1]] = v if v else ("", "")
        else:
            values[target] = v
    if gathered or any(_PLAN[h][0].kind in ("tick", "gp") for h in cells):
        _gather(row, cells, gathered)
    if "父亲状况" not in cells or "母亲状况" not in cells:
        _away_from_workplace(row, cells)
    if _UNABLE_FIELD in values:
        _check_unable(row, values.pop(_UNABLE_FIELD))
    _fill_from_id(row, cells)
    _resolve_places(row, raw_text, places)
    return row


def _gather(row: Row, cells: dict, gathered: list[tuple[Column, object]]) -> None:
    """Fields written over several columns: a choice ticked in its own column, the grandparents."""
    ticks: dict[str, list[str]] = {}
    fields = {_PLAN[h][0].field for h in cells if _PLAN[h][0].kind == "tick"}
    for f in fields:
        ticks[f] = []
    gps: dict[str, dict] = {}
    for col, v in gathered:
        if col.kind == "tick":
            if v:
                ticks[col.field].append(col.choices[0])
        else:
            rel, part = col.choices
            g = gps.setdefault(rel, {"relation": rel, "name": "", "birth_date": None, "deceased": False})
            if v is GP_DEAD:
                g["deceased"] = True
            elif part == "name":
                g["name"] = v or ""
            elif v:
                g["birth_date"] = v.isoformat()
    for f, chosen in ticks.items():
        group = BY_HEADER[GROUP_HEADER[f]]
        if any(h in BY_HEADER and BY_HEADER[h].kind == "tick" and BY_HEADER[h].field == f for h, _ in row.problems):
            continue  # a cell that is neither ticked nor blank: already reported
        if group.kind == "multi":
            row.values[f] = sorted(set(chosen), key=group.choices.index)
        elif len(chosen) == 1:
            row.values[f] = chosen[0]
        elif len(chosen) > 1:
            row.problem(group.header, f"只能勾选一项，勾选了{'、'.join(chosen)}")
        elif group.header in cells:
            pass  # the group's own column says it
        elif group.required:
            row.problem(group.header, "未勾选任何一项")
        elif group.default is not None:
            row.values[f] = group.default
    if any(_PLAN[h][0].kind == "gp" for h in cells):
        row.values["grandparents"] = [g for rel in GP_RELATIONS if (g := gps.get(rel)) and (g["name"] or g["deceased"] or g["birth_date"])]


def _away_from_workplace(row: Row, cells: dict) -> None:
    """A sheet without a 父亲状况/母亲状况 column (the national 花名册 has none) that gives a
    parent's workplace says that parent is away working: the workplace is asked only of a parent
    who has left (附件1 "当前务工地点"). Shown in the preview as a reading of the column."""
    for p, label in (("father", "父亲"), ("mother", "母亲")):
        if f"{label}状况" not in cells and row.values.get(f"{p}_work_province"):
            row.values[f"{p}_situation"] = "外出务工"


def _check_unable(row: Row, unable: list[str]) -> None:
    """A parent ticked 无监护能力 on the form must be 重病 or 重残 in 状况. Left blank, the child
    would drop out of 单亲留守; the form does not say which of the two, so the row asks rather
    than invent it (like "差": docs/decisions.md 68, 89)."""
    for who, p in (("父亲", "father"), ("母亲", "mother")):
        situation = row.values.get(f"{p}_situation") or ""
        if who in unable and situation not in UNABLE:
            said = f"与{who}状况“{situation}”不一致；" if situation else ""
            row.problem("无监护能力", f"勾选了{who}无监护能力，{said}请在“{who}状况”中注明重病或重残")


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
    if col.kind == "gp":
        rel, part = col.choices
        g = next((g for g in values.get("grandparents") or [] if g.get("relation") == rel), None)
        if g is None:
            return ""
        if part == "name":
            return "—" if g.get("deceased") and not g.get("name") else neutralise(g.get("name") or "")
        return str(g.get("birth_date") or "")
    if col.kind == "tick":
        v = values.get(col.field)
        return "√" if (col.choices[0] in v if isinstance(v, list) else v == col.choices[0]) else ""
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
