"""The summary table of the national 摸底排查 (民发〔2016〕42号 附件3, docs/domain.md "The national
forms"): its 32 numbered columns, which child each counts, and the 表间勾稽关系 the notice states.

Pure: a child comes in as a plain dict of the fields named below (the registry's state as of the
cut-off date), the columns are predicates over it, and `relations` checks a row of counts. The
column *groups* are fixed by the notice's relations (1 = 2+5+8 = 11+…+18 = 19+20 = 21+…+25 =
26+…+29 = 30+31+32; 2 = 3+4; 5 = 6+7; 8 = 9+10; 13+14 = 24+25) and its notes (three age bands,
the 就学 choices of 附件1, the three grades of 监护情况评估); how columns 21–25 and 26–29 are
worded is our reading of those relations (docs/domain.md) — change the labels here, in one place,
if a province's template words them otherwise.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .categories import LEFT_BEHIND_MAX_AGE, UNABLE, age_on

COMPULSORY = ("小学", "初中")
GRANDPARENTS = frozenset({"祖父", "祖母", "外祖父", "外祖母"})
RELATIVES = frozenset({"兄姐", "其他亲属", "父亲", "母亲"})
POOR = frozenset({"无人监护", "父或母无监护能力", "受委托监护人监护能力不足"})


@dataclass(frozen=True)
class NationalColumn:
    no: int  # the column's number in the notice (1–32)
    group: str  # the header above it ("" for 合计)
    label: str
    counts: Callable[[dict, date], bool]  # (child, cut-off) -> counted in this column

    @property
    def key(self) -> str:
        return f"c{self.no}"


def _age(lo: int, hi: int, sex: str | None = None) -> Callable[[dict, date], bool]:
    return lambda c, cut: lo <= age_on(c["birth_date"], cut) <= hi and (sex is None or c["sex"] == sex)


def _is(field: str, *values: str) -> Callable[[dict, date], bool]:
    return lambda c, cut: c.get(field) in values


def _boarding(boards: bool) -> Callable[[dict, date], bool]:
    return lambda c, cut: c.get("schooling") in COMPULSORY and bool(c.get("boarding")) is boards


# Ages in whole years on the cut-off date (附件3 note 1): 0–5, 6 (含)–13, 14 (含)–16 (不满16).
AGE_GROUPS = (("0—5周岁", 0, 5), ("6（含）—13周岁", 6, 13), ("14（含）—16周岁", 14, LEFT_BEHIND_MAX_AGE - 1))

COLUMNS: tuple[NationalColumn, ...] = (
    NationalColumn(1, "", "农村留守儿童合计", lambda c, cut: True),
    *(col for i, (g, lo, hi) in enumerate(AGE_GROUPS) for col in (
        NationalColumn(2 + 3 * i, g, "小计", _age(lo, hi)),
        NationalColumn(3 + 3 * i, g, "男", _age(lo, hi, "男")),
        NationalColumn(4 + 3 * i, g, "女", _age(lo, hi, "女")),
    )),
    *(NationalColumn(11 + i, "就学情况", v, _is("schooling", v))
      for i, v in enumerate(("幼儿园", "未入园", "小学", "初中", "高中", "中职", "辍学", "不在学"))),
    NationalColumn(19, "留守类型", "父母双方外出务工", _is("left_behind_kind", "双亲留守")),
    NationalColumn(20, "留守类型", "一方外出务工另一方无监护能力", _is("left_behind_kind", "单亲留守")),
    NationalColumn(21, "寄宿情况", "学龄前（幼儿园、未入园）", _is("schooling", "幼儿园", "未入园")),
    NationalColumn(22, "寄宿情况", "高中、中职在校", _is("schooling", "高中", "中职")),
    NationalColumn(23, "寄宿情况", "辍学、不在学", _is("schooling", "辍学", "不在学")),
    NationalColumn(24, "寄宿情况", "义务教育阶段寄宿", _boarding(True)),
    NationalColumn(25, "寄宿情况", "义务教育阶段未寄宿", _boarding(False)),
    NationalColumn(26, "受委托监护人", "祖父母或外祖父母", lambda c, cut: bool(c.get("carer_name")) and c.get("carer_relation") in GRANDPARENTS),
    NationalColumn(27, "受委托监护人", "其他亲属", lambda c, cut: bool(c.get("carer_name")) and c.get("carer_relation") in RELATIVES),
    NationalColumn(28, "受委托监护人", "朋友邻居及其他",
                   lambda c, cut: bool(c.get("carer_name")) and c.get("carer_relation") not in GRANDPARENTS | RELATIVES),
    NationalColumn(29, "受委托监护人", "无受委托监护人", lambda c, cut: not c.get("carer_name")),
    NationalColumn(30, "监护情况评估", "较好", _is("guardianship", "监护情况较好")),
    NationalColumn(31, "监护情况评估", "一般", _is("guardianship", "监护情况一般")),
    NationalColumn(32, "监护情况评估", "差", lambda c, cut: c.get("guardianship") in POOR),
)
BY_NO: Mapping[int, NationalColumn] = {c.no: c for c in COLUMNS}
# The fields of a child the columns read.
FIELDS = ("birth_date", "sex", "schooling", "boarding", "left_behind_kind", "carer_name", "carer_relation", "guardianship")

# 表间勾稽关系 (附件3 note 2), each as (left columns, right columns): sum(left) = sum(right).
RELATIONS: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = (
    ((1,), (2, 5, 8)),
    ((1,), tuple(range(11, 19))),
    ((1,), (19, 20)),
    ((1,), tuple(range(21, 26))),
    ((1,), tuple(range(26, 30))),
    ((1,), (30, 31, 32)),
    ((2,), (3, 4)),
    ((5,), (6, 7)),
    ((8,), (9, 10)),
    ((13, 14), (24, 25)),
)


def counted(child: Mapping, cutoff: date) -> bool:
    """Whether the table counts the child at all: a 农村留守儿童 under 16 on the cut-off date."""
    b = child["birth_date"]
    return b <= cutoff and age_on(b, cutoff) < LEFT_BEHIND_MAX_AGE


def row_of(child: dict, cutoff: date) -> dict[str, int]:
    """The child's contribution to a row: 1 in each column that counts it."""
    return {c.key: int(c.counts(child, cutoff)) for c in COLUMNS}


