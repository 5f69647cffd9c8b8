"""Data-quality checks (docs/domain.md, "Data quality"): the catalogue and the pure functions behind it.

Pure: plain dicts and lists in, `Finding`s out; no Django, no clock (callers pass `today`), no
database. A service feeds these from querysets (`.values()`), stores the findings and shows them
per village, school and township with a link to the exact record and field.

What is here
- `CATALOGUE`: every check by its stable ASCII code — kind, level, a Chinese title and an
  explanation (what is wrong, how to fix it), the model it is about (`subject`: "child" or
  "visit") and the fields of that model it concerns (a page links a finding to the field).
- `record_findings(record, today=…)`: completeness, validity, logic and cross-line checks of one
  child. It does not re-implement the form's rules: it runs `record.check_record` (the same
  checks the form, the import and the API apply) and names each of its messages with a code,
  then adds what a form cannot demand at entry time (a phone, a school, a care agreement …) and
  what needs more than one field group (grade against age, orphans with a living parent …).
- Group checks over plain lists (fabrication signals), each sub-quadratic:
  `shared_parent_findings`, `visit_note_findings`, `visit_burst_findings`, `visit_date_findings`;
  and `cross_line_findings` for a village record and a school record of the same child.
- `score(counts_by_level, total_records)`: a unit's 0–100 quality score.

The record dict is keyed by Child field names (as `check_record` takes). A service may add keys
read from related rows; they are optional and the checks that need them are skipped without them:
  grade         SchoolClass.grade of `school_class` (0 学前, 1–9, 10–12 高一–高三)
  school_stage  School.stage of `school` (幼儿园/小学/初中/九年一贯制/高中/中职)
  class_school  SchoolClass.school_id of `school_class`
Findings of those checks point at the Child field that holds the link (`school_class`, `school`).

Thresholds (documented in docs/decisions.md, entry "Data-quality checks"):
- grade against age: a pupil of grade g is g + 5 years old on 1 September of the school year
  (grade 1 at 6, in practice 6–7 during the year); tolerated ±2 years (`QualitySettings`).
- school stage against age (when no grade is known): 幼儿园 3–5, 小学 6–11, 初中 12–14,
  高中/中职 15–17 on 1 September, ±2 years; 未入园/不在学 at 7–14 is "out of school".
- a parent 15–60 years old at the child's birth; outside is a warning.
- households, copied notes, bursts, backdating: see the group functions.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Hashable, Iterable, Mapping, Sequence

from rapidfuzz import fuzz

from . import choices as C
from . import supervision as S
from .care import ledger_missing
from .categories import CategorySettings, ChildFacts, ParentFacts, age_on, derive
from .idcard import IdNumberError, parse_id
from .phones import normalise_phone
from .record import DEAD, check_record

__all__ = [
    "KINDS", "LEVELS", "Check", "CATALOGUE", "Finding", "QualitySettings",
    "record_findings", "shared_parent_findings", "visit_note_findings", "visit_burst_findings",
    "visit_date_findings", "cross_line_findings", "duplicate_findings", "score", "household_keys", "normalise_note",
    "NOTE_MIN_CHILDREN", "NOTE_SIMILARITY", "NOTE_MIN_CHARS", "NOTE_NEAR_MIN_CHARS", "NOTE_BLOCK_CHARS", "NOTE_WINDOW",
    "BURST_MIN_VISITS", "BURST_WINDOW", "BACKDATE_DAYS", "BACKDATE_MIN_VISITS", "RELATED_MAX", "LEVEL_WEIGHTS",
]

KINDS: tuple[str, ...] = ("completeness", "validity", "logic", "cross_line", "duplicate", "fabrication", "field")
LEVELS: tuple[str, ...] = ("error", "warning", "info")
SUBJECTS: tuple[str, ...] = ("child", "visit")


@dataclass(frozen=True)
class Check:
    code: str            # stable ASCII id, stored with each finding
    kind: str            # KINDS
    level: str           # LEVELS: error = wrong or legally required and missing; warning = probably
                         # wrong, or missing what the care work needs; info = worth a look
    title: str           # short Chinese name, shown as the count's label
    explanation: str     # Chinese: what is wrong and how to fix it
    fields: tuple[str, ...]  # fields of the subject model the check concerns (a finding's field is one of them)
    subject: str = "child"   # "child" (registry.Child) or "visit" (care.Visit)


@dataclass(frozen=True)
class Finding:
    code: str                 # a CATALOGUE code
    child_id: Any             # the child concerned (record "id" / visit "child_id"); None if not given
    field: str                # one of CATALOGUE[code].fields, the field to fix
    message: str              # Chinese, specific to this record
    related: tuple = ()       # other children (shared details) or other visits (notes, bursts), ≤ RELATED_MAX
    record_id: Any = None     # the visit for visit checks; None for child checks


@dataclass(frozen=True)
class QualitySettings:
    left_behind_min_months: int = 6   # county setting (CountySetting), for the derived categories
    grade_tolerance_years: int = 2
    parent_min_age: int = 15          # at the child's birth, inclusive
    parent_max_age: int = 60


_PARENT_FIELDS = ("name", "birth_date", "id_number", "situation", "work_province", "work_city", "since", "phone")
_F = tuple(f"father_{f}" for f in _PARENT_FIELDS)
_M = tuple(f"mother_{f}" for f in _PARENT_FIELDS)


def _pf(*names: str) -> tuple[str, ...]:
    """Both parents' fields: _pf("phone") → ("father_phone", "mother_phone")."""
    return tuple(f"{p}_{n}" for n in names for p in ("father", "mother"))


ID_FIELDS = ("id_number", "father_id_number", "mother_id_number", "carer_id_number")
PHONE_FIELDS = ("father_phone", "mother_phone", "carer_phone")
VISIT_AREAS = ("life", "study", "mind", "safety", "carer")
CHOICE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "sex": C.SEX, "health": C.HEALTH, "schooling": C.SCHOOLING, "father_situation": C.PARENT_SITUATION,
    "mother_situation": C.PARENT_SITUATION, "carer_relation": C.CARER_RELATION, "guardianship": C.GUARDIANSHIP,
    "father_work_province": C.PROVINCES, "mother_work_province": C.PROVINCES,
    "benefits": C.BENEFITS, "income_sources": C.INCOME_SOURCES,
}
CROSS_LINE_FIELDS = ("name", "sex", "birth_date", "id_number", "father_name", "mother_name", "father_situation",
                     "mother_situation", "carer_name", "schooling", "school", "school_class")
_RECORD_FIELDS = tuple(dict.fromkeys((
    "name", "sex", "birth_date", *ID_FIELDS, "hukou_registered", "health", "disability", "illness", "schooling", "school",
    "school_class", *_F, *_M, "carer_name", "carer_phone", "carer_relation", "carer_barred", "agreement_date",
    "guardianship", "living_alone", "abused_or_abandoned", "benefits", "income_sources", "emergency_contacts", "reported_on",
)))


def _c(code, kind, level, title, explanation, fields, subject="child") -> Check:
    return Check(code, kind, level, title, explanation, tuple(fields), subject)


