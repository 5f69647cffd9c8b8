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

from .categories import LEFT_BEHIND_MAX_AGE, age_on

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