def relation_text(left: Sequence[int], right: Sequence[int]) -> str:
    return "+".join(f"{n}列" for n in left) + "=" + "+".join(f"{n}列" for n in right)


def relations(counts: Mapping[str, int]) -> list[dict]:
    """Each relation with both sides and whether it holds: [{"text", "left", "right", "holds"}]."""
    out = []
    for left, right in RELATIONS:
        a = sum(int(counts.get(f"c{n}", 0)) for n in left)
        b = sum(int(counts.get(f"c{n}", 0)) for n in right)
        out.append({"text": relation_text(left, right), "left": a, "right": b, "holds": a == b})
    return out


# -- 附件1: 农村留守儿童基本情况登记表, one child per form --------------------------------------------
FORM_TITLE = "农村留守儿童基本情况登记表"
# The form's rows of labels, each label followed by its value cell: 附件1's order and wording, with
# the lines our record needs and the national form lacks (档案编号, 乡镇/村, 学校/年级/班级, each
# parent's 状况 and 外出时间) — so a form printed from a record imports back as it was.
FORM_ROWS: tuple[tuple[str, ...], ...] = (
    ("档案编号", "填报日期"),
    ("姓名", "性别", "民族", "出生日期"),
    ("公民身份证号码", "是否登记户口", "户籍所在地"),
    ("乡镇（街道）", "村（社区）", "现居住地"),
    ("身体情况", "残疾类别及等级", "患病类型"),
    ("就学情况",),
    ("是否学校寄宿", "学校", "年级", "班级"),
    ("祖父姓名", "出生日期", "祖母姓名", "出生日期"),
    ("外祖父姓名", "出生日期", "外祖母姓名", "出生日期"),
    ("父亲姓名", "出生日期", "状况", "当前务工地点", "外出时间", "联系电话"),
    ("母亲姓名", "出生日期", "状况", "当前务工地点", "外出时间", "联系电话"),
    ("父亲公民身份证号码", "母亲公民身份证号码"),
    ("父母双方同时外出", "父母一方外出、另一方无监护能力"),
    ("无监护能力", "父母外出有无委托其他监护人"),
    ("委托监护人姓名", "受委托监护人电话", "公民身份证号码", "与被监护人关系"),
    ("居住地地址",),
    ("监护类型",),
    ("家庭经济来源",),
    ("救助帮扶情况",),
    ("填表人",),
)
# Labels that name a different field by the person named before them in the row.
FORM_SHARED = frozenset({"出生日期", "状况", "当前务工地点", "外出时间", "联系电话", "公民身份证号码"})
FORM_PEOPLE = ("受委托监护人", "委托监护人", "外祖父", "外祖母", "祖父", "祖母", "父亲", "母亲")
# Cells written as choices ticked in brackets, in the form's wording: label -> choices.
FORM_TICKS: Mapping[str, tuple[str, ...]] = {
    "是否登记户口": ("是", "否"),
    "是否学校寄宿": ("是", "否"),
    "父母双方同时外出": ("是", "否"),
    "父母一方外出、另一方无监护能力": ("是", "否"),
    "无监护能力": ("父亲", "母亲"),
    "父母外出有无委托其他监护人": ("是", "否"),
    "身体情况": ("健康", "残疾", "患病"),
    "就学情况": ("幼儿园", "未入园", "小学", "初中", "高中", "中职", "辍学", "不在学"),
    "监护类型": ("无人监护", "父或母无监护能力", "受委托监护人监护能力不足", "监护情况一般", "监护情况较好"),
    "家庭经济来源": ("打工收入", "种养殖业", "政府救助", "亲朋接济", "其他"),
    "救助帮扶情况": ("享受低保", "特困供养", "孤儿基本生活费", "事实无人抚养儿童生活补贴", "临时救助", "医疗救助", "住房救助", "教育资助", "其他救助"),
}