_CHECKS = [
    # ── completeness ────────────────────────────────────────────────────────────────────────
    _c("missing_identity", "completeness", "error", "姓名、性别或出生日期缺失",
       "姓名、性别、出生日期是一人一档的基本信息，缺少任一项都无法识别和统计儿童。请按户口簿或身份证补填。",
       ("name", "sex", "birth_date")),
    _c("missing_id", "completeness", "error", "缺公民身份号码",
       "已登记户口的儿童须填写公民身份号码，它是识别重复档案、核对出生日期和性别的依据。请按户口簿补填；"
       "确未登记户口的，请在“是否登记户口”选“否”。", ("id_number",)),
    _c("no_hukou", "completeness", "info", "未登记户口",
       "该儿童未登记户口，没有公民身份号码，最容易出现重复建档，也享受不到依户籍发放的救助。请核实并协助办理户口登记，"
       "办好后补填身份号码。", ("hukou_registered", "id_number")),
    _c("missing_disability", "completeness", "warning", "缺残疾类别及等级",
       "身体状况为残疾时须填写残疾类别及等级（如“肢体二级”），困境儿童认定和救助都要用到。请按残疾证补填。",
       ("disability", "health")),
    _c("missing_illness", "completeness", "warning", "缺患病类型",
       "身体状况为患病时须填写患病类型，并据实勾选是否重病。请补填。", ("illness", "health")),
    _c("missing_school", "completeness", "warning", "在校学生缺学校",
       "就学情况为小学、初中、高中或中职时须选择学校，否则学校和教育局看不到这名学生（教育线断档）。请补选学校。",
       ("school", "schooling")),
    _c("missing_class", "completeness", "info", "在校学生缺班级",
       "已选学校的中小学生未选班级，班主任看不到这名学生，也无法落实家访。请补选班级。", ("school_class",)),
    _c("missing_parent_name", "completeness", "warning", "缺父亲或母亲姓名",
       "父母姓名用于核对家庭关系和识别重复档案（含已故父母）。请按户口簿补填。", _pf("name")),
    _c("missing_work_place", "completeness", "warning", "外出务工缺务工地点",
       "外出务工的父母须填写务工省份（和城市），用于统计流向、联系父母和跨省协作。请补填。", _pf("work_province")),
    _c("missing_away_since", "completeness", "warning", "外出务工缺外出时间",
       "外出时间决定是否满足留守时长（县设定，默认6个月）；不填时系统只能按留守计算并注明“外出时间未填”。请补填。",
       _pf("since")),
    _c("missing_carer", "completeness", "error", "父母都不在家却没有委托照护人",
       "父母均不在家时，未成年人保护法第22条要求委托有照护能力的成年人照护。请登记委托照护人；确实无人照护的，"
       "请将监护情况选为“无人监护”并立即报告。", ("carer_name", "father_situation", "mother_situation")),
    _c("missing_carer_relation", "completeness", "warning", "缺照护人与儿童关系",
       "请选择委托照护人与儿童的关系。", ("carer_relation",)),
    _c("missing_carer_phone", "completeness", "warning", "缺委托照护人电话",
       "走访、预警和紧急情况都先找委托照护人，请补填其联系电话。", ("carer_phone",)),
    _c("missing_carer_id", "completeness", "info", "缺委托照护人身份号码",
       "没有身份号码就无法核实照护人是否成年、是否有未保法第22条所列情形。请补填。", ("carer_id_number",)),
    _c("missing_agreement", "completeness", "warning", "未签委托照护协议",
       "委托照护须签订书面委托照护协议（未保法第22、23条）。请签订后填写签订日期并上传协议。", ("agreement_date",)),
    _c("no_phone", "completeness", "error", "没有任何联系电话",
       "父母和委托照护人都没有电话，出了事找不到人。请至少补填一个能打通的电话。", PHONE_FIELDS),
    _c("missing_parent_phone", "completeness", "warning", "缺父母联系电话",
       "外出务工的父母应至少每周与孩子联系一次（未保法第23条），学校和村里也须能联系到父母。请补填父亲或母亲的电话。",
       _pf("phone")),
    _c("missing_guardianship", "completeness", "error", "缺监护情况评定",
       "请按实际评定监护情况（无人监护/父或母无监护能力/受委托监护人监护能力不足/监护情况一般/监护情况较好）。",
       ("guardianship",)),
    _c("emergency_contact_no_phone", "completeness", "warning", "紧急联系人缺电话",
       "紧急联系人须有电话，否则联系卡没有用。请补填或删除该联系人。", ("emergency_contacts",)),
    # ── validity ───────────────────────────────────────────────────────────────────────────
    _c("invalid_choice", "validity", "error", "选项值无效",
       "该项的值不在规定选项内（可能是导入时的错字，如“外出打工”），系统无法据此认定类别和统计。请改为规定选项之一。",
       tuple(CHOICE_FIELDS)),
    _c("id_format", "validity", "error", "身份号码格式错误",
       "身份号码应为18位：前17位数字，最后一位数字或X；不能有空格、全角字符或15位旧号码。请按证件逐位核对。", ID_FIELDS),
    _c("id_checksum", "validity", "error", "身份号码校验位错误",
       "身份号码最后一位（校验位）与前17位不符，说明号码中有录错的数字。请对照证件逐位核对。", ID_FIELDS),
    _c("id_birth_mismatch", "validity", "error", "出生日期与身份号码不符",
       "身份号码第7–14位是出生日期，与填写的出生日期不一致，其中必有一处错误。请对照证件更正。",
       ("birth_date", "father_birth_date", "mother_birth_date")),
    _c("id_sex_mismatch", "validity", "error", "性别与身份号码不符",
       "身份号码第17位单数为男、双数为女，与填写的性别（或父亲/母亲的身份）不一致。请核对是性别填错还是号码录错。",
       ("sex", "father_id_number", "mother_id_number")),
    _c("phone_invalid", "validity", "error", "电话号码格式错误",
       "手机号应为11位数字，座机应带区号（如 0716-1234567）。请核对后更正。", (*PHONE_FIELDS, "emergency_contacts")),
    _c("date_in_future", "validity", "error", "日期晚于今天",
       "填写的日期晚于今天，不可能正确（常见于年份录错）。请更正。",
       ("birth_date", "father_birth_date", "mother_birth_date", "father_since", "mother_since", "agreement_date", "reported_on")),
    _c("date_before_birth", "validity", "error", "日期早于儿童出生",
       "协议签订日期或填报日期早于儿童出生日期，不可能正确。请核对年份。", ("agreement_date", "reported_on")),
    _c("grade_age", "validity", "warning", "年级与年龄不符",
       "按规定年满6周岁入一年级，每年升一级；该生年龄与所在年级相差超过2岁。请核对出生日期或班级（留级、晚入学请核实后保留）。",
       ("school_class", "birth_date")),
    _c("schooling_age", "validity", "warning", "就学阶段与年龄不符",
       "就学情况与年龄明显不符（如3岁读小学、16岁读幼儿园）。请核对出生日期或就学情况。", ("schooling", "birth_date")),
    # ── logic ──────────────────────────────────────────────────────────────────────────────
    _c("over_age", "logic", "warning", "已满18周岁仍在册",
       "已年满18周岁，不再属于未成年人关爱保护范围，应办理退出（档案和历史保留）。如出生日期有误请更正。", ("birth_date",)),
    _c("class_without_school", "logic", "error", "有班级无学校", "填写了班级却没有学校。请补选学校或清除班级。",
       ("school", "school_class")),
    _c("school_while_not_in_school", "logic", "warning", "不在学却填了学校",
       "就学情况为未入园、辍学或不在学，却填写了学校或班级。请核实：仍在校的改正就学情况，已离校的清除学校和班级。",
       ("schooling", "school", "school_class")),
    _c("out_of_school", "logic", "warning", "义务教育年龄未在学",
       "7–14周岁儿童就学情况为“未入园”或“不在学”。义务教育阶段儿童应当在校；确已辍学的请选“辍学”并纳入控辍保学，"
       "因残疾送教上门等情况请在备注中说明。", ("schooling",)),
    _c("parent_id_is_child", "logic", "error", "父母身份号码与儿童相同",
       "父亲或母亲的身份号码与儿童本人相同，通常是录入时复制错了栏。请按父母的证件更正。", _pf("id_number")),
    _c("parent_age_implausible", "logic", "warning", "父母年龄不合常理",
       "按出生日期（或身份号码）计算，父亲或母亲在儿童出生时不满15周岁或超过60周岁。请核对父母的出生日期、身份号码，"
       "或是否把祖辈登记成了父母。", _pf("birth_date", "id_number")),
    _c("dead_parent_away_fields", "logic", "error", "已故父母仍有务工信息",
       "父亲或母亲状况为死亡（宣告死亡、宣告失踪），却填写了务工地点、外出时间或联系电话——“孤儿的父母在外打工”。"
       "请核实父母的真实状况：确已死亡的清除这些信息，仍在世的更正状况。", _pf("work_province", "work_city", "since", "phone")),
    _c("home_parent_away_fields", "logic", "warning", "在家的父母填了务工信息",
       "父亲或母亲状况为在家，却填写了务工地点或外出时间。请核实：已返乡的清除务工信息，仍在外的将状况改为外出务工。",
       _pf("work_province", "work_city", "since")),
    _c("detained_parent_workplace", "logic", "warning", "服刑或戒毒的父母填了务工地点",
       "父亲或母亲服刑在押、强制隔离戒毒或被限制人身自由，不应有务工地点。请核实状况并清除务工地点。",
       _pf("work_province", "work_city")),
    _c("orphan_with_parent_alive", "logic", "error", "孤儿的父母仍在世",
       "登记为孤儿或享受孤儿基本生活费，但父亲或母亲的状况不是死亡（宣告死亡、宣告失踪）。孤儿须父母双方均死亡或被宣告"
       "死亡、失踪。请核实父母状况；不符合的停发孤儿基本生活费并按实际情况认定。", (*_pf("situation"), "benefits")),
    _c("left_behind_parents_home", "logic", "error", "父母都在家却是留守儿童",
       "档案标为农村留守儿童，但父母状况都是在家。留守须父母双方外出务工（或一方外出、另一方无监护能力）。请核实父母状况，"
       "保存后系统会重新认定类别。", _pf("situation")),
    _c("de_facto_benefit_mismatch", "logic", "warning", "享受事实无人抚养补贴但不符合条件",
       "享受事实无人抚养儿童生活补贴，但按父母状况不符合认定条件（父母双方重残、重病、服刑在押或失联满6个月等）。"
       "请核实父母状况和起始时间，或停发补贴。", (*_pf("situation", "since"), "benefits")),
    # the 兜底保障 ledger against the same needs (rules.benefits): a monthly benefit paid to a child none of whose
    # needs calls for it — a parent came home, the child left the registry; 孤儿/事实无人抚养 as the two checks above
    _c("benefit_unmet", "logic", "warning", "发放兜底保障但已不符合条件",
       "发放记录中有按月发放的救助，但按档案该儿童已不符合这项救助的条件（如父母已返家、不再是低保或特困户、已退出管理）。"
       "请核实后停发，或据实更正档案。", ("benefits",)),
    _c("agreement_without_carer", "logic", "warning", "有协议无照护人",
       "填写了委托照护协议签订日期，但没有登记委托照护人。请补填照护人或清除协议日期。", ("carer_name", "agreement_date")),
    _c("carer_is_absent_parent", "logic", "error", "照护人是不在家的父母",
       "委托照护人的姓名、身份号码或关系与一位不在家的父亲或母亲相同——孩子实际上没有人照护。请登记真正在家照护孩子的成年人。",
       ("carer_name", "carer_relation", "carer_id_number")),
    _c("carer_minor", "logic", "error", "照护人未成年",
       "按身份号码，委托照护人未满18周岁，不能承担照护责任。请另行委托成年人照护。", ("carer_id_number",)),
    _c("carer_barred", "logic", "error", "照护人有未保法第22条情形",
       "委托照护人有性侵害、虐待、遗弃、暴力伤害等违法犯罪记录，吸毒、酗酒、赌博等恶习，或曾拒不履行、长期怠于履行"
       "监护照护职责，依法不得受托照护。请立即另行委托并报告。", ("carer_barred",)),
    _c("carer_relation_sex", "logic", "warning", "照护人关系与性别不符",
       "照护人关系为祖父、外祖父、父亲时应为男性，祖母、外祖母、母亲时应为女性，与身份号码显示的性别不一致。请核对关系或号码。",
       ("carer_relation", "carer_id_number")),
    _c("living_alone_parent_home", "logic", "warning", "父母在家却独居",
       "档案标为独居，但有父亲或母亲在家。请核实：确实独居的更正父母状况，否则取消独居。",
       ("living_alone", *_pf("situation"))),
    _c("guardianship_rating_inconsistent", "logic", "warning", "监护评定过高",
       "儿童独居、遭受虐待或遗弃，或父母都不在家又无人照护，监护情况却评为“监护情况较好”。请按实际重新评定。",
       ("guardianship", "living_alone", "abused_or_abandoned")),
    # ── cross-line (administrative line vs education line) ──────────────────────────────────
    _c("school_stage_mismatch", "cross_line", "warning", "就学情况与学校学段不符",
       "村里登记的就学情况与所选学校的学段不一致（如就学情况为初中，学校却是小学）。请与学校核对后更正就学情况或学校。",
       ("schooling", "school")),
    _c("grade_schooling_mismatch", "cross_line", "warning", "就学情况与年级不符",
       "就学情况与所在班级的年级不一致（小学为一至六年级，初中为七至九年级，高中为高一至高三）。请与学校核对后更正。",
       ("schooling", "school_class")),
    _c("class_school_mismatch", "cross_line", "error", "班级不属于所选学校", "所选班级属于另一所学校。请重新选择学校和班级。",
       ("school", "school_class")),
    _c("cross_line_mismatch", "cross_line", "warning", "村校档案不一致",
       "同一名儿童在村（社区）和学校的档案中该项不一致，其中必有一处错误。请村、校共同核对证件后统一。", CROSS_LINE_FIELDS),
    # ── field verification: an inspector checked the child on the spot (rules.supervision) ──
    _c("field_check_mismatch", "field", "error", "实地核查与档案不符",
       "督查组实地核查时发现档案与实际不符（儿童不在、照护人不同、走访不实或协议未签）。请据实更正档案并向督查组提交整改，"
       "复核通过后本问题自动关闭。", tuple(dict.fromkeys(S.CHECK_FIELDS.values()))),
    _c("hukou_mismatch", "cross_line", "warning", "与户籍不一致",
       "公安户籍数据（户籍比对时上传的名单）中同一身份号码的儿童该项与档案不同。请按户口簿核对后改正档案；户籍有误的，请提醒家长到派出所更正。",
       ("name", "birth_date", "sex", "hukou_place")),
    # ── duplicates (the finder is `rules.dedupe`; a user merges the pair or marks it "not the same") ──
    _c("possible_duplicate", "duplicate", "warning", "疑似重复档案",
       "另一份档案与这份很可能是同一名儿童（同音字、形近字、改姓、缺身份号码或出生日期日月颠倒）。请对比两份档案："
       "确为同一人的合并（走访、结对等记录随之转移，历史保留）；不是同一人（如双胞胎、同名）的标记为“不是同一人”。",
       ("name", "birth_date", "id_number")),
    # ── fabrication signals ──────────────────────────────────────────────────────────────────
    _c("shared_parent_details", "fabrication", "warning", "不同家庭的儿童父母信息相同",
       "同一父亲或母亲（姓名和身份号码或电话都相同）出现在不同家庭（住址和照护人不同、父母不同）的儿童档案中，"
       "常见于照抄他人信息虚构档案。请逐一入户核实，确为同一父母（如重组家庭）的可驳回并说明理由。", (*_F, *_M)),
    _c("shared_carer_details", "fabrication", "info", "不同家庭的儿童照护人相同",
       "同一委托照护人（姓名和身份号码或电话都相同）出现在多个不同家庭儿童的档案中。代理家长、亲属照护多个家庭的孩子时"
       "属正常，请核实照护能力；照抄的请更正。", ("carer_name", "carer_id_number", "carer_phone")),
    _c("copied_visit_notes", "fabrication", "warning", "走访记录内容雷同",
       "三名以上不同儿童的走访记录内容相同或高度相似，常见于照抄、补记。请核实是否实地走访，据实补充每个孩子的具体情况。",
       VISIT_AREAS, "visit"),
    _c("visit_burst", "fabrication", "warning", "短时间内集中录入走访",
       "同一录入人在10分钟内录入了10条以上走访记录。集中补录纸质记录时也会出现，请核实走访是否真实发生。",
       ("created_at",), "visit"),
    _c("visit_backdated_bulk", "fabrication", "warning", "集中补录过期走访",
       "同一录入人在同一天录入了10条以上走访日期在30天以前的记录。请核实这些走访是否真实发生、日期是否准确。",
       ("date", "created_at"), "visit"),
    _c("visit_before_registration", "fabrication", "warning", "走访早于建档",
       "走访日期早于儿童建档（纳入）日期。请核对走访日期；建档前确有走访的，可驳回并说明。", ("date",), "visit"),
    _c("visit_in_future", "validity", "error", "走访日期晚于今天", "走访日期晚于今天，不可能正确。请更正走访日期。",
       ("date",), "visit"),
    # ── fallback ─────────────────────────────────────────────────────────────────────────────
    _c("other_rule", "validity", "warning", "其他填写问题",
       "档案校验发现的其他问题，见具体说明。", _RECORD_FIELDS),
]
CATALOGUE: Mapping[str, Check] = {c.code: c for c in _CHECKS}
_ORDER = {code: i for i, code in enumerate(CATALOGUE)}

