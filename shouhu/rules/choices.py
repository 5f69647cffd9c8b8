"""Enumerations of the child record and the register sheet (docs/domain.md, "Categories" and "The register sheet").

The texts are the exact Chinese values stored in the database and written in the import/export
sheet (摸底排查登记表); do not reword them. Pure: no Django import."""
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

SEX: tuple[str, ...] = ("男", "女")
HEALTH: tuple[str, ...] = ("健康", "残疾", "患病")
HUKOU: tuple[str, ...] = ("是", "否")
SCHOOLING: tuple[str, ...] = ("未入园", "幼儿园", "小学", "初中", "高中", "中职", "辍学", "不在学")
PARENT_SITUATION: tuple[str, ...] = (
    "在家", "外出务工", "死亡", "宣告死亡", "宣告失踪", "服刑在押", "强制隔离戒毒", "其他限制人身自由",
    "重残", "重病", "失联", "被撤销监护资格", "被遣送出境", "其他",
)
GUARDIANSHIP: tuple[str, ...] = ("无人监护", "父或母无监护能力", "受委托监护人监护能力不足", "监护情况一般", "监护情况较好")
INCOME_SOURCES: tuple[str, ...] = ("打工", "种养殖", "政府救助", "亲朋接济", "其他")
BENEFITS: tuple[str, ...] = (
    "低保", "特困供养", "孤儿基本生活费", "事实无人抚养儿童生活补贴", "临时救助", "医疗救助", "住房救助", "教育资助", "其他",
)
# Work places of parents: the province (short form), as stored and counted in the monthly report.
PROVINCES: tuple[str, ...] = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃",
    "青海", "宁夏", "新疆", "台湾", "香港", "澳门", "国外",
)
CARER_RELATION: tuple[str, ...] = ("祖父", "祖母", "外祖父", "外祖母", "父亲", "母亲", "兄姐", "其他亲属", "朋友邻居", "其他")

@dataclass(frozen=True)
class Category:
    """One derived category or workflow flag of a child record (docs/domain.md, "Categories").

    The one table of them: list filters, home and report counts, the form's read-only fields,
    serializers and exports are all built from `CATEGORY_TABLE`."""
    code: str
    label: str
    field: str  # the Child boolean that holds it
    flag: bool  # a workflow flag (民发〔2019〕34号 / 002): never keeps a child registered on its own
    subtypes: tuple[tuple[str, str], ...] = ()  # (code suffix, value of `subtype_field`): filters listed under it
    subtype_field: str = ""


CATEGORY_TABLE: tuple[Category, ...] = (
    Category("left_behind", "农村留守儿童", "is_left_behind", False, (("double", "双亲留守"), ("single", "单亲留守")), "left_behind_kind"),
    Category("orphan", "孤儿", "is_orphan", False),
    Category("de_facto", "事实无人抚养儿童", "is_de_facto", False),
    Category("difficulty", "困境儿童", "is_difficulty", False),
    Category("parents_imprisoned", "父母服刑", "flag_parents_imprisoned", True),
    Category("unguarded", "无人监护", "flag_unguarded", True),
    Category("poor_guardianship", "监护差", "flag_poor_guardianship", True),
)
CATEGORY_BY_CODE: Mapping[str, Category] = MappingProxyType({c.code: c for c in CATEGORY_TABLE})
# code -> label, in display order (read-only views of the table)
CATEGORIES: Mapping[str, str] = MappingProxyType({c.code: c.label for c in CATEGORY_TABLE if not c.flag})
FLAGS: Mapping[str, str] = MappingProxyType({c.code: c.label for c in CATEGORY_TABLE if c.flag})
# code -> the Child field that holds it
CATEGORY_FIELDS: Mapping[str, str] = MappingProxyType({c.code: c.field for c in CATEGORY_TABLE if not c.flag})
FLAG_FIELDS: Mapping[str, str] = MappingProxyType({c.code: c.field for c in CATEGORY_TABLE if c.flag})
ALL_CATEGORY_FIELDS: Mapping[str, str] = MappingProxyType({c.code: c.field for c in CATEGORY_TABLE})
# Filters of a children list: each category and flag, with its subtypes right under it:
# code -> (label, {field: value, …} the record must have)
CATEGORY_FILTERS: Mapping[str, tuple[str, dict]] = MappingProxyType({
    code: spec for c in CATEGORY_TABLE for code, spec in [
        (c.code, (c.label, {c.field: True})),
        *((f"{c.code}_{k}", (v, {c.field: True, c.subtype_field: v})) for k, v in c.subtypes),
    ]
})
LEFT_BEHIND_KIND: tuple[str, ...] = ("双亲留守", "单亲留守")
DIFFICULTY_KIND: tuple[str, ...] = ("家庭贫困", "残疾或重病", "监护缺失或不当")