# 实际监护情况: four lines of the form that restate the parents' situations and the carer. They are
# printed from those fields and, read from a filled-in form, checked against them, never stored
# apart: one fact, one place. 无监护能力 is "因重病、重残等原因丧失监护能力" (the notice's 指标解释),
# our 重病 / 重残 (`categories.UNABLE`).
ACTUAL_CARE = ("父母双方同时外出", "父母一方外出、另一方无监护能力", "无监护能力", "父母外出有无委托其他监护人")
AWAY = "外出务工"


def actual_care(father: str | None, mother: str | None, carer_name: str | None) -> dict[str, list[str]]:
    """The choices ticked on the 实际监护情况 lines for these parents' situations and carer."""
    unable = [who for who, s in (("父亲", father), ("母亲", mother)) if s in UNABLE]
    one_away = (father == AWAY and mother in UNABLE) or (mother == AWAY and father in UNABLE)
    yes = lambda b: ["是" if b else "否"]  # noqa: E731
    return {
        "父母双方同时外出": yes(father == AWAY and mother == AWAY),
        "父母一方外出、另一方无监护能力": yes(one_away),
        "无监护能力": unable,
        "父母外出有无委托其他监护人": yes(bool(carer_name)),
    }


def form_label_name(row: Sequence[str], i: int) -> str:
    """The header a form label stands for: a shared label takes the person named before it."""
    label = row[i]
    if label not in FORM_SHARED:
        return label
    for earlier in reversed(row[:i]):
        person = next((p for p in FORM_PEOPLE if earlier.startswith(p)), "")
        if person:
            return f"{person}{label}"
    return label


# Cells printed as tick boxes ("☑监护情况一般 □无人监护 …"), as the national form lays out its
# 实际监护情况 / 监护类型 part: every choice of 附件1 with a box before it, the child's ticked. A
# filled-in paper form comes back with the box ticked in many ways; `core.sheets.ticked` reads ☑,
# ■, √, ✓, ✔, ● or 是 in place of the box as ticked and □ as not.
FORM_BOXES = frozenset({"监护类型"})
BOX, BOX_TICKED = "□", "☑"


def tick_text(label: str, chosen: Sequence[str]) -> str:
    """"健康（√） 残疾（ ） 患病（ ）": every choice of the cell, the chosen ones ticked; a boxed cell
    (FORM_BOXES) as "□无人监护 ☑监护情况一般 …"."""
    if label in FORM_BOXES:
        return " ".join(f"{BOX_TICKED if c in chosen else BOX}{c}" for c in FORM_TICKS[label])
    return " ".join(f"{c}（{'√' if c in chosen else ' '}）" for c in FORM_TICKS[label])