# ── one record ───────────────────────────────────────────────────────────────────────────────
_LABEL = {"father": "父亲", "mother": "母亲"}
AT_HOME, AWAY = "在家", "外出务工"
SCHOOL_AGE_STAGES = ("小学", "初中", "高中", "中职")   # a school is expected (missing_school)
CLASS_STAGES = ("小学", "初中")                       # a class is expected (missing_class)
NOT_IN_SCHOOL_YET = ("未入园", "不在学")                # out_of_school when 7–14
OUT_OF_SCHOOL_AGES = (7, 14)                           # age on 1 September, inclusive
STAGE_AGES = {"幼儿园": (3, 5), "小学": (6, 11), "初中": (12, 14), "高中": (15, 17), "中职": (15, 17)}
STAGE_GRADES = {"幼儿园": range(0, 1), "小学": range(1, 7), "初中": range(7, 10), "高中": range(10, 13), "中职": range(10, 13)}
SCHOOL_STAGE_OK = {"幼儿园": {"幼儿园"}, "小学": {"小学", "九年一贯制"}, "初中": {"初中", "九年一贯制"}, "高中": {"高中"}, "中职": {"中职"}}
CARER_SEX = {"祖父": "男", "外祖父": "男", "父亲": "男", "祖母": "女", "外祖母": "女", "母亲": "女"}
ORPHAN_BENEFIT = "孤儿基本生活费"
DE_FACTO_BENEFIT = "事实无人抚养儿童生活补贴"
GOOD_RATING = "监护情况较好"
_LEDGER_CODES = {  # rules.care.ledger_missing item -> (code, field, message)
    "委托照护人": ("missing_carer", "carer_name", "父母都不在家，没有登记委托照护人"),
    "联系电话": ("no_phone", "father_phone", "父母和委托照护人都没有联系电话"),
    "监护情况": ("missing_guardianship", "guardianship", "未评定监护情况"),
}


