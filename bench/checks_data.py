"""Labelled synthetic children and visits for the data-quality checks, at any size.

    from bench.checks_data import generate, ERRORS
    data = generate(10_000, seed=5)
    data.records        # child dicts keyed as `shouhu.quality.services._records` makes them
    data.visits         # visit dicts as `_group_checks` reads them (created_at naive local time)
    data.pairs          # (village record, school roster record) of pupils on a roster
    data.registered     # child id → entered_on (the registration date `visit_date_findings` reads)
    data.record_errors  # child id → set of injected error types (ERRORS) on that record
    data.visit_errors   # visit id → set of injected error types on that visit
    data.record_traps   # child id → set of trap kinds (TRAPS): must raise nothing
    data.visit_traps    # visit id → set of trap kinds

Pure Python, seeded, no Django, no database. Today is `TODAY` (2026-11-22, a Sunday in the
school year that began on 1 September 2026), the visit window the last 120 days (VISIT_DAYS).

The world. Counties of 400 villages (20 townships of 20 villages), ~125 children a village at
1M, fewer below (at least 20 villages). A township has a primary and a middle school (a fifth of
them one nine-year school instead), a county two senior high schools and one vocational school;
2–4 classes a grade. Households of one to three children (2% of births twins), sharing parents,
address and carer; 3% of households are cousins living with the same grandparent at one address
(different parents, one carer). Parents 22–38 at the birth, away working (外出务工) 60%, at home
32%, dead 3%, imprisoned 1%, seriously ill 1%…; a carer (grandparent or other relative, adult,
with ID, phone and a signed agreement) whenever no parent is at home and for 15% of the others.
Every child is in the stage of its age (grade = age on 1 September − 5, 8% a year behind or ahead:
a trap), a 16–17-year-old in 高中 or 中职. Clean by construction: a clean record raises no
finding at all (tests/rules/test_checks_data.py checks it).

Visits: about `visits_per_child` per child over the window (default 10 up to 100,000 children; 3.3
above, the docs/domain.md, "Scale" rate of ~1 million a year per 100,000 children), by the village's cadre
(80%) or the school's teacher user, entered the same day (60%) or 1–3 days later, at random day
times; notes composed from phrase banks with the child's name, scores, ages (2–5 of the five
areas filled).

Errors, injected at realistic rates (our assumptions; no survey gives them) and correlated:
- a sloppy registrar (5% of villages): half of the village's records get 2–3 blanks at once from
  ID number, parents' names, every phone, the carer's phone/ID, the carer where one is required;
  elsewhere each blank at 0.2–0.4% of records;
- a copied record copies the whole block it copies: `copied_mother` (docs/domain.md, "Data quality": one woman's name,
  ID, birth date and phone put on 3–6 children of other households of the township, 0.4% of
  children) and `copied_family` (father, mother AND carer with their IDs, phones and work
  places copied onto 3–5 children of other villages of the township, 0.3%); every member of a
  group is labelled, the source included (no check can tell the original from the copies);
- a fabricating village (3% of villages): its cadre enters sessions of 10–40 visits for
  different children at 10–50 s intervals, notes copied (identical, or the child's name put in
  front, a phrase changed; a fifth of the near copies also end with the visit date, so they differ
  at both ends), 60% of the sessions backdated 30–90 days; visits falling before the child's
  registration are labelled so as well. Also on their own: copied notes entered at a normal pace
  over days (`copied_notes` only), and a day's catch-up of 10–25 visits 30–100 days old entered
  every 15–40 minutes (`backdated` only);
- single typos: ID check digit, birth date or sex against the ID, phone digits, years in the
  future, a wrong class; logic slips: orphan allowance with a parent alive, a parent recorded dead
  who still has a work place and phone, a stale left-behind flag after both parents came home, a
  15–17-year-old sibling as carer, the away mother or father as carer; a village and school record
  disagreeing on one field (3% of roster pairs); visits dated in the future or before registration.

ERRORS maps each error type to the codes that must catch it (`primary`: recall is measured on
these) and the codes it legitimately also causes (`secondary`: a finding of them on the record is
true, not false, e.g. a child's ID typo also disagrees with the school roster).

Traps (TRAPS; none carries an error and none may raise a finding of a catalogue code): siblings
and twins sharing parents, cousins sharing a carer at one address, a repeater a grade behind,
16–17-year-olds in 高中, roster records with blanks or another spelling (full-width digits, a lower-case
x, spaces), a diligent user entering 30–45 visits over a day, evening batches of 4–7 visits in
minutes, short formulaic notes (一切正常, under NOTE_MIN_CHARS), a child's own note repeated on its
own visits, single late entries (30–45 days old, a few a day).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from bench.dedupe_data import _Gen
from shouhu.rules.categories import age_on
from shouhu.rules.idcard import make_id

__all__ = ["ERRORS", "TRAPS", "TODAY", "NOW", "VISIT_DAYS", "Dataset", "ErrorType", "generate", "school_year_start"]

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 21, 0)
VISIT_DAYS = 120
SEPT1 = date(2026, 9, 1)


class ErrorType(NamedTuple):
    kind: str                    # completeness / validity / logic / cross_line / fabrication
    subject: str                 # "child" (labels on records) or "visit" (labels on visits)
    primary: tuple[str, ...]     # the check codes that must catch it (recall)
    secondary: tuple[str, ...]   # codes it also causes, legitimately (their findings are true)
    what: str


_X = ("cross_line_mismatch",)
ERRORS: dict[str, ErrorType] = {
    # completeness
    "missing_id": ErrorType("completeness", "child", ("missing_id",), (), "ID number blank, hukou registered"),
    "missing_parent_name": ErrorType("completeness", "child", ("missing_parent_name",), (), "father's and/or mother's name blank"),
    "missing_carer": ErrorType("completeness", "child", ("missing_carer",),
                               ("guardianship_rating_inconsistent", "no_phone"), "no carer although no parent is at home"),
    "missing_carer_details": ErrorType("completeness", "child", ("missing_carer_phone", "missing_carer_id"), (),
                                       "carer's phone and/or ID blank"),
    "no_phone": ErrorType("completeness", "child", ("no_phone",), ("missing_carer_phone",), "no phone at all (parents, carer, contacts)"),
    # validity
    "id_checksum": ErrorType("validity", "child", ("id_checksum",), _X, "a digit of the child's, a parent's or the carer's ID mistyped"),
    "birth_vs_id": ErrorType("validity", "child", ("id_birth_mismatch",), _X, "birth date a few days off the ID's"),
    "sex_vs_id": ErrorType("validity", "child", ("id_sex_mismatch",), _X, "sex against the ID's sequence digit"),
    "bad_phone": ErrorType("validity", "child", ("phone_invalid",), (), "a phone with a digit dropped or doubled"),
    "future_date": ErrorType("validity", "child", ("date_in_future",), (), "report, agreement or departure date in the future"),
    "grade_age": ErrorType("validity", "child", ("grade_age",), _X, "primary pupil in a class 3+ grades off the age"),
    # logic
    "orphan_parent_alive": ErrorType("logic", "child", ("orphan_with_parent_alive",), ("de_facto_benefit_mismatch",),
                                     "orphan flag/allowance with a parent alive"),
    "away_parent_dead": ErrorType("logic", "child", ("dead_parent_away_fields",), (), "parent recorded dead, still with work place and phone"),
    "left_behind_parents_home": ErrorType("logic", "child", ("left_behind_parents_home",), (), "left-behind flag, both parents at home"),
    "carer_minor": ErrorType("logic", "child", ("carer_minor",), _X, "a 15–17-year-old sibling as carer"),
    "carer_absent_parent": ErrorType("logic", "child", ("carer_is_absent_parent",), (*_X, "missing_carer_id"),
                                     "the away father or mother as carer"),
    # cross-line
    "cross_line": ErrorType("cross_line", "child", ("cross_line_mismatch",), (), "village and school record differ on one field"),
    # fabrication: records
    "copied_mother": ErrorType("fabrication", "child", ("shared_parent_details",), _X, "one mother's details on other households' children"),
    "copied_family": ErrorType("fabrication", "child", ("shared_parent_details", "shared_carer_details"), _X,
                               "both parents and the carer copied onto other villages' children"),
    # fabrication: visits
    "copied_notes": ErrorType("fabrication", "visit", ("copied_visit_notes",), (), "identical or near-identical notes on ≥3 children"),
    "visit_burst": ErrorType("fabrication", "visit", ("visit_burst",), (), "≥10 visits entered within 10 minutes by one user"),
    "backdated": ErrorType("fabrication", "visit", ("visit_backdated_bulk",), (), "≥10 visits 30+ days old entered on one day"),
    "visit_before_registration": ErrorType("fabrication", "visit", ("visit_before_registration",), (), "visit dated before registration"),
    "visit_in_future": ErrorType("validity", "visit", ("visit_in_future",), (), "visit dated after today"),
}

TRAPS = {
    "siblings": "children of one household (same parents, address, carer)",
    "twins": "twins (same birth date and parents)",
    "cousins": "two households at one address with one grandparent as carer",
    "repeater": "a pupil one grade behind or ahead of the age",
    "high_school_16_17": "a 16–17-year-old in 高中 or 中职",
    "roster_spelling": "a roster record with blanks, full-width digits, a lower-case x or spaces",
    "diligent_user": "30–45 visits entered over one day, 12–25 minutes apart",
    "evening_batch": "4–7 visits entered within minutes in the evening",
    "formulaic_short": "a short formulaic note (一切正常) shared by many children",
    "own_repeat": "a child's own note repeated on its own visits",
    "late_entry": "a single visit entered 30–45 days late",
}

# Rates (fractions of records, villages or visits): assumptions, documented in the module docstring.
SLOPPY_VILLAGES = 0.05
SLOPPY_RECORDS = 0.5
BLANK_RATE = {"missing_id": 0.003, "missing_parent_name": 0.004, "missing_carer": 0.002, "missing_carer_details": 0.004,
              "no_phone": 0.002}
TYPO_RATE = {"id_checksum": 0.008, "birth_vs_id": 0.005, "sex_vs_id": 0.003, "bad_phone": 0.01, "future_date": 0.003,
             "grade_age": 0.004, "orphan_parent_alive": 0.002, "away_parent_dead": 0.003, "left_behind_parents_home": 0.002,
             "carer_minor": 0.002, "carer_absent_parent": 0.004}
COPIED_MOTHER_RATE = 0.004
COPIED_FAMILY_RATE = 0.003
CROSS_LINE_RATE = 0.03
ROSTER_COVERAGE = 0.9
FABRICATING_VILLAGES = 0.03
DILIGENT_VILLAGES = 0.02
BATCH_VILLAGES = 0.10

PROVINCES = ("广东", "浙江", "江苏", "上海", "福建", "北京", "湖北", "湖南", "四川", "重庆")
CITIES = ("东莞", "深圳", "宁波", "苏州", "厦门", "武汉", "长沙", "成都", "温州", "佛山")
GRANDPARENT = (("祖父", "男"), ("祖母", "女"), ("外祖父", "男"), ("外祖母", "女"))


def school_year_start(today: date) -> date:
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


@dataclass
class Dataset:
    records: list[dict]
    visits: list[dict]
    pairs: list[tuple[dict, dict]]
    registered: dict[int, date]
    record_errors: dict[int, set[str]] = field(default_factory=dict)
    visit_errors: dict[int, set[str]] = field(default_factory=dict)
    record_traps: dict[int, set[str]] = field(default_factory=dict)
    visit_traps: dict[int, set[str]] = field(default_factory=dict)
    today: date = TODAY
    stats: dict[str, int] = field(default_factory=dict)


# ── notes ──────────────────────────────────────────────────────────────────────────────────────
EAT = ("一日三餐按时", "饮食正常", "早餐常在学校吃", "最近胃口不太好", "午饭在学校食堂吃", "晚饭由{rel}做", "爱吃面食，挑食",
       "体重比上次增加了", "个子长高了不少", "牙齿有蛀牙，已提醒看牙医")
CLOTH = ("衣着干净", "冬衣已备齐", "鞋子有些破旧，已联系更换", "被褥够用", "个人卫生需加强", "头发剪短了", "书包是新买的",
         "校服已发放", "手上有冻疮，送了护手霜", "穿得偏少，已提醒添衣")
BODY = ("身高{n}厘米", "这周感冒刚好", "体重{n}斤", "视力有所下降", "睡眠不错", "最近长了湿疹，已买药", "摔了一跤膝盖擦伤，已愈合",
        "按时打了疫苗", "长了{n}颗新牙", "精神头很足")
STUDY2 = ("准备参加学校运动会", "借了图书室的{n}本书", "想学骑自行车", "英语单词听写全对", "数学作业有{n}道错题已订正",
          "书法课得了小红花", "期末想进前十名", "和同桌一起复习", "在学吹竖笛", "报名了课后服务")
MIND2 = ("聊天时笑得很多", "问起了过年的安排", "说想要一个篮球", "提到同桌是好朋友", "讲了学校里的趣事", "有点想家",
         "对养的小兔子很上心", "说周末帮奶奶喂鸡", "不太愿意谈爸爸", "说长大要去看海")
SUBJ = ("语文", "数学", "英语", "科学")
STUDY = ("作业能按时完成", "上课注意力不集中", "老师反映进步明显", "字写得工整了", "背书较吃力", "喜欢看课外书", "在班里当小组长",
         "周末参加了学校托管", "数学应用题需要辅导", "作文得了表扬")
MIND = ("性格开朗", "比较内向，话不多", "想念在{place}打工的妈妈", "和同学相处融洽", "最近和奶奶闹了别扭", "说长大想当医生",
        "每周和爸爸视频{k}次", "见人会主动打招呼", "有点沉迷手机游戏", "情绪稳定", "对走访人员比较信任", "上次被同学欺负的事已解决")
SAFETY = ("家中电线老化，已提醒请电工检查", "离水塘较近，已叮嘱不要独自去玩", "煤炉取暖，已讲一氧化碳防范", "上学路上有一段国道，已提醒走人行道",
          "门锁损坏，已报村委维修", "家中无明显安全隐患", "讲了防溺水知识", "冬季用电安全已讲解", "屋顶漏雨，已申请危房改造",
          "家里养了狗，已提醒打疫苗")
CARER = ("{rel}{age}岁，身体尚可", "{rel}{age}岁，有高血压，按时吃药", "{rel}{age}岁，腿脚不便", "{rel}{age}岁，种了两亩地，比较忙",
         "{rel}能辅导简单作业", "{rel}不识字，作业由老师跟进", "{rel}照顾三个孙辈，压力较大", "{rel}{age}岁，精神好")
FORMULAIC = ("一切正常", "情况良好", "正常", "无异常", "生活正常", "良好")   # under NOTE_MIN_CHARS once normalised
TEMPLATES = (
    "该生本月在家由祖父母照顾，生活规律，饮食正常；学习上按时完成作业，成绩中等；性格开朗，与同学相处融洽；家中无安全隐患。",
    "经入户走访，儿童身体健康，衣着整洁，学习态度端正，心理状态良好，监护人能够履行监护职责，家庭环境安全，无异常情况。",
    "走访了解到孩子生活起居正常，按时上学，在校表现良好，情绪稳定，与父母保持每周联系，照护人照顾到位，未发现安全隐患。",
    "儿童目前生活有保障，一日三餐正常，学习成绩稳定，性格活泼，家中用电用火安全，照护人身体健康，能够照顾好孩子的生活。",
)
SWAPS = (("成绩中等", "成绩良好"), ("良好", "较好"), ("稳定", "平稳"), ("健康", "良好"), ("正常", "规律"))


class _W(_Gen):
    """Names, phones and unique IDs (bench.dedupe_data's) plus this module's pieces."""

    def id_at(self, code: str, birth: date, sex: str) -> str:
        return self.id_for(code, birth, sex)

    def date_between(self, a: date, b: date) -> date:
        return a + timedelta(days=self.r.randint(0, max(0, (b - a).days)))


def _stage(age: int, r: random.Random) -> str:
    if age <= 2:
        return "未入园"
    if age <= 5:
        return "幼儿园"
    if age <= 11:
        return "小学"
    if age <= 14:
        return "初中"
    return "高中" if r.random() < 0.8 else "中职"


def _pick(r: random.Random, items: list, rate: float, at_least: int) -> list:
    """`rate` of the items, at least `at_least` (so that a small sheet still has a few)."""
    return r.sample(items, min(len(items), max(at_least, round(rate * len(items)))))


def generate(n: int, seed: int = 5, *, visits_per_child: float | None = None) -> Dataset:
    """About `n` child records and their visits of the last VISIT_DAYS, with labels."""
    g = _W(seed)
    r = g.r
    vpc = visits_per_child if visits_per_child is not None else (10.0 if n <= 100_000 else 3.3)

    # ── places ────────────────────────────────────────────────────────────────────────────────
    n_villages = max(20, round(n / 125))
    n_townships = max(1, -(-n_villages // 20))
    n_counties = max(1, -(-n_townships // 20))
    villages: list[tuple[int, str, str]] = []          # (village id, village code, township code)
    township_schools: dict[str, dict[str, int]] = {}   # township → {"小学": school, "初中": school}
    county_schools: dict[str, dict[str, list[int]]] = {}
    school_stage: dict[int, str] = {}
    classes: dict[tuple[int, int], list[int]] = {}     # (school, grade) → class ids
    class_school: dict[int, int] = {}
    school_user: dict[int, int] = {}
    next_school = next_class = 1
    next_user = 1

    def new_school(stage: str, grades) -> int:
        nonlocal next_school, next_class, next_user
        s = next_school
        next_school += 1
        school_stage[s] = stage
        school_user[s] = next_user
        next_user += 1
        for gr in grades:
            for _ in range(r.randint(2, 4)):
                classes.setdefault((s, gr), []).append(next_class)
                class_school[next_class] = s
                next_class += 1
        return s

    for c in range(n_counties):
        county = f"42{10 + c // 20:02d}{c % 20 + 1:02d}"
        county_schools[county] = {"高中": [new_school("高中", range(10, 13)) for _ in range(2)],
                                  "中职": [new_school("中职", range(10, 13))]}
    for t in range(n_townships):
        county = f"42{10 + (t // 20) // 20:02d}{(t // 20) % 20 + 1:02d}"
        tcode = f"{county}{100 + t % 20:03d}"
        if r.random() < 0.2:
            s = new_school("九年一贯制", range(1, 10))
            township_schools[tcode] = {"小学": s, "初中": s}
        else:
            township_schools[tcode] = {"小学": new_school("小学", range(1, 7)), "初中": new_school("初中", range(7, 10))}
        for v in range(20):
            if len(villages) < n_villages:
                villages.append((len(villages) + 1, f"{tcode}{200 + v:03d}", tcode))
    village_user = {vid: next_user + i for i, (vid, _, _) in enumerate(villages)}

    # ── households and children ───────────────────────────────────────────────────────────────
    records: list[dict] = []
    family_of: list[int] = []
    record_traps: dict[int, set[str]] = {}
    sept1 = SEPT1

    def trap(cid: int, kind: str) -> None:
        record_traps.setdefault(cid, set()).add(kind)

    def parent_block(p: str, surname: str, child_birth: date, county: str, situation: str) -> dict:
        sex = "男" if p == "father" else "女"
        pbirth = child_birth - timedelta(days=int(365.25 * r.uniform(22.2, 37.8)))
        has_id = r.random() < 0.7
        b = {f"{p}_name": g.adult(surname, sex), f"{p}_birth_date": pbirth if has_id and r.random() < 0.6 else None,
             f"{p}_id_number": g.id_at(r.choice((county, county, "421023")), pbirth, sex) if has_id else "",
             f"{p}_situation": situation, f"{p}_work_province": "", f"{p}_work_city": "", f"{p}_since": None, f"{p}_phone": ""}
        if situation == "外出务工":
            k = r.randrange(len(PROVINCES))
            b.update({f"{p}_work_province": PROVINCES[k], f"{p}_work_city": CITIES[k] if r.random() < 0.8 else "",
                      f"{p}_since": g.date_between(date(2016, 1, 1), TODAY - timedelta(days=20))})
        elif situation in ("服刑在押", "重病") and r.random() < 0.7:
            b[f"{p}_since"] = g.date_between(date(2018, 1, 1), TODAY - timedelta(days=20))
        if situation in ("外出务工", "在家", "服刑在押", "重病"):
            b[f"{p}_phone"] = g.phone() if r.random() < 0.9 else ""
        return b

    def carer_block(surname: str, county: str, names: set[str], forbid_ids: set[str]) -> dict:
        rel, sex = r.choice(GRANDPARENT) if r.random() < 0.85 else (r.choice(("其他亲属", "朋友邻居")), r.choice("男女"))
        cbirth = TODAY - timedelta(days=int(365.25 * r.uniform(45, 76)))
        name = g.adult(surname, sex)
        while name in names:
            name = g.adult(surname, sex)
        return {"carer_name": name, "carer_id_number": g.id_at(county, cbirth, sex), "carer_phone": g.phone(),
                "carer_relation": rel, "carer_address": "", "carer_health": "健康", "carer_barred": False}

    SITUATIONS = ("外出务工", "在家", "死亡", "服刑在押", "重病")
    SIT_W = (60, 32, 3, 1, 1)
    next_id = 1
    fam = 0
    cousins_pending: dict | None = None
    while next_id <= n:
        fam += 1
        vid, vcode, tcode = r.choice(villages)
        county = vcode[:6]
        fsur, msur = g.surname(), g.surname()
        kids = r.choices((1, 2, 3), (50, 35, 15))[0]
        age0 = r.uniform(0.3, 17.9)
        oldest_birth = TODAY - timedelta(days=int(365.25 * age0))
        fsit, msit = r.choices(SITUATIONS, SIT_W)[0], r.choices(SITUATIONS, SIT_W)[0]
        if fsit == msit == "死亡" and r.random() < 0.5:
            msit = "外出务工"
        parents = {**parent_block("father", fsur, oldest_birth, county, fsit),
                   **parent_block("mother", msur, oldest_birth, county, msit)}
        reachable = [p for p in ("father", "mother") if parents[f"{p}_situation"] in ("外出务工", "在家")]
        if reachable and not any(parents[f"{p}_phone"] for p in ("father", "mother")):
            parents[f"{reachable[0]}_phone"] = g.phone()
        at_home = "在家" in (fsit, msit)
        address = f"{r.randint(1, 12)}组{r.randint(1, 80)}号"
        cousin = False
        if cousins_pending is not None and cousins_pending["village"] == vid and not at_home:
            carer, address, cousin = cousins_pending["carer"], cousins_pending["address"], True
            cousins_pending = None
        elif not at_home or r.random() < 0.15:
            carer = carer_block(fsur if r.random() < 0.6 else msur, county, {parents["father_name"], parents["mother_name"]}, set())
            if not at_home and r.random() < 0.06:   # the grandparent also cares for a cousin next door: same address
                cousins_pending = {"village": vid, "carer": carer, "address": address}
        else:
            carer = {"carer_name": "", "carer_id_number": "", "carer_phone": "", "carer_relation": "", "carer_address": "",
                     "carer_health": "", "carer_barred": False}
        if carer["carer_name"] in (parents["father_name"], parents["mother_name"]):
            carer = dict(carer, carer_name=carer["carer_name"] + "英")
        both_dead = fsit == msit == "死亡"
        births: list[date] = []
        age = age0
        for k in range(kids):
            if k:
                if r.random() < 0.04:   # twins
                    births.append(births[-1])
                    continue
                age -= r.uniform(1.2, 5)
                if age < 0.1:
                    break
            births.append(TODAY - timedelta(days=int(365.25 * age)))
        for birth in births:
            if next_id > n:
                break
            if age_on(birth, TODAY) >= 18:
                birth = TODAY - timedelta(days=int(365.25 * 17.5))
            sex = r.choice("男女")
            cid = next_id
            next_id += 1
            age_s = age_on(birth, sept1)
            stage = _stage(age_s, r) if age_s >= 0 else "未入园"
            school = klass = grade = None
            if stage in ("小学", "初中"):
                school = township_schools[tcode][stage]
            elif stage in ("高中", "中职"):
                school = r.choice(county_schools[county][stage])
            if school is not None:
                grade = age_s - 5
                if stage in ("小学", "初中") and r.random() < 0.08:
                    lo, hi = (1, 6) if stage == "小学" else (7, 9)
                    shifted = grade + r.choice((-1, 1))
                    if lo <= shifted <= hi:
                        grade = shifted
                        trap(cid, "repeater")
                grade = min(max(grade, 10 if stage in ("高中", "中职") else 1), 12 if stage in ("高中", "中职") else 9)
                klass = r.choice(classes[(school, grade)])
                if stage in ("高中", "中职") and age_s >= 16:
                    trap(cid, "high_school_16_17")
            entered = g.date_between(max(birth, date(2017, 1, 1)), TODAY - timedelta(days=VISIT_DAYS + 1)) \
                if r.random() < 0.95 and birth < TODAY - timedelta(days=VISIT_DAYS + 2) else \
                g.date_between(max(birth, TODAY - timedelta(days=VISIT_DAYS)), TODAY - timedelta(days=2))
            health = r.choices(("健康", "残疾", "患病"), (92, 5, 3))[0]
            benefits = []
            if both_dead:
                benefits.append("孤儿基本生活费")
            if r.random() < 0.15:
                benefits.append("低保")
            if school and r.random() < 0.2:
                benefits.append("教育资助")
            guardianship = r.choice(("监护情况一般", "监护情况较好", "监护情况较好", "受委托监护人监护能力不足")) \
                if (carer["carer_name"] or at_home) else "监护情况一般"
            rec = {
                "id": cid, "uid": f"u{cid:08d}", "archive_no": f"A{cid:08d}" if r.random() < 0.9 else None,
                "name": (fsur if r.random() < 0.95 else msur) + g.given(sex), "sex": sex, "ethnicity": "汉族",
                "birth_date": birth, "id_number": g.id_at(county, birth, sex), "hukou_registered": True,
                "hukou_place": county, "village": vid, "village_code": vcode, "township_code": tcode,
                "address_detail": address, "health": health,
                "disability": "肢体二级" if health == "残疾" else "", "illness": "哮喘" if health == "患病" else "",
                "serious_illness": False, "schooling": stage, "school": school, "school_class": klass, "boarding": False,
                **parents, "grandparents": [], **carer,
                "agreement_date": g.date_between(max(birth, entered - timedelta(days=400)), entered) if carer["carer_name"] else None,
                "guardianship": guardianship, "living_alone": False, "abused_or_abandoned": False,
                "income_sources": ["打工"] if "外出务工" in (fsit, msit) else ["种养殖"], "benefits": benefits,
                "poor_household": False,
                "emergency_contacts": [{"name": carer["carer_name"], "relation": carer["carer_relation"],
                                        "phone": carer["carer_phone"]}] if carer["carer_name"] and r.random() < 0.5 else [],
                "reporter": "村儿童主任", "reported_on": g.date_between(entered, TODAY),
                "is_left_behind": fsit == msit == "外出务工", "left_behind_kind": "双亲留守" if fsit == msit == "外出务工" else "",
                "is_orphan": both_dead, "is_de_facto": False, "is_difficulty": False, "difficulty_kinds": [],
                "flag_parents_imprisoned": False, "flag_unguarded": False, "flag_poor_guardianship": False,
                "status": "active", "entered_on": entered, "exited_on": None, "exit_reason": "", "merged_into": None,
                "created_at": datetime.combine(entered, datetime.min.time()) + timedelta(hours=9),
                "updated_at": None, "created_by": village_user[vid],
                "grade": grade, "school_stage": school_stage.get(school) if school else None,
                "class_school": class_school.get(klass) if klass else None,
            }
            records.append(rec)
            family_of.append(fam)
            if len(births) > 1:
                trap(cid, "siblings")
                if births.count(birth) > 1:
                    trap(cid, "twins")
            if cousin:
                trap(cid, "cousins")
    n = len(records)

    # ── school rosters (before any error: the school's own source) ────────────────────────────
    pairs: list[tuple[dict, dict]] = []
    roster_of: dict[int, dict] = {}
    for rec in records:
        if rec["school"] and rec["schooling"] in ("小学", "初中", "高中", "中职") and r.random() < ROSTER_COVERAGE:
            e = {k: rec[k] for k in ("name", "sex", "birth_date", "id_number", "father_name", "mother_name", "carer_name",
                                     "schooling", "school", "school_class")}
            e["id"] = 10_000_000 + rec["id"]
            if r.random() < 0.5:                     # rosters often lack the parents and the carer
                e["father_name"] = e["mother_name"] = e["carer_name"] = ""
            if r.random() < 0.05:
                trap(rec["id"], "roster_spelling")
                e["id_number"] = e["id_number"].lower()
                e["name"] = e["name"][0] + " " + e["name"][1:]
                e["id_number"] = "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() and i < 3 else ch for i, ch in enumerate(e["id_number"]))
            roster_of[rec["id"]] = e
            pairs.append((rec, e))

    errors: dict[int, set[str]] = {}
    touched: dict[int, set[str]] = {}

    def claim(rec: dict, kind: str, fields: set[str]) -> bool:
        t = touched.setdefault(rec["id"], set())
        if t & fields:
            return False
        t.update(fields)
        errors.setdefault(rec["id"], set()).add(kind)
        return True

    # ── copied parents (fabrication): groups in one township, different households ────────────
    by_township: dict[str, list[int]] = {}
    for i, rec in enumerate(records):
        by_township.setdefault(rec["township_code"], []).append(i)
    townships = list(by_township)
    household: dict[int, list[int]] = {}
    for i, f in enumerate(family_of):
        household.setdefault(f, []).append(i)
    PARENT_KEYS = [f"{p}_{f}" for p in ("father", "mother") for f in ("name", "birth_date", "id_number", "phone")]
    AWAY_KEYS = [f"{p}_{f}" for p in ("father", "mother") for f in ("work_province", "work_city", "since")]
    CARER_KEYS = ("carer_name", "carer_id_number", "carer_phone", "carer_relation")
    for kind, rate, size in (("copied_mother", COPIED_MOTHER_RATE, (3, 6)), ("copied_family", COPIED_FAMILY_RATE, (3, 5))):
        budget, tries = int(n * rate), 0
        while budget >= 3 and tries < 20_000:
            tries += 1
            pool = by_township[r.choice(townships)]
            src = records[r.choice(pool)]
            if src["id"] in touched or src["mother_situation"] != "外出务工" or (kind == "copied_family" and not (
                    src["father_situation"] == "外出务工" and src["carer_name"])):
                continue
            want = r.randint(*size) - 1
            cands = [records[i] for i in r.sample(pool, min(len(pool), 60))]
            members = []
            for c in cands:
                if len(members) == want:
                    break
                if c["id"] in touched or family_of[c["id"] - 1] == family_of[src["id"] - 1] or c in members:
                    continue
                if abs((c["birth_date"] - src["birth_date"]).days) > 5 * 365 or c["mother_situation"] != "外出务工":
                    continue
                if kind == "copied_family" and (c["village"] == src["village"] or c["father_situation"] != "外出务工"
                                                or not c["carer_name"]):
                    continue
                if c["carer_name"] in (src["mother_name"], src["father_name"]):
                    continue
                members.append(c)
            if len(members) < 2:
                continue
            keys = ["mother_name", "mother_birth_date", "mother_id_number", "mother_phone"]
            if kind == "copied_family":
                keys = PARENT_KEYS + AWAY_KEYS + list(CARER_KEYS)
            elif not src["mother_id_number"] and not src["mother_phone"]:
                continue
            fields = set(keys) | {"father_situation", "mother_situation"}
            if not claim(src, kind, fields):
                continue
            for i in household[family_of[src["id"] - 1]]:   # the source's siblings carry the same details
                if records[i] is not src:
                    touched.setdefault(records[i]["id"], set()).update(fields)
                    errors.setdefault(records[i]["id"], set()).add(kind)
            for c in members:
                claim(c, kind, fields)
                for k in keys:
                    c[k] = src[k]
                if kind == "copied_mother" and r.random() < 0.5 and src["mother_id_number"]:
                    c["mother_phone"] = g.phone()            # the phone "corrected", the ID kept
                if c["agreement_date"] and c["agreement_date"] < c["birth_date"]:
                    c["agreement_date"] = c["birth_date"]
            budget -= len(members) + 1

    # ── injectors (each claims the fields it changes or relies on; a refusal leaves no label) ──
    def blank_id(rec):
        if rec["id_number"] and claim(rec, "missing_id", {"id_number", "birth_date", "sex"}):
            rec["id_number"] = ""

    def blank_parent_name(rec):
        which = r.choice((("father",), ("mother",), ("father", "mother")))
        if claim(rec, "missing_parent_name", {f"{p}_name" for p in which} | {"carer_name"}):
            for p in which:
                rec[f"{p}_name"] = ""

    def blank_carer(rec):
        if "在家" in (rec["father_situation"], rec["mother_situation"]) or not rec["carer_name"]:
            return
        if claim(rec, "missing_carer", {*CARER_KEYS, "agreement_date", "emergency_contacts", "father_situation",
                                        "mother_situation", "father_name", "mother_name", "father_phone", "mother_phone"}):
            rec.update(carer_name="", carer_id_number="", carer_phone="", carer_relation="", agreement_date=None,
                       emergency_contacts=[])

    def blank_carer_details(rec):
        if not rec["carer_name"]:
            return
        which = r.choice((("carer_phone",), ("carer_id_number",), ("carer_phone", "carer_id_number")))
        if claim(rec, "missing_carer_details", {*which, "carer_name"}):
            for f in which:
                rec[f] = ""

    def blank_phones(rec):
        if claim(rec, "no_phone", {"father_phone", "mother_phone", "carer_phone", "emergency_contacts", "carer_name"}):
            rec.update(father_phone="", mother_phone="", carer_phone="", emergency_contacts=[])

    def typo_id(rec):
        whose = r.choices(("", "father_", "mother_", "carer_"), (60, 15, 15, 10))[0]
        f = f"{whose}id_number"
        if not rec[f] or not claim(rec, "id_checksum", {f}):
            return
        s = rec[f]
        pos = r.choice((14, 15, 16))
        digit = str((int(s[pos]) + r.randint(1, 9)) % 10)
        rec[f] = s[:pos] + digit + s[pos + 1:]

    def typo_birth(rec):
        b = rec["birth_date"]
        if not rec["id_number"]:
            return
        for _ in range(10):
            d = b + timedelta(days=r.choice((-3, -2, -1, 1, 2, 3)))
            if age_on(d, sept1) == age_on(b, sept1) and age_on(d, TODAY) == age_on(b, TODAY) and d < TODAY and \
                    all(rec[f] is None or rec[f] >= d for f in ("agreement_date", "reported_on")):
                break
        else:
            return
        if claim(rec, "birth_vs_id", {"birth_date", "id_number"}):
            rec["birth_date"] = d

    def typo_sex(rec):
        if rec["id_number"] and claim(rec, "sex_vs_id", {"sex", "id_number"}):
            rec["sex"] = "女" if rec["sex"] == "男" else "男"

    def typo_phone(rec):
        fs = [f for f in ("father_phone", "mother_phone", "carer_phone") if rec[f]]
        if not fs:
            return
        f = r.choice(fs)
        if claim(rec, "bad_phone", {f, "emergency_contacts" if f == "carer_phone" else f}):
            s = rec[f]
            rec[f] = s[:-1] if r.random() < 0.5 else s + s[-1]
            if f == "carer_phone":
                rec["emergency_contacts"] = []

    def typo_future(rec):
        opts = ["reported_on"] + (["agreement_date"] if rec["agreement_date"] else []) + \
            [f"{p}_since" for p in ("father", "mother") if rec[f"{p}_situation"] == "外出务工"]
        f = r.choice(opts)
        if claim(rec, "future_date", {f}):
            d = rec[f] or TODAY
            rec[f] = date(TODAY.year + 1, d.month, min(d.day, 28)) if r.random() < 0.6 else TODAY + timedelta(days=r.randint(1, 40))

    def wrong_class(rec):
        if rec["schooling"] != "小学" or rec["grade"] is None:
            return
        age = age_on(rec["birth_date"], sept1)
        far = [gr for gr in range(1, 7) if abs(gr + 5 - age) >= 3]
        if far and claim(rec, "grade_age", {"school_class", "grade", "birth_date", "class_school"}):
            gr = r.choice(far)
            rec["grade"], rec["school_class"] = gr, r.choice(classes[(rec["school"], gr)])
            rec["class_school"] = rec["school"]

    def fake_orphan(rec):
        if claim(rec, "orphan_parent_alive", {"benefits", "is_orphan", "father_situation", "mother_situation"}):
            if r.random() < 0.5:
                rec["is_orphan"] = True
            else:
                rec["benefits"] = [*rec["benefits"], "孤儿基本生活费"]

    def dead_but_away(rec):
        ps = [p for p in ("father", "mother") if rec[f"{p}_situation"] == "外出务工"]
        if not ps:
            return
        p = r.choice(ps)
        other = "mother" if p == "father" else "father"
        fields = {f"{p}_situation", f"{p}_work_province", f"{p}_since", f"{p}_phone", f"{p}_name", "carer_name",
                  "is_left_behind", "benefits", "is_orphan", f"{other}_situation", "carer_relation"}
        if claim(rec, "away_parent_dead", fields):
            rec[f"{p}_situation"] = "死亡"

    def stale_left_behind(rec):
        """Both parents came home; the situations were updated, the left-behind flag was not."""
        if rec["father_situation"] == rec["mother_situation"] == "外出务工" and rec["is_left_behind"] and \
                claim(rec, "left_behind_parents_home", {"is_left_behind", "father_situation", "mother_situation", *AWAY_KEYS,
                                                        "carer_name", "carer_relation", "guardianship"}):
            for p in ("father", "mother"):
                rec.update({f"{p}_situation": "在家", f"{p}_work_province": "", f"{p}_work_city": "", f"{p}_since": None})

    def minor_carer(rec):
        if not rec["carer_name"]:
            return
        if claim(rec, "carer_minor", {*CARER_KEYS, "agreement_date", "emergency_contacts"}):
            sex = r.choice("男女")
            cbirth = TODAY - timedelta(days=int(365.25 * r.uniform(15.1, 17.9)))
            rec.update(carer_name=g.adult(rec["name"][0], sex) + "娃", carer_relation="兄姐",
                       carer_id_number=g.id_at(rec["village_code"][:6], cbirth, sex), emergency_contacts=[])

    def parent_as_carer(rec):
        ps = [p for p in ("father", "mother") if rec[f"{p}_situation"] == "外出务工" and rec[f"{p}_name"]]
        if not ps or not rec["carer_name"]:
            return
        p = r.choice(ps)
        if claim(rec, "carer_absent_parent", {*CARER_KEYS, f"{p}_name", f"{p}_situation", f"{p}_id_number", f"{p}_phone",
                                              "emergency_contacts"}):
            rec.update(carer_name=rec[f"{p}_name"], carer_relation="父亲" if p == "father" else "母亲",
                       carer_id_number=rec[f"{p}_id_number"], carer_phone=rec[f"{p}_phone"] or rec["carer_phone"],
                       emergency_contacts=[])

    BLANKS = {"missing_id": blank_id, "missing_parent_name": blank_parent_name, "missing_carer": blank_carer,
              "missing_carer_details": blank_carer_details, "no_phone": blank_phones}
    TYPOS = {"id_checksum": typo_id, "birth_vs_id": typo_birth, "sex_vs_id": typo_sex, "bad_phone": typo_phone,
             "future_date": typo_future, "grade_age": wrong_class, "orphan_parent_alive": fake_orphan,
             "away_parent_dead": dead_but_away, "left_behind_parents_home": stale_left_behind, "carer_minor": minor_carer,
             "carer_absent_parent": parent_as_carer}
    sloppy = set(_pick(r, [vid for vid, _, _ in villages], SLOPPY_VILLAGES, 2))
    blank_kinds = list(BLANKS)
    for rec in records:
        if rec["village"] in sloppy and r.random() < SLOPPY_RECORDS:
            for kind in r.sample(blank_kinds, r.randint(2, 3)):
                BLANKS[kind](rec)
        for kind, rate in BLANK_RATE.items():
            if r.random() < rate:
                BLANKS[kind](rec)
        for kind, rate in TYPO_RATE.items():
            if r.random() < rate:
                TYPOS[kind](rec)
    # cross-line: the school's record differs on one field
    for rec, e in pairs:
        if r.random() >= CROSS_LINE_RATE:
            continue
        f = r.choice([f for f in ("name", "birth_date", "id_number", "father_name", "mother_name", "carer_name", "school_class")
                      if e.get(f) and rec.get(f)] or ["name"])
        if not claim(rec, "cross_line", {f"roster:{f}"}):
            continue
        record_traps.get(rec["id"], set()).discard("roster_spelling")
        v = e[f]
        if f == "name":
            e[f] = v[:-1] + ("晶" if v[-1] != "晶" else "金")
        elif f in ("father_name", "mother_name", "carer_name"):
            e[f] = v[:-1] + ("华" if v[-1] != "华" else "芳")
        elif f == "birth_date":
            e[f] = v + timedelta(days=r.choice((-31, -1, 1, 31)))
        elif f == "id_number":
            e[f] = make_id(rec["id_number"][:6], rec["birth_date"], (int(rec["id_number"][14:17]) + 2) % 1000)
        else:
            e[f] = next((c for c in classes[(rec["school"], rec["grade"])] if c != v), v + 100_000)
    for cid_ in list(record_traps):
        if not record_traps[cid_]:
            del record_traps[cid_]

    # ── visits ────────────────────────────────────────────────────────────────────────────────
    visits: list[dict] = []
    visit_errors: dict[int, set[str]] = {}
    visit_traps: dict[int, set[str]] = {}
    start = TODAY - timedelta(days=VISIT_DAYS)
    registered = {rec["id"]: rec["entered_on"] for rec in records}
    by_village: dict[int, list[dict]] = {}
    for rec in records:
        by_village.setdefault(rec["village"], []).append(rec)

    def add_visit(child: dict, visitor: int, day: date, created: datetime, note: dict) -> int:
        vid_ = len(visits) + 1
        visits.append({"id": vid_, "child_id": child["id"], "visitor": visitor, "date": day, "created_at": created,
                       "life": note.get("life", ""), "study": note.get("study", ""), "mind": note.get("mind", ""),
                       "safety": note.get("safety", ""), "carer": note.get("carer", "")})
        return vid_

    def honest_note(child: dict) -> dict:
        given = child["name"][1:]
        rel = child["carer_relation"] if child["carer_relation"] in ("祖父", "祖母", "外祖父", "外祖母") else "家长"
        out = {}
        # An honest note says something about this child: the name, a date or a number, and three or
        # more specific remarks drawn from ~10 each (so two children's notes differ in most of them).
        day = f"{r.randint(1, 12)}月{r.randint(1, 28)}日入户，" if r.random() < 0.4 else ""
        out["life"] = f"{day}{given}{r.choice(EAT).format(rel=rel)}，{r.choice(CLOTH)}，{r.choice(BODY).format(n=r.randint(95, 175))}。"
        if child["school"] and r.random() < 0.8:
            out["study"] = f"{r.choice(SUBJ)}{r.randint(52, 99)}分，{r.choice(STUDY)}，{r.choice(STUDY2).format(n=r.randint(2, 9))}。"
        place = child["mother_work_city"] or child["father_work_city"] or "外地"
        out["mind"] = f"{r.choice(MIND).format(place=place, k=r.randint(1, 4))}，{r.choice(MIND2)}。"
        if r.random() < 0.6:
            out["safety"] = r.choice(SAFETY) + "。"
        if child["carer_name"] and r.random() < 0.5:
            out["carer"] = r.choice(CARER).format(rel=rel, age=r.randint(58, 79)) + "。"
        return out

    def day_time(day: date, lo: float = 8.0, hi: float = 21.5) -> datetime:
        return datetime.combine(day, datetime.min.time()) + timedelta(seconds=int(r.uniform(lo, hi) * 3600))

    future_rate, before_rate = 0.0005, 0.10
    for rec in records:
        vuser = village_user[rec["village"]]
        suser = school_user.get(rec["school"]) if rec["school"] else None
        first = max(start, rec["entered_on"])
        k = int(vpc) + (1 if r.random() < vpc - int(vpc) else 0)
        k = max(0, k + r.randint(-2, 2)) if vpc >= 3 else k
        own = honest_note(rec) if r.random() < 0.1 else None
        for _ in range(k):
            day = g.date_between(first, TODAY)
            lag = 0 if r.random() < 0.6 else r.randint(1, 3)
            created_day = min(day + timedelta(days=lag), TODAY)
            visitor = suser if suser and r.random() < 0.2 else vuser
            created = day_time(created_day, 8.0, 20.9 if created_day == TODAY else 21.5)
            kind = r.random()
            trap_kind = ""
            if kind < 0.08:
                note = {"life": r.choice(FORMULAIC)}
                trap_kind = "formulaic_short"
            elif own is not None and kind < 0.5:
                note, trap_kind = own, "own_repeat"
            else:
                note = honest_note(rec)
            if r.random() < 0.01 and first <= TODAY - timedelta(days=31):   # a single late entry
                day = g.date_between(first, TODAY - timedelta(days=31))
                created = day_time(min(day + timedelta(days=r.randint(30, 45)), TODAY - timedelta(days=1)))
                trap_kind = trap_kind or "late_entry"
            if r.random() < future_rate:
                day = TODAY + timedelta(days=r.randint(1, 40))
                i = add_visit(rec, visitor, day, created, note)
                visit_errors[i] = {"visit_in_future"}
                continue
            i = add_visit(rec, visitor, day, created, note)
            if trap_kind:
                visit_traps[i] = {trap_kind}
        if rec["entered_on"] > start + timedelta(days=3) and r.random() < before_rate:
            day = rec["entered_on"] - timedelta(days=r.randint(1, min(60, (rec["entered_on"] - start).days)))
            i = add_visit(rec, vuser, day, day_time(min(rec["entered_on"] + timedelta(days=r.randint(0, 20)), TODAY), 8.0, 20.9),
                          honest_note(rec))
            visit_errors[i] = {"visit_before_registration"}

    def label_dates(i: int, child: dict) -> None:
        v = visits[i - 1]
        if v["date"] < child["entered_on"]:
            visit_errors.setdefault(i, set()).add("visit_before_registration")

    def copied_note(template: str, child: dict, style: str, day: date) -> dict:
        text = template
        if style != "exact":
            text = child["name"] + text
            a, b = r.choice(SWAPS)
            if r.random() < 0.5 and a in text:
                text = text.replace(a, b, 1)
            if style == "both_ends":
                text += f"（{day.month}月{day.day}日走访）"
        cut = [0, len(text) // 3, 2 * len(text) // 3, len(text)]
        return {"life": text[cut[0]:cut[1]], "study": text[cut[1]:cut[2]], "mind": text[cut[2]:cut[3]]}

    # fabricating villages: sessions of bursts with copied notes, often backdated
    village_ids = [vid for vid, _, _ in villages]
    big = [vid for vid in village_ids if len(by_village.get(vid, [])) >= 12]
    fabricating = _pick(r, big, FABRICATING_VILLAGES, 2)
    copying, catching_up = set(_pick(r, big, FABRICATING_VILLAGES, 2)), set(_pick(r, big, FABRICATING_VILLAGES, 2))
    diligent, batching = set(_pick(r, big, DILIGENT_VILLAGES, 2)), set(_pick(r, big, BATCH_VILLAGES, 3))
    stats = {"fabricating_villages": len(fabricating), "sloppy_villages": len(sloppy), "copying_villages": len(copying),
             "catching_up_villages": len(catching_up), "diligent_villages": len(diligent), "batching_villages": len(batching)}
    for vid in fabricating:
        kids = by_village.get(vid, [])
        if len(kids) < 10:
            continue
        for _ in range(r.randint(1, 4)):
            size = r.randint(10, min(40, len(kids)))
            session_day = g.date_between(start + timedelta(days=95), TODAY)
            t = day_time(session_day, 9.0, 20.0)
            backdated = r.random() < 0.6
            template = r.choice(TEMPLATES)
            style = "exact" if r.random() < 0.5 else ("both_ends" if r.random() < 0.2 else "near")
            for child in r.sample(kids, size):
                day = session_day - timedelta(days=r.randint(30, 90)) if backdated else session_day - timedelta(days=r.randint(0, 5))
                i = add_visit(child, village_user[vid], day, t, copied_note(template, child, style, day))
                visit_errors[i] = {"visit_burst", "copied_notes"} | ({"backdated"} if backdated else set())
                label_dates(i, child)
                t += timedelta(seconds=r.randint(10, 50))
    # copied notes at a normal pace; backdated catch-up days at a normal pace
    for vid in village_ids:
        kids = by_village.get(vid, [])
        if vid in copying:
            template, style = r.choice(TEMPLATES), ("exact" if r.random() < 0.5 else "near")
            for child in r.sample(kids, r.randint(4, 12)):
                day = g.date_between(start + timedelta(days=10), TODAY - timedelta(days=4))
                i = add_visit(child, village_user[vid], day, day_time(day + timedelta(days=r.randint(0, 3))),
                              copied_note(template, child, style, day))
                visit_errors[i] = {"copied_notes"}
                label_dates(i, child)
        if vid in catching_up:
            session_day = g.date_between(start + timedelta(days=100), TODAY)
            t = day_time(session_day, 8.0, 9.0)
            for child in r.sample(kids, r.randint(10, min(25, len(kids)))):
                day = session_day - timedelta(days=r.randint(30, 100))
                i = add_visit(child, village_user[vid], day, t, honest_note(child))
                visit_errors[i] = {"backdated"}
                label_dates(i, child)
                t += timedelta(minutes=r.randint(15, 40))
    # traps: diligent users, evening batches
    for vid in village_ids:
        kids = by_village.get(vid, [])
        if not kids:
            continue
        if vid in diligent:
            for _ in range(3):
                day = g.date_between(start + timedelta(days=60), TODAY - timedelta(days=1))
                t = day_time(day, 8.0, 8.5)
                for _ in range(r.randint(30, 45)):
                    child = r.choice(kids)
                    if child["entered_on"] > day:
                        continue
                    i = add_visit(child, village_user[vid], day, t, honest_note(child))
                    visit_traps[i] = {"diligent_user"}
                    t += timedelta(minutes=r.randint(12, 25))
        if vid in batching:
            for _ in range(r.randint(1, 3)):
                day = g.date_between(start + timedelta(days=10), TODAY - timedelta(days=1))
                t = day_time(day, 19.5, 20.5)
                for _ in range(r.randint(4, 7)):
                    child = r.choice(kids)
                    if child["entered_on"] > day:
                        continue
                    i = add_visit(child, village_user[vid], day, t, honest_note(child))
                    visit_traps[i] = {"evening_batch"}
                    t += timedelta(seconds=r.randint(60, 150))

    stats.update(children=n, visits=len(visits), villages=len(villages), pairs=len(pairs))
    data = Dataset(records=records, visits=visits, pairs=pairs, registered=registered, record_errors=errors,
                   visit_errors=visit_errors, record_traps=record_traps, visit_traps=visit_traps, stats=stats)
    return data