def _text(v) -> str:
    return v.strip() if isinstance(v, str) else ("" if v is None else str(v))


def _situation(r: Mapping, p: str) -> str:
    return r.get(f"{p}_situation") or AT_HOME  # as check_record: not given = the model default


def school_year_start(today: date) -> date:
    """1 September of the school year `today` lies in."""
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def _code_of(field: str, msg: str, r: Mapping) -> str:
    """The catalogue code of one check_record message (the messages are record.py's; this only names them)."""
    if field in ID_FIELDS:
        for fragment, code in (("须填写公民身份号码", "missing_id"), ("校验位错误", "id_checksum"), ("须为成年人", "carer_minor"),
                               ("显示性别为", "id_sex_mismatch"), ("与儿童本人相同", "parent_id_is_child")):
            if fragment in msg:
                return code
        return "id_format"  # every other message comes from idcard.parse_id
    if "不应填写务工地点" in msg:
        return "dead_parent_away_fields" if _situation(r, field.split("_")[0]) in DEAD else "detained_parent_workplace"
    for fragment, code in (
        ("出生日期与身份证号码不符", "id_birth_mismatch"), ("性别与身份证号码不符", "id_sex_mismatch"),
        ("不能晚于今天", "date_in_future"), ("已年满18周岁", "over_age"), ("残疾类别", "missing_disability"),
        ("患病类型", "missing_illness"), ("填写班级时须选择学校", "class_without_school"),
        ("不应填写学校和班级", "school_while_not_in_school"), ("须填写务工省份", "missing_work_place"),
        ("须填写外出时间", "missing_away_since"), ("在家时不应填写外出时间", "home_parent_away_fields"),
        ("不应填写外出时间", "dead_parent_away_fields"), ("不应填写联系电话", "dead_parent_away_fields"),
        ("没有委托照护人", "agreement_without_carer"), ("委托照护人与儿童的关系", "missing_carer_relation"),
        ("不能是不在家的", "carer_is_absent_parent"), ("第22条", "carer_barred"), ("格式不正确", "phone_invalid"),
        ("须填写电话", "emergency_contact_no_phone"),
    ):
        if fragment in msg:
            return code
    return "other_rule"


def record_findings(record: Mapping, *, today: date, settings: QualitySettings = QualitySettings()) -> list[Finding]:
    """Every completeness, validity, logic and cross-line finding of one child record (a dict keyed
    by Child field names, plus the optional `grade`, `school_stage`, `class_school`). Sorted in
    catalogue order, at most one finding per (code, field)."""
    r = dict(record)
    for p in ("father", "mother"):
        r[f"{p}_situation"] = _situation(r, p)
    child_id = r.get("id")
    out: dict[tuple[str, str], Finding] = {}

    def add(code: str, field: str, message: str) -> None:
        if field not in CATALOGUE[code].fields:  # a message record.py gained on a field we did not expect
            code = "other_rule"
            field = field if field in CATALOGUE[code].fields else "name"
        out.setdefault((code, field), Finding(code, child_id, field, message))

    # The form's rules, named.
    exited = r.get("status") == "exited"
    for field, msg in check_record(r, today=today).items():
        code = _code_of(field, msg, r)
        if code == "over_age" and exited:
            continue  # an adult who has exited is history, not a problem
        add(code, field, msg)

    # Ledger completeness (rules.care.ledger_missing: the care month's 台账 measure).
    for item in ledger_missing(r):
        if item in _LEDGER_CODES:  # 公民身份号码 comes from check_record already
            add(*_LEDGER_CODES[item])

    _completeness(r, add)
    _choices(r, add)
    birth = r.get("birth_date") if isinstance(r.get("birth_date"), date) else None
    if birth is not None and birth <= today:
        _ages(r, birth, today, settings, add)
    _logic(r, today, settings, add)
    _cross_line(r, add)
    return sorted(out.values(), key=lambda f: (_ORDER[f.code], f.field))


def _completeness(r: dict, add) -> None:
    for field, label in (("name", "姓名"), ("sex", "性别"), ("birth_date", "出生日期")):
        if not _text(r.get(field)):
            add("missing_identity", field, f"缺少{label}")
    if not r.get("hukou_registered", True) and not _text(r.get("id_number")):
        add("no_hukou", "hukou_registered", "未登记户口，没有公民身份号码")
    schooling = r.get("schooling")
    if schooling in SCHOOL_AGE_STAGES and not r.get("school"):
        add("missing_school", "school", f"就学情况为“{schooling}”，但未选择学校")
    if schooling in CLASS_STAGES and r.get("school") and not r.get("school_class"):
        add("missing_class", "school_class", "已选学校，但未选择班级")
    for p in ("father", "mother"):
        if not _text(r.get(f"{p}_name")):
            add("missing_parent_name", f"{p}_name", f"缺少{_LABEL[p]}姓名")
    carer = _text(r.get("carer_name"))
    if carer:
        if not _text(r.get("carer_phone")):
            add("missing_carer_phone", "carer_phone", f"委托照护人“{carer}”没有联系电话")
        if not _text(r.get("carer_id_number")):
            add("missing_carer_id", "carer_id_number", f"委托照护人“{carer}”没有身份号码")
        if not r.get("agreement_date") and r.get("carer_relation") not in ("父亲", "母亲"):
            add("missing_agreement", "agreement_date", f"已委托“{carer}”照护，但没有委托照护协议签订日期")
    # At least one parent phone when a parent can be reached (at home or away working). No phone
    # at all is `no_phone` (an error) and is not reported twice.
    reachable = [p for p in ("father", "mother") if r[f"{p}_situation"] in (AWAY, AT_HOME)]
    has_any = any(_text(r.get(f)) for f in PHONE_FIELDS)
    if reachable and has_any and not any(_text(r.get(f"{p}_phone")) for p in ("father", "mother")):
        p = next((p for p in reachable if r[f"{p}_situation"] == AWAY), reachable[0])
        add("missing_parent_phone", f"{p}_phone", f"{_LABEL[p]}{r[f'{p}_situation']}，父母都没有联系电话")


def _choices(r: dict, add) -> None:
    for field, allowed in CHOICE_FIELDS.items():
        v = r.get(field)
        values = v if isinstance(v, (list, tuple, set, frozenset)) else [v]
        bad = [x for x in values if x not in (None, "") and x not in allowed]
        if bad:
            add("invalid_choice", field, f"“{bad[0]}”不是有效选项")


def _ages(r: dict, birth: date, today: date, s: QualitySettings, add) -> None:
    tol = s.grade_tolerance_years
    age = age_on(birth, school_year_start(today))  # age on 1 September of this school year
    schooling, grade = r.get("schooling"), r.get("grade")
    grade_ok = type(grade) is int and schooling in STAGE_GRADES and grade in STAGE_GRADES[schooling]
    if grade_ok and grade >= 1:  # the class's grade is the sharper test
        expected = grade + 5
        if abs(age - expected) > tol:
            add("grade_age", "school_class",
                f"{grade}年级学生通常{expected}岁左右（9月1日），该生{age}岁，相差超过{tol}岁")
    elif schooling in STAGE_AGES:
        lo, hi = STAGE_AGES[schooling]
        if age < lo - tol or age > hi + tol:
            add("schooling_age", "schooling", f"就学情况为“{schooling}”（通常{lo}–{hi}岁），该生9月1日{age}岁")
    if schooling in NOT_IN_SCHOOL_YET and OUT_OF_SCHOOL_AGES[0] <= age <= OUT_OF_SCHOOL_AGES[1]:
        add("out_of_school", "schooling", f"{age}岁（9月1日），就学情况为“{schooling}”")
    for field, label in (("agreement_date", "委托照护协议签订日期"), ("reported_on", "填报日期")):
        d = r.get(field)
        if isinstance(d, date) and d < birth:
            add("date_before_birth", field, f"{label} {d.isoformat()} 早于出生日期 {birth.isoformat()}")
    for p in ("father", "mother"):
        pbirth, field = r.get(f"{p}_birth_date"), f"{p}_birth_date"
        if not isinstance(pbirth, date):
            pbirth, field = _id_birth(r.get(f"{p}_id_number"), today), f"{p}_id_number"
        if pbirth is None:
            continue
        at_birth = age_on(pbirth, birth)
        if not s.parent_min_age <= at_birth <= s.parent_max_age:
            add("parent_age_implausible", field, f"儿童出生时{_LABEL[p]}{at_birth}岁，请核对")


def _id_birth(number, today: date) -> date | None:
    try:
        return parse_id(_text(number), today=today).birth_date if _text(number) else None
    except IdNumberError:
        return None


def _facts(r: dict) -> ChildFacts | None:
    """The derivation's facts from the record (as registry.services.facts_of), or None when a value
    is not a valid option (reported as invalid_choice)."""
    try:
        return ChildFacts(
            birth_date=r["birth_date"],
            father=ParentFacts(r["father_situation"], r.get("father_since")),
            mother=ParentFacts(r["mother_situation"], r.get("mother_since")),
            health=r.get("health") or "健康", serious_illness=bool(r.get("serious_illness")),
            guardianship=r.get("guardianship") or GOOD_RATING,
            has_carer=bool(_text(r.get("carer_name"))) or AT_HOME in (r["father_situation"], r["mother_situation"]),
            living_alone=bool(r.get("living_alone")), abused_or_abandoned=bool(r.get("abused_or_abandoned")),
            benefits=frozenset(r.get("benefits") or ()), poor_household=bool(r.get("poor_household")),
        )
    except (ValueError, TypeError, KeyError):
        return None


def _logic(r: dict, today: date, s: QualitySettings, add) -> None:
    sit = {p: r[f"{p}_situation"] for p in ("father", "mother")}
    benefits = r.get("benefits") or ()
    if r.get("is_orphan") or ORPHAN_BENEFIT in benefits:
        alive = [p for p in ("father", "mother") if sit[p] not in DEAD]
        if alive:
            why = "登记为孤儿" if r.get("is_orphan") else f"享受{ORPHAN_BENEFIT}"
            p = alive[0]
            add("orphan_with_parent_alive", f"{p}_situation", f"{why}，但{_LABEL[p]}状况为“{sit[p]}”")
    if r.get("is_left_behind") and sit["father"] == AT_HOME and sit["mother"] == AT_HOME:
        add("left_behind_parents_home", "father_situation", "标为农村留守儿童，但父母都在家")
    birth = r.get("birth_date")
    if DE_FACTO_BENEFIT in benefits and isinstance(birth, date) and birth <= today and age_on(birth, today) < 18:
        facts = _facts(r)
        if facts is not None:
            d = derive(facts, as_of=today, settings=CategorySettings(s.left_behind_min_months))
            if "de_facto" not in d.categories:
                add("de_facto_benefit_mismatch", "benefits",
                    f"享受{DE_FACTO_BENEFIT}，但父亲“{sit['father']}”、母亲“{sit['mother']}”不符合事实无人抚养儿童认定条件")
    for p in ("father", "mother"):
        if sit[p] == AT_HOME and (_text(r.get(f"{p}_work_province")) or _text(r.get(f"{p}_work_city"))):
            add("home_parent_away_fields", f"{p}_work_province", f"{_LABEL[p]}在家时不应填写务工地点")
    relation, cid = r.get("carer_relation"), _text(r.get("carer_id_number"))
    if _text(r.get("carer_name")) and relation in CARER_SEX and cid:
        try:
            info = parse_id(cid, today=today)
        except IdNumberError:
            pass  # reported as id_format / id_checksum
        else:
            if info.sex != CARER_SEX[relation]:
                add("carer_relation_sex", "carer_relation", f"关系为“{relation}”，身份号码显示为{info.sex}性")
    if r.get("living_alone") and AT_HOME in sit.values():
        add("living_alone_parent_home", "living_alone", "标为独居，但有父母在家")
    if r.get("guardianship") == GOOD_RATING:
        unguarded = not _text(r.get("carer_name")) and AT_HOME not in sit.values()
        why = [t for cond, t in ((r.get("living_alone"), "独居"), (r.get("abused_or_abandoned"), "遭受虐待或遗弃"),
                                 (unguarded, "父母都不在家且无委托照护人")) if cond]
        if why:
            add("guardianship_rating_inconsistent", "guardianship", f"{'、'.join(why)}，监护情况却为“{GOOD_RATING}”")


def _cross_line(r: dict, add) -> None:
    schooling = r.get("schooling")
    stage = r.get("school_stage")
    if schooling in SCHOOL_STAGE_OK and r.get("school") and stage and stage not in SCHOOL_STAGE_OK[schooling]:
        add("school_stage_mismatch", "schooling", f"就学情况为“{schooling}”，所选学校为{stage}")
    grade = r.get("grade")
    if type(grade) is int and r.get("school_class") and schooling in STAGE_GRADES and grade not in STAGE_GRADES[schooling]:
        add("grade_schooling_mismatch", "school_class", f"就学情况为“{schooling}”，班级却是{grade}年级")
    cs = r.get("class_school")
    if cs is not None and r.get("school") and r.get("school_class") and cs != r.get("school"):
        add("class_school_mismatch", "school_class", "所选班级不属于所选学校")


# ── cross-line: a village record and a school record of the same child ────────────────────────
def _norm(v) -> Any:
    if isinstance(v, str):
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", v)).upper()
    return v


def cross_line_findings(pairs: Iterable[tuple[Mapping, Mapping]], names: Mapping[str, Mapping] | None = None) -> list[Finding]:
    """For each (village record, school record) of one child, a `cross_line_mismatch` per field of
    CROSS_LINE_FIELDS on which both hold a value and the values differ (after NFKC, spaces and case).
    A blank on one side is a completeness question, not a disagreement. Linear. `names` shows
    linked values by name in the message: {"school": {id: "金星小学"}, "school_class": {id: "三年级1班"}}."""
    out = []
    names = names or {}
    for village, school in pairs:
        for f in CROSS_LINE_FIELDS:
            a, b = village.get(f), school.get(f)
            if a in (None, "") or b in (None, "") or _norm(a) == _norm(b):
                continue
            shown = [x.isoformat() if isinstance(x, date) else str(names.get(f, {}).get(x, x)) for x in (a, b)]
            # an issue's message is stored and listed in clear: ID numbers are stored only encrypted
            # (docs/decisions.md 51), so the message says that they differ, not what they are
            message = ("村（社区）档案与学校档案的身份证号不一致，请打开两份档案核对" if f == "id_number"
                       else f"村（社区）档案为“{shown[0]}”，学校档案为“{shown[1]}”")
            out.append(Finding("cross_line_mismatch", village.get("id"), f, message,
                               related=tuple(x for x in (school.get("id"),) if x is not None)))
    return out


def field_check_findings(mismatches: Mapping[Any, Sequence[str]]) -> list[Finding]:
    """For each child a field check found wrong ({child id: the checks answered "no"}), one
    `field_check_mismatch` per check, on the record field it points at."""
    return [Finding("field_check_mismatch", child_id, S.CHECK_FIELDS[k], S.MISMATCH_TEXT[k])
            for child_id, checks in mismatches.items() for k in checks if k in S.CHECK_FIELDS]


def benefit_findings(unmet: Mapping[Any, Sequence[str]]) -> list[Finding]:
    """For each child paid a benefit its needs do not call for ({child id: the kinds' labels}), one finding."""
    return [Finding("benefit_unmet", child_id, "benefits", f"发放中但已不符合条件：{'、'.join(kinds)}"[:255])
            for child_id, kinds in unmet.items() if kinds]


# ── duplicates: candidate pairs from the finder, one finding on each child ───────────────────
def duplicate_findings(pairs: Iterable[tuple[Any, Any, float, Sequence[str]]], labels: Mapping[Any, str]) -> list[Finding]:
    """For each candidate pair (id a, id b, score 0–1, reasons) a `possible_duplicate` finding on
    both children, naming the other record (`labels[id]`, e.g. its name and 档案编号) and why.
    `record_id` is the other child, so one child with two candidates has two findings."""
    out = []
    for a, b, s, reasons in pairs:
        why = "；".join(reasons[:4])
        for me, other in ((a, b), (b, a)):
            out.append(Finding("possible_duplicate", me, "name",
                               f"与{labels.get(other, other)}疑似同一人（相似度{round(s * 100)}%）：{why}"[:255],
                               related=(other,), record_id=other))
    return out


# ── fabrication: identical parent or carer details across households ─────────────────────────
RELATED_MAX = 20  # ids listed in a finding's `related` (the message gives the full count)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:  # path compression
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _name(v) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(v)))


def _address(v) -> str:
    # "三组 12号" = "三组12号" = "三组，12号": spaces and punctuation carry nothing.
    return "".join(ch for ch in unicodedata.normalize("NFKC", _text(v)) if ch.isalnum())


def _id(v) -> str:
    return _text(v).upper()


def _phone(v) -> str:
    return normalise_phone(_text(v)) if _text(v) else ""


def household_keys(r: Mapping) -> list[tuple]:
    """The keys that put two children in one household (siblings, cousins living together):
    - ("addr", village, address, adult): same village, same detailed address (NFKC, spaces and
      punctuation ignored) and one same adult — the carer, the father or the mother (ID number,
      else name). Parents at home need no carer, so siblings living with them share a parent;
    - ("ids", village, father ID, mother ID): same village and both parents' ID numbers equal;
    - ("names", village, father name, mother name): same village and both parents' names equal.
    Every key holds the village: the same whole family (both parents' IDs, even the carer) on
    children in different villages is what a copied record looks like, and a real split family
    is rare enough to confirm by hand (dismiss with a reason). Children sharing any key are one
    household, closed under sharing (union-find), so three siblings recorded with different gaps
    still form one household."""
    village = _text(r.get("village_code") or r.get("village"))
    keys: list[tuple] = []
    addr = _address(r.get("address_detail"))
    if addr:
        for role in ("carer", "father", "mother"):
            adult = _id(r.get(f"{role}_id_number")) or _name(r.get(f"{role}_name"))
            if adult:
                keys.append(("addr", village, addr, adult))
    fid, mid = _id(r.get("father_id_number")), _id(r.get("mother_id_number"))
    if fid and mid:
        keys.append(("ids", village, fid, mid))
    fn, mn = _name(r.get("father_name")), _name(r.get("mother_name"))
    if fn and mn:
        keys.append(("names", village, fn, mn))
    return keys


def shared_parent_findings(records: Sequence[Mapping]) -> list[Finding]:
    """Identical parent or carer details on children of different households (docs/domain.md, "Data quality": "the same
    mother's name and details are copied onto children with different surnames and addresses").

    A person is identified by name together with ID number, or name together with phone
    (normalised). Father and mother are pooled as "parent" (a father on one record who is a mother
    on another is no less suspicious); the carer is compared with carers. For each person seen on
    children of two or more households (see `household_keys`), every such child gets one finding
    per role (father/mother/carer), listing the children of the other households in `related`.
    Siblings — one household — are never a finding.

    Records are dicts with "id" and the Child fields (village_code or village, address_detail,
    parents', carer's). O(n α(n)) to build households and group, plus the output."""
    n = len(records)
    uf = _UnionFind(n)
    first: dict[tuple, int] = {}
    for i, r in enumerate(records):
        for k in household_keys(r):
            if k in first:
                uf.union(first[k], i)
            else:
                first[k] = i
    groups: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    for i, r in enumerate(records):
        for role in ("father", "mother", "carer"):
            name = _name(r.get(f"{role}_name"))
            if not name:
                continue
            pool = "carer" if role == "carer" else "parent"
            pid, phone = _id(r.get(f"{role}_id_number")), _phone(r.get(f"{role}_phone"))
            if pid:
                groups[(pool, name, "id", pid)].append((i, role))
            if phone:
                groups[(pool, name, "phone", phone)].append((i, role))
    # One finding per (record, role): an ID match is reported before a phone match of the same person.
    hits: dict[tuple[int, str], tuple[str, int, list[int]]] = {}
    for key in sorted((k for k, m in groups.items() if len(m) > 1), key=lambda k: k[2] != "id"):
        members = groups[key]
        by_root: dict[int, dict[int, None]] = defaultdict(dict)  # household -> its records (ordered set)
        for i, _ in members:
            by_root[uf.find(i)][i] = None
        if len(by_root) < 2:
            continue  # one household: siblings
        total = sum(map(len, by_root.values()))
        for i, role in members:
            if (i, role) in hits:
                continue
            own = uf.find(i)
            shown: list[int] = []
            for root, js in by_root.items():  # stops after RELATED_MAX: bounded even for a huge group
                if root != own:
                    shown += list(js)[:RELATED_MAX - len(shown)]
                    if len(shown) == RELATED_MAX:
                        break
            hits[(i, role)] = (key[2], total - len(by_root[own]), shown)
    out = []
    for (i, role), (basis, count, shown) in sorted(hits.items()):
        r = records[i]
        label = {"father": "父亲", "mother": "母亲", "carer": "委托照护人"}[role]
        what = "身份号码" if basis == "id" else "电话"
        field = f"{role}_id_number" if basis == "id" else f"{role}_phone"
        out.append(Finding(
            "shared_carer_details" if role == "carer" else "shared_parent_details", r.get("id"), field,
            f"{label}“{_name(r.get(f'{role}_name'))}”（姓名和{what}相同）也登记在另外{count}名不同家庭儿童的档案中",
            related=tuple(records[j].get("id") for j in shown),
        ))
    return out


def _others(visits: Sequence[Mapping], run: Sequence[int], i: int) -> tuple:
    """Up to RELATED_MAX ids of the visits in `run` other than visit `i` (bounded: runs can be huge)."""
    out = []
    for j in run:
        if j != i:
            out.append(visits[j].get("id"))
            if len(out) == RELATED_MAX:
                break
    return tuple(out)


# ── fabrication: copied visit notes ───────────────────────────────────────────────────────────
NOTE_MIN_CHILDREN = 3       # notes shared by at least this many different children
NOTE_MIN_CHARS = 8          # normalised characters for an identical note to count ("生活正常学习正常")
NOTE_NEAR_MIN_CHARS = 30    # near-identical only for notes this long: on short texts a ratio means little
NOTE_SIMILARITY = 90        # rapidfuzz fuzz.ratio (normalised Indel similarity, 0–100) on the normalised notes
NOTE_BLOCK_CHARS = 12       # blocking keys: the first and the last 12 normalised characters
NOTE_WINDOW = 20            # within a block sorted by length, each note is compared with the next 20


_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() plus "_"


def normalise_note(visit: Mapping) -> str:
    """The five areas joined, NFKC, letters and digits only ("生活：正常。" = "生活正常")."""
    return _normalise_text("".join(_text(visit.get(a)) for a in VISIT_AREAS))


def _normalise_text(text: str) -> str:
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text))


def _child_of(v: Mapping):
    return v.get("child_id", v.get("child"))


def visit_note_findings(visits: Sequence[Mapping], *, min_children: int = NOTE_MIN_CHILDREN,
                        similarity: int = NOTE_SIMILARITY) -> list[Finding]:
    """Visit notes (the five areas life/study/mind/safety/carer) identical or near-identical across
    `min_children` or more different children **entered by one user** (`visitor`): one
    `copied_visit_notes` finding per such visit. Copy-paste is one person's act; across a county,
    honest formulaic notes of different users coincide by the thousand (measured with
    bench/bench_checks.py: precision 0.40 at a million children when users were pooled).
    See `_note_findings` for the matching."""
    groups: dict[Any, list[Mapping]] = defaultdict(list)
    for v in visits:
        groups[v.get("visitor")].append(v)
    return [f for group in groups.values() for f in _note_findings(group, min_children=min_children, similarity=similarity)]


def _note_findings(visits: Sequence[Mapping], *, min_children: int, similarity: int) -> list[Finding]:
    """One user's visits: notes identical or near-identical across `min_children` children.

    Identical = equal after `normalise_note`, at least NOTE_MIN_CHARS long. Near-identical =
    fuzz.ratio ≥ `similarity` between two distinct normalised notes of at least NOTE_NEAR_MIN_CHARS.
    Near pairs are searched by blocking, not all pairs: distinct notes sharing their first, their
    last, or their middle NOTE_BLOCK_CHARS characters (the middle at three offsets) form a block (a
    template with a changed name or detail at one end shares the other end; with changes at both
    ends, the middle); a block is sorted by length and each note compared with at most the next
    NOTE_WINDOW notes whose length still allows the ratio. Clusters are closed under similarity
    (union-find). O(n) to normalise and group + O(d log d + 5·d·W) ratio calls for d distinct
    notes. A note that differs from every other at both ends and in the middle is not matched
    (recall loss accepted for speed). Same-child repeats are not counted: it takes different children."""
    exact: dict[str, list[int]] = defaultdict(list)
    seen: dict[str, str] = {}  # raw text → normalised (templates repeat: normalise each once)
    for i, v in enumerate(visits):
        raw = "".join(_text(v.get(a)) for a in VISIT_AREAS)
        note = seen.get(raw)
        if note is None:
            note = seen[raw] = _normalise_text(raw)
        if len(note) >= NOTE_MIN_CHARS:
            exact[note].append(i)
    notes = list(exact)
    index = {note: k for k, note in enumerate(notes)}
    uf = _UnionFind(len(notes))
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    half = NOTE_BLOCK_CHARS // 2
    for note in notes:
        if len(note) >= NOTE_NEAR_MIN_CHARS:
            blocks[("p", note[:NOTE_BLOCK_CHARS])].append(note)
            blocks[("s", note[-NOTE_BLOCK_CHARS:])].append(note)
            # the middle, at three offsets: a copy with the child's name put in front AND the
            # date at the end differs at both ends, but its middle stays within a character or
            # two of the original's (bench/bench_checks.py: copied-notes recall 0.949 → see docs)
            mid = len(note) // 2
            for o in (-1, 0, 1):
                blocks[("m", note[mid + o - half:mid + o + half])].append(note)
    # Longest partner length that can still reach the ratio: ratio ≤ 200·short/(short+long).
    stretch = (200 - similarity) / similarity if similarity > 0 else float("inf")
    for block in blocks.values():
        if len(block) < 2:
            continue
        block.sort(key=len)
        for a_pos, a in enumerate(block):
            limit = len(a) * stretch
            for b in block[a_pos + 1:a_pos + 1 + NOTE_WINDOW]:
                if len(b) > limit:
                    break
                if fuzz.ratio(a, b, score_cutoff=similarity):
                    uf.union(index[a], index[b])
    clusters: dict[int, list[int]] = defaultdict(list)
    for k in range(len(notes)):
        clusters[uf.find(k)].append(k)
    out = []
    for members in clusters.values():
        visit_ids = [i for k in members for i in exact[notes[k]]]
        children = {_child_of(visits[i]) for i in visit_ids}
        if len(children) < min_children:
            continue
        how = "相同" if len(members) == 1 else f"相同或高度相似（相似度≥{similarity}%）"
        visit_ids.sort()
        for i in visit_ids:
            v = visits[i]
            field = next((a for a in VISIT_AREAS if _text(v.get(a))), VISIT_AREAS[0])
            out.append(Finding("copied_visit_notes", _child_of(v), field,
                               f"走访记录内容与另外{len(children) - 1}名儿童的{len(visit_ids) - 1}条走访记录{how}",
                               related=_others(visits, visit_ids, i), record_id=v.get("id")))
    return out


# ── fabrication: bursts and bulk backdating ───────────────────────────────────────────────────
BURST_MIN_VISITS = 10
BURST_WINDOW = timedelta(minutes=10)   # inclusive: 10 visits whose created_at span ≤ 10 minutes
BACKDATE_DAYS = 30                     # visit date ≥ 30 days before the day it was entered
BACKDATE_MIN_VISITS = 10               # such visits entered by one user on one day


def visit_burst_findings(visits: Sequence[Mapping], *, min_visits: int = BURST_MIN_VISITS,
                         window: timedelta = BURST_WINDOW, backdate_days: int = BACKDATE_DAYS,
                         backdate_min: int = BACKDATE_MIN_VISITS) -> list[Finding]:
    """Per entering user (`visitor`; visits without one are skipped, they cannot be attributed):
    - `visit_burst`: every visit lying in some window of `window` (inclusive) that holds at least
      `min_visits` of the user's visits by `created_at`; a maximal run of such visits is one burst
      and its visits are listed together;
    - `visit_backdated_bulk`: on one calendar day of `created_at`, at least `backdate_min` visits
      whose `date` is `backdate_days` or more days before that day; each of them is a finding.
    `created_at` must be local time (the day boundary is the user's). O(n log n): a sort per user
    and a two-pointer sweep."""
    by_user: dict[Hashable, list[int]] = defaultdict(list)
    for i, v in enumerate(visits):
        if v.get("visitor") is not None and isinstance(v.get("created_at"), datetime):
            by_user[v["visitor"]].append(i)
    out = []
    for user in by_user:
        idx = sorted(by_user[user], key=lambda i: (visits[i]["created_at"], str(visits[i].get("id"))))
        times = [visits[i]["created_at"] for i in idx]
        marked = [False] * len(idx)
        left = 0
        last = -1  # highest position already marked
        for right in range(len(idx)):
            while times[right] - times[left] > window:
                left += 1
            if right - left + 1 >= min_visits:
                for k in range(max(left, last + 1), right + 1):
                    marked[k] = True
                last = right
        k = 0
        while k < len(idx):
            if not marked[k]:
                k += 1
                continue
            end = k
            while end + 1 < len(idx) and marked[end + 1]:
                end += 1
            run = idx[k:end + 1]
            span = times[end] - times[k]
            minutes = max(1, -(-int(span.total_seconds()) // 60))
            for i in run:
                v = visits[i]
                out.append(Finding("visit_burst", _child_of(v), "created_at",
                                   f"同一录入人在{times[k]:%Y-%m-%d %H:%M}起约{minutes}分钟内连续录入了{len(run)}条走访记录",
                                   related=_others(visits, run, i), record_id=v.get("id")))
            k = end + 1
        by_day: dict[date, list[int]] = defaultdict(list)
        for i in idx:
            v = visits[i]
            entered = v["created_at"].date()
            if isinstance(v.get("date"), date) and (entered - _day(v["date"])).days >= backdate_days:
                by_day[entered].append(i)
        for day, run in sorted(by_day.items()):
            if len(run) < backdate_min:
                continue
            for i in run:
                v = visits[i]
                out.append(Finding("visit_backdated_bulk", _child_of(v), "date",
                                   f"同一录入人于{day.isoformat()}一天内录入了{len(run)}条走访日期在{backdate_days}天以前的记录"
                                   f"（本条走访日期 {_day(v['date']).isoformat()}）",
                                   related=_others(visits, run, i), record_id=v.get("id")))
    return out


def _day(d) -> date:
    return d.date() if isinstance(d, datetime) else d


def visit_date_findings(visits: Iterable[Mapping], registered_on_by_child: Mapping, today: date) -> list[Finding]:
    """`visit_in_future`: visit date after `today`; `visit_before_registration`: visit date before
    the child's registration (`registered_on_by_child[child id]`, a date or datetime, e.g. the
    child's entered_on or created_at; children not in the mapping are not judged). Linear."""
    out = []
    for v in visits:
        d = v.get("date")
        if not isinstance(d, date):
            continue
        d = _day(d)
        child = _child_of(v)
        if d > today:
            out.append(Finding("visit_in_future", child, "date", f"走访日期 {d.isoformat()} 晚于今天", record_id=v.get("id")))
            continue
        reg = registered_on_by_child.get(child)
        if isinstance(reg, date) and d < _day(reg):
            out.append(Finding("visit_before_registration", child, "date",
                               f"走访日期 {d.isoformat()} 早于建档日期 {_day(reg).isoformat()}", record_id=v.get("id")))
    return out


# ── score ────────────────────────────────────────────────────────────────────────────────────
LEVEL_WEIGHTS: Mapping[str, int] = {"error": 10, "warning": 3, "info": 0}  # tenths of an error


def score(counts_by_level: Mapping[str, int], total_records: int) -> int:
    """Quality score 0–100 of a unit (village, school, township) with `total_records` children:

        penalty = (1.0 × errors + 0.3 × warnings + 0 × info) / total_records
        score   = max(0, 100 − ceil(100 × penalty))

    So one error per record on average gives 0; 1 error in 100 records gives 99; any error or
    warning keeps the score below 100 (ceil), info never lowers it. A unit without records scores
    100. Computed in integers (no float rounding). Unknown levels or negative counts: ValueError."""
    if total_records < 0:
        raise ValueError("total_records must be ≥ 0")
    weighted = 0
    for level, n in counts_by_level.items():
        if level not in LEVEL_WEIGHTS:
            raise ValueError(f"unknown level {level!r}")
        if n < 0:
            raise ValueError(f"negative count for {level!r}")
        weighted += LEVEL_WEIGHTS[level] * n
    if total_records == 0:
        return 100
    penalty = -(-100 * weighted // (10 * total_records))  # ceil
    return max(0, 100 - penalty)
