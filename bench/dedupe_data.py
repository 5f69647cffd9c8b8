"""Labelled synthetic children for the duplicate finder , at any size.

    from bench.dedupe_data import generate
    data = generate(10_000, seed=5)
    data.records      # plain dicts with the columns `shouhu.rules.dedupe` reads (`entered_in`: the sitting), plus nothing else
    data.entity       # record id → true child
    data.pair_label   # (id_a, id_b) with id_a < id_b → error type, for every pair of records of one child
    data.family       # record id → household (twins and siblings share it)
    data.fabricated   # record id → fabrication group (a mother's details copied onto unrelated children)
    data.true_birth   # true child → real birth date (twins share one)

Pure Python, seeded, no Django. The world: a province cut into counties (one per 50,000
children), 20 townships a county, 20 villages a township; households of one to three children
(2% of births twins: same parents and birth date, different given names of one length; see `TWIN_*`: 15% of
the pairs with homophone names 子涵/子晗, 浩宇/皓宇, 一鸣/一明, 45% sharing a character, two thirds
same-sex, 80% in one class, in 15% one or both without an ID number); given names drawn from a
skewed popularity list (子涵, 浩宇, 欣怡 …, and the 1980s-style 伟, 芳, 娜 …) plus free
combinations, so namesakes (张伟, 王芳) happen as they do.

Duplicates: `dup_rate` of the children get a second record (10% of those a third), each with one
primary error type, labelled:
- ``exact``: registered again with the name right (often without an ID: school source);
- ``homophone``: one character of the given name (or 20%: the surname) replaced by a homophone;
  half of them accent confusions of the region (`GEN_FUZZY_HOMOPHONES`: z/zh, c/ch, s/sh, n/l,
  in/ing, en/eng, an/ang, e.g. 陆金兰/陆晶兰, 刘/牛), a fifth two characters at once (刘金兰/牛晶兰);
  the name was heard, not copied from a document, so 70% of these copies have no ID number;
- ``shape``: one character replaced by a similar-shape one (形近字). The generator's own list; about
  a quarter of its pairs are NOT in the finder's table (`dedupe.CONFUSABLE`), to measure its fallback;
- ``surname``: another surname: 30% the step-father's, registered after a move to another
  village of the township with him as the father (new address and carer, 60% without the
  child's ID number); 30% the mother's; else a random or a confusable one (陆/陈). Polyphonic
  surnames (曾 zeng, 单 shan, 仇 qiu, 解 xie, 查 zha) occur and have homophone errors (曾/增);
- ``missing_id``: the second record has no ID number;
- ``swap_dm``: day and month of the birth date swapped (only dates where that is a valid other date);
- ``swap``: the given name's two characters swapped (张嘉豪/张豪嘉: a clerk's slip);
- ``drop``: one given-name character left out (张嘉豪/张嘉: a pet name or a slip);
- ``double``: one character written twice (张乐/张乐乐, 张嘉豪/张嘉嘉豪);
- ``pet``: the pet name the family uses, 小/阿 + one character or that character doubled (张小豪,
  张阿豪, 张豪豪);
- ``traditional``: the name (and half the time the father's) in traditional characters (陳/劉/張:
  `GEN_TRADITIONAL`, a few of them missing from the finder's table);
  in the last five the name was heard, not read: 60% of those copies have no ID number.
Pairs between the second and third record of one child are labelled ``combined``.

Errors are correlated across fields, as in real double registration: every copy comes from a
"school" source (class filled, ID missing half the time, parents' IDs mostly missing, no address)
or a "village" source (no class half the time); phones change (20%), one parent is left blank
(15%), the child moved to another village of the township (8%), and a name error spreads to a
parent's name 30% of the time. Each record has the sitting it was entered in (`entered_in`): a
household's children are entered together, on one of the village's `ENTRY_DAYS` days; a copy in a
sitting of its own, except `COPY_SAME_ENTRY` of them (typed twice at once).

Traps (not duplicates): twins and siblings — 35% of younger siblings (born 1.2–5 years after the
elder) get a near name: sharing a character (嘉豪/嘉乐), swapped (豪嘉), one character (嘉) or one
doubled (豪豪, 乐乐); namesakes; and copied-parent fabrications (0.5% of
children in groups of 3–8 in one township whose mother's name, ID and birth data are copied from
one woman, only the phone differing: docs/domain.md, "Data quality"). They are labelled so the benchmark can count
false positives per kind.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from shouhu.rules.idcard import make_id
from shouhu.rules.names import TRADITIONAL, fuzzy_pinyin

__all__ = ["Dataset", "generate", "ERROR_TYPES", "GEN_SHAPE_PAIRS", "GEN_HOMOPHONES"]

ERROR_TYPES = ("exact", "homophone", "shape", "surname", "missing_id", "swap_dm", "swap", "drop", "double", "pet", "traditional")
ERROR_WEIGHTS = (10, 22, 18, 20, 15, 15, 8, 8, 4, 6, 6)
# Siblings with near names (a trap): the share of younger siblings whose given name is a near miss
# of an elder's — sharing a character (嘉豪/嘉乐), the characters swapped (嘉豪/豪嘉), one of them
# (嘉豪/嘉) or it doubled (乐/乐乐). Our assumption: families often name children in a series.
SIBLING_NEAR = 0.35
# Traditional forms the generator writes (陳/劉/張 …): the finder's table plus a few it lacks
# (those then count as homophones: same reading).
GEN_TRADITIONAL = {**TRADITIONAL, "豐": "丰", "劃": "划", "颱": "台"}
_TO_TRAD: dict[str, list[str]] = {}
for _t, _sm in GEN_TRADITIONAL.items():
    _TO_TRAD.setdefault(_sm, []).append(_t)

# Twins (a trap, not duplicates). 2% of births (China's twin rate is about 1-2% of deliveries,
# rising with IVF). Two thirds same-sex (identical twins, plus half of the fraternal ones).
# Names: TWIN_NAME_STYLE gives the shares of pairs with homophone given names (子涵/子晗, 浩宇/皓宇,
# 一鸣/一明: a naming fashion for twins; these are always same-sex here), sharing a character
# (佳怡/佳琪) and unrelated. No survey gives the homophone share; 15% is our assumption, stated
# in docs/benchmarks.md. Most twins are placed in one class (TWIN_SAME_CLASS). ID numbers: on
# top of the 4% of children without one, TWIN_NO_ID = (share of pairs where one twin has none,
# share where neither has): a twin is often registered in the hukou late.
TWIN_RATE = 0.02
TWIN_SAME_SEX = 0.65
TWIN_NAME_STYLE = (15, 45, 40)  # homophone, shared character, unrelated
TWIN_SAME_CLASS = 0.8
TWIN_NO_ID = (0.12, 0.03)
# Who entered a record and on which day (`entered_in`, the finder's "entered together"): a village's
# households are registered by its child director over ENTRY_DAYS working days, each household in
# one sitting (twins one after the other). A copy comes from another sheet or another day — a
# school roster, a re-registration after a move — except COPY_SAME_ENTRY of them, typed by the same
# person the same day from a second list. Our assumption (no survey gives it); drawn from a random
# stream of their own, so the rest of the data is what it was without them.
ENTRY_DAYS = 40
COPY_SAME_ENTRY = 0.03

SURNAMES = (
    "王71 李70 张67 刘54 陈45 杨31 黄22 赵20 吴19 周19 徐15 孙14 马13 朱12 胡11 郭11 何10 高10 林10 罗9 郑9 梁9 "
    "谢8 宋8 唐8 许7 韩7 冯7 邓7 曹7 彭6 曾6 肖6 田6 董5 袁5 潘5 于5 蒋5 蔡5 余5 杜5 叶4 程4 苏4 魏4 吕4 丁4 "
    "任4 沈4 姚4 卢4 姜4 崔3 钟3 谭3 陆3 汪3 范3 金3 石3 廖3 贾3 夏3 韦3 付3 方3 白3 邹3 孟3 熊3 秦3 邱3 江3 "
    "尹3 薛3 闫3 段3 雷3 侯3 龙3 史3 黎2 贺2 顾2 毛2 郝2 龚2 邵2 万2 钱2 覃2 单1 仇1 解1 查1 欧阳1"
)
_SURNAME_W = [(s.rstrip("0123456789"), int("".join(c for c in s if c.isdigit()))) for s in SURNAMES.split()]

# Popular full given names (weights roughly Zipf): namesakes come from these.
POPULAR_GIRL = ("子涵 欣怡 梓涵 诗涵 梓萱 一诺 紫涵 雨涵 可馨 思涵 佳怡 欣妍 梦瑶 语桐 若汐 雨桐 芷若 诗琪 晨曦 可欣 "
                "佳琪 思彤 雅静 金兰 晓蕾 芳 娜 敏 静 丽 婷 颖 雪").split()
POPULAR_BOY = ("浩宇 子轩 宇轩 浩然 梓豪 俊杰 宇航 子豪 皓轩 一鸣 子墨 浩轩 博文 俊熙 天佑 睿 明轩 梓睿 志强 "
               "伟 磊 杰 涛 强 鑫 鹏 勇 军").split()
GIRL_CHARS = "欣怡梓萱雨涵诗琪佳悦思彤可馨紫婷雅静梦瑶晶金兰芳丽娜慧雪颖月晓蕾妍桐若汐芷曦茜琳玲婧菲璐"
BOY_CHARS = "浩宇轩子俊杰博文昊天明辰睿泽一航鑫磊凯鹏伟强豪晨阳嘉乐志诚毅然铭熙墨佑恒瑞杨林峰"
ADULT_M = "建国军华明强伟勇平刚斌辉峰涛波林海红兵勇江"
ADULT_F = "芳丽娟霞红梅英兰萍燕玲琴秀敏艳华娥春桂"

# Homophone groups (standard or southern-fuzzy: n/l, in/ing, en/eng, zh/z, s/sh).
GEN_HOMOPHONES = (
    "金晶京精", "兰蓝岚南", "婷亭庭", "涵寒含晗", "轩萱宣瑄", "宇雨语羽禹", "杰洁捷", "佳家嘉", "欣馨新心", "浩昊皓",
    "俊骏峻君", "文雯闻", "琪琦棋淇祺", "怡宜仪", "思斯丝诗", "梓子紫", "雅亚娅", "静靖婧", "梦孟", "瑶遥尧",
    "悦月越玥", "彤桐童", "晨辰宸", "睿瑞锐", "明鸣铭名", "航杭", "鹏朋", "凯恺楷", "磊蕾", "伟炜玮薇", "豪浩",
    "博波柏", "丽莉立力", "芳方", "娜纳", "慧惠卉", "颖莹盈影", "琳玲凌林", "斌兵", "珍真正", "森生", "涛桃",
    "妍燕艳", "璐露路", "熙希曦西", "墨默", "恒衡", "峰锋枫风", "强墙", "鑫新欣", "一依伊", "志智芝", "诚成程",
    "毅义亿", "然冉", "若偌", "汐夕希", "芷芝止", "茜倩", "菲飞", "勇永", "军君", "华桦", "红虹鸿",
)
# Surname homophones (a clerk writes what they hear).
GEN_SURNAME_HOMOPHONES = ("陈程成", "王汪", "张章", "李黎", "刘柳", "杨阳", "林凌", "徐许", "吴伍", "周邹", "江姜",
                          "沈申", "曾增", "单山", "谢解", "查扎", "韩寒", "何贺", "刘牛")
# Fuzzy-pinyin homophones: pairs whose standard readings differ but sound alike in the southern
# accents of the registry's region (Hubei: n/l merged, front and back nasals merged, zh/ch/sh
# often flat). A clerk who hears the name writes the other one. One pair per confusion class at
# least: z/zh, c/ch, s/sh, n/l, in/ing, en/eng, an/ang (some combine two: 宁/林 n/l + ing/in).
GEN_FUZZY_HOMOPHONES = (
    "泽哲 梓芷 子志 宗忠 聪崇 灿婵 "        # z/zh, c/ch
    "森深 姗三 诗斯 "                        # s/sh
    "丽妮 娜拉 龙农 楠岚 兰南 蕾内 "          # n/l
    "林宁 玲宁 "                             # n/l with in/ing
    "金晶 欣星 敏明 彬冰 琳玲 静锦 颖尹 鑫星 "  # in/ing
    "晨程 辰成 真征 珍铮 森生 "               # en/eng (晨/程 also ch)
    "帆芳 涵航 岚朗 安昂 然让 澜浪 晗杭"       # an/ang
).split()
GEN_FUZZY_SURNAMES = ("刘牛", "黎倪", "林凌", "陈程", "沈盛", "邹周", "蔡柴", "曾郑", "苏舒", "兰南", "宁凌")
# Similar-shape pairs (形近字) as the generator makes them. Those marked * are not in the finder's
# table, on purpose: their recall measures the finder's shape-free fallback.
GEN_SHAPE_PAIRS = (
    "陆陈 己已 王玉 思恩 金全 宇字 晴睛 佳住 紫柴 彤丹 兰当 明朋 冶治 雪雷 晶品 磊晶 汪江 曹曾 宋宗 余佘 "
    "秦泰 杨汤 孙逊 赵起 田由 梦楚 天夭 土士 未末 贝见 戊戌 栗粟 可司 悦说 泽择 豪毫 军车 平乎 林材 海梅 "
    "秀季 玲冷 博傅 雅稚 静睁 伟纬 国围 芳苏 月目 洁浩 晨晟 鑫森 毅殷 然燃 诚城 乐东 "
    "萌明* 熙照* 昕听* 沐休* 洋详* 蕊芯* 馨罄* 灿仙* 茜西* 妍研* 桐洞* 曦羲* 涵函* 鹏鸭* 轩杆*"
).split()
_SHAPE = {}
for _p in GEN_SHAPE_PAIRS:
    x, y = _p[0], _p[1]
    if x != y:
        _SHAPE.setdefault(x, []).append(y)
        _SHAPE.setdefault(y, []).append(x)
_HOMO = {}
for _g in GEN_HOMOPHONES:
    for _c in _g:
        _HOMO.setdefault(_c, set()).update(set(_g) - {_c})
_SHOMO = {}
for _g in GEN_SURNAME_HOMOPHONES:
    for _c in _g:
        _SHOMO.setdefault(_c, set()).update(set(_g) - {_c})
_FZ: dict[str, set[str]] = {}
for _p in GEN_FUZZY_HOMOPHONES:
    _FZ.setdefault(_p[0], set()).add(_p[1])
    _FZ.setdefault(_p[1], set()).add(_p[0])
_SFZ: dict[str, set[str]] = {}
for _p in GEN_FUZZY_SURNAMES:
    _SFZ.setdefault(_p[0], set()).add(_p[1])
    _SFZ.setdefault(_p[1], set()).add(_p[0])
for _t, _u in ((_HOMO, _FZ), (_SHOMO, _SFZ)):  # the fuzzy pairs are homophones too
    for _c, _o in _u.items():
        _t.setdefault(_c, set()).update(_o)
_FZ = {k: sorted(v) for k, v in _FZ.items()}
_SFZ = {k: sorted(v) for k, v in _SFZ.items()}
_HOMO = {k: sorted(v) for k, v in _HOMO.items()}
_SHOMO = {k: sorted(v) for k, v in _SHOMO.items()}
_SHAPE = {k: sorted(set(v)) for k, v in _SHAPE.items()}

TODAY = date(2026, 9, 1)


@dataclass
class Dataset:
    records: list[dict]
    entity: dict[int, int] = field(default_factory=dict)
    pair_label: dict[tuple[int, int], str] = field(default_factory=dict)
    family: dict[int, int] = field(default_factory=dict)
    fabricated: dict[int, int] = field(default_factory=dict)
    true_birth: dict[int, date] = field(default_factory=dict)  # true child → real birth date
    counts: dict[str, int] = field(default_factory=dict)  # duplicate records per error type
    twins: dict[str, int] = field(default_factory=dict)  # twin pairs: all, with homophone names, one without an ID


class _Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.surnames = [s for s, _ in _SURNAME_W]
        self.sw = [w for _, w in _SURNAME_W]
        self.pop_girl_w = [1 / (i + 3) for i in range(len(POPULAR_GIRL))]
        self.pop_boy_w = [1 / (i + 3) for i in range(len(POPULAR_BOY))]
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def surname(self) -> str:
        return self.r.choices(self.surnames, self.sw)[0]

    def given(self, sex: str) -> str:
        r = self.r
        x = r.random()
        if x < 0.35:  # a popular name
            return r.choices(POPULAR_BOY, self.pop_boy_w)[0] if sex == "男" else r.choices(POPULAR_GIRL, self.pop_girl_w)[0]
        pool = BOY_CHARS if sex == "男" else GIRL_CHARS
        if x < 0.45:
            return r.choice(pool)
        return r.choice(pool) + r.choice(pool)

    def adult(self, surname: str, sex: str) -> str:
        pool = ADULT_M if sex == "男" else ADULT_F
        return surname + ("".join(self.r.choice(pool) for _ in range(2 if self.r.random() < 0.7 else 1)))

    def phone(self) -> str:
        while True:
            p = "1" + self.r.choice("35789") + "".join(self.r.choice("0123456789") for _ in range(9))
            if p not in self.phones:
                self.phones.add(p)
                return p

    def id_for(self, code: str, birth: date, sex: str) -> str:
        for _ in range(100):
            n = make_id(code, birth, self.r.randrange(0, 500) * 2 + (1 if sex == "男" else 0))
            if n not in self.ids:
                self.ids.add(n)
                return n
        raise RuntimeError("no free ID")


@lru_cache(maxsize=None)
def _fuzzy(given: str) -> str:
    return fuzzy_pinyin("王" + given)


def _swap(d: date) -> date | None:
    return date(d.year, d.day, d.month) if d.day <= 12 and d.day != d.month else None


def generate(n: int, seed: int = 5, *, dup_rate: float = 0.06, fab_rate: float = 0.005, chunk: int = 0) -> Dataset:
    """About `n` records (true children plus their duplicates), shuffled, ids 1..len. `chunk` k > 0
    puts them in other counties, schools and classes than chunks 0..k-1 (a province built by
    pieces that do not fit in memory together: ids, families and children are then per chunk)."""
    g = _Gen(seed)
    r = g.r
    n_true = max(2, round(n / (1 + dup_rate * 1.1)))
    n_counties = max(1, round(n_true / 50_000))
    counties = [f"42{(10 + i // 20):02d}{(i % 20) + 1:02d}" for i in range(chunk * 40, chunk * 40 + n_counties)]
    villages_of: dict[str, list[str]] = {}
    class_ids: dict[tuple[str, int], list[int]] = {}
    school_of_class: dict[int, int] = {}
    next_school = next_class = chunk * 1_000_000 + 1
    for c in counties:
        for t in range(20):
            tcode = f"{c}{100 + t:03d}"
            villages_of[tcode] = [f"{tcode}{200 + v:03d}" for v in range(20)]
            for _stage, grades, per in (("primary", range(1, 7), 2), ("middle", range(7, 10), 3)):
                school = next_school
                next_school += 1
                for grade in grades:
                    for _ in range(per):
                        class_ids.setdefault((tcode, grade), []).append(next_class)
                        school_of_class[next_class] = school
                        next_class += 1
    townships = list(villages_of)

    children: list[dict] = []
    family: list[int] = []
    twin_of: list[bool] = []  # per child: one of a pair of twins
    fam_id = 0
    while len(children) < n_true:
        fam_id += 1
        tcode = r.choice(townships)
        village = r.choice(villages_of[tcode])
        county = village[:6]
        fsur, msur = g.surname(), g.surname()
        fbirth = TODAY - timedelta(days=int(365.25 * r.uniform(28, 48)))
        mbirth = fbirth + timedelta(days=r.randint(-1500, 1500))
        parents = {
            "father_name": g.adult(fsur, "男"), "mother_name": g.adult(msur, "女"),
            "father_id_number": g.id_for(r.choice([county, county, "421023"]), fbirth, "男") if r.random() < 0.7 else "",
            "mother_id_number": g.id_for(r.choice([county, county, "421081"]), mbirth, "女") if r.random() < 0.7 else "",
            "father_phone": g.phone() if r.random() < 0.9 else "", "mother_phone": g.phone() if r.random() < 0.9 else "",
        }
        carer = {"carer_name": g.adult(fsur if r.random() < 0.6 else g.surname(), r.choice("男女")),
                 "carer_phone": g.phone()} if r.random() < 0.8 else {"carer_name": "", "carer_phone": ""}
        address = f"{r.randint(1, 12)}组{r.randint(1, 80)}号"
        kids = r.choices([1, 2, 3], [50, 35, 15])[0]
        age = r.uniform(0.2, 17.5)
        used_given: set[str] = set()
        elder_given = ""
        for k in range(kids):
            if k and r.random() < 0.98:
                age -= r.uniform(1.2, 5)
                if age < 0.1:
                    break
            twins = 2 if r.random() < TWIN_RATE else 1
            birth = TODAY - timedelta(days=int(365.25 * age))
            a = int((TODAY - birth).days / 365.25)
            grade = a - 5
            twin_style = r.choices(("homophone", "shared", "free"), TWIN_NAME_STYLE)[0] if twins == 2 else ""
            twin_sex = r.choice("男女")
            twin_same_sex = twin_style == "homophone" or r.random() < TWIN_SAME_SEX
            # hukou: a twin without an ID number is often the second one, registered late (or both)
            twin_no_id = r.choices(((), (1,), (0, 1)), (1 - TWIN_NO_ID[0] - TWIN_NO_ID[1], *TWIN_NO_ID))[0] if twins == 2 else ()
            twin_class = r.choice(class_ids[(tcode, grade)]) if 1 <= grade <= 9 and r.random() < 0.97 else None
            first_given = None
            for t in range(twins):
                sex = twin_sex if twins == 2 and (t == 0 or twin_same_sex) else r.choice("男女")
                surname = fsur if r.random() < 0.95 else msur
                given = g.given(sex)
                homophone = _char_swap(r, first_given, _HOMO, 0.0, 0) if first_given and twin_style == "homophone" else None
                if homophone:  # 子涵/子晗, 浩宇/皓宇, 一鸣/一明, 欣怡/欣宜
                    given = homophone
                else:
                    if first_given and twin_style == "shared" and len(first_given) == 2:  # 佳怡/佳琪
                        given = first_given[0] + r.choice((BOY_CHARS if sex == "男" else GIRL_CHARS).replace(first_given[0], ""))
                    elif first_given:  # twins are named as a pair: names of one length (子涵/梓轩, 磊/鑫)
                        while len(given) != len(first_given):
                            given = g.given(sex)
                    elif k and twins == 1 and elder_given and r.random() < SIBLING_NEAR:
                        given = _sibling_near(r, elder_given, sex) or given
                    while _fuzzy(given) in used_given:  # siblings (and the other twins) get no homophone names
                        given = g.given(sex)
                used_given.add(_fuzzy(given))
                first_given = first_given or given
                elder_given = elder_given or given
                if twins == 2 and r.random() < TWIN_SAME_CLASS:
                    klass = twin_class
                else:
                    klass = r.choice(class_ids[(tcode, grade)]) if 1 <= grade <= 9 and r.random() < 0.97 else None
                has_id = t not in twin_no_id and r.random() < 0.96
                c = {
                    "name": surname + given, "sex": sex, "birth_date": birth,
                    "id_number": g.id_for(county, birth, sex) if has_id else "",
                    "village_code": village, "school_id": school_of_class.get(klass), "school_class_id": klass,
                    **parents, **carer, "address_detail": address,
                }
                children.append(c)
                family.append(fam_id)
                twin_of.append(twins == 2)
    children = children[:n_true]
    family = family[:n_true]
    twin_pairs = [(i, i + 1) for i in range(n_true - 1) if twin_of[i] and twin_of[i + 1] and family[i] == family[i + 1]
                  and children[i]["birth_date"] == children[i + 1]["birth_date"]]
    twin_stats = {
        "pairs": len(twin_pairs),
        "homophone_names": sum(_fuzzy(children[i]["name"][1:]) == _fuzzy(children[j]["name"][1:]) for i, j in twin_pairs),
        "one_without_id": sum(bool(children[i]["id_number"]) != bool(children[j]["id_number"]) for i, j in twin_pairs),
        "homophone_one_without_id": sum(
            _fuzzy(children[i]["name"][1:]) == _fuzzy(children[j]["name"][1:])
            and bool(children[i]["id_number"]) != bool(children[j]["id_number"]) for i, j in twin_pairs),
    }

    # copied-parent fabrications: one woman's details on unrelated children of one township
    fabricated: dict[int, int] = {}  # index into children → group
    by_township: dict[str, list[int]] = {}
    for i, c in enumerate(children):
        by_township.setdefault(c["village_code"][:9], []).append(i)
    n_fab = int(n_true * fab_rate)
    group = 0
    tries = 0
    while n_fab >= 2 and tries < 10_000:  # a group needs two children; a small sheet may have no room
        tries += 1
        t = r.choice(townships)
        pool = [i for i in by_township.get(t, []) if i not in fabricated]
        k = min(len(pool), r.randint(3, 8), n_fab)
        if k < 2:
            continue
        group += 1
        members = r.sample(pool, k)
        src = children[members[0]]
        for i in members:
            fabricated[i] = group
            children[i]["mother_name"] = src["mother_name"]
            children[i]["mother_id_number"] = src["mother_id_number"] or children[i]["mother_id_number"]
            children[i]["mother_phone"] = g.phone()
        n_fab -= k

    # duplicates
    records: list[dict] = []
    entity: list[int] = []
    labels: list[str] = []  # per record: '' for an original, else its error type
    for i, c in enumerate(children):
        records.append(dict(c))
        entity.append(i)
        labels.append("")
    counts: dict[str, int] = {}
    re_ = random.Random(seed * 7919 + 1 + chunk)
    sitting: dict[int, int] = {}
    for rec, i in zip(records, entity, strict=True):
        day = sitting.setdefault(family[i], re_.randrange(ENTRY_DAYS))
        rec["entered_in"] = f"{rec['village_code']}:{day}"
    n_dups = int(n_true * dup_rate)
    for i in r.sample(range(n_true), n_dups):
        copies = 2 if r.random() < 0.1 else 1
        for _ in range(copies):
            kind = r.choices(ERROR_TYPES, ERROR_WEIGHTS)[0]
            d = _duplicate(g, children[i], kind, villages_of, class_ids, school_of_class)
            if d is None:
                continue
            d["entered_in"] = (records[i]["entered_in"] if re_.random() < COPY_SAME_ENTRY
                          else f"{d['village_code']}:{ENTRY_DAYS + re_.randrange(400)}")
            records.append(d)
            entity.append(i)
            labels.append(kind)
            counts[kind] = counts.get(kind, 0) + 1

    order = list(range(len(records)))
    r.shuffle(order)
    out = Dataset(records=[], counts=counts, twins=twin_stats, true_birth={i: c["birth_date"] for i, c in enumerate(children)})
    by_entity: dict[int, list[tuple[int, str]]] = {}
    for new_id, k in enumerate(order, start=1):
        rec = records[k]
        rec["id"] = new_id
        rec["archive_no"] = f"A{new_id:08d}" if r.random() < 0.9 else None
        out.records.append(rec)
        out.entity[new_id] = entity[k]
        out.family[new_id] = family[entity[k]]
        if labels[k] == "" and entity[k] in fabricated:
            out.fabricated[new_id] = fabricated[entity[k]]
        by_entity.setdefault(entity[k], []).append((new_id, labels[k]))
    for members in by_entity.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                (ia, la), (ib, lb) = members[x], members[y]
                label = la or lb if not (la and lb) else "combined"
                out.pair_label[(min(ia, ib), max(ia, ib))] = label
    return out


def _sibling_near(r: random.Random, elder: str, sex: str) -> str | None:
    """A younger sibling's given name near the elder's: 嘉豪 → 嘉乐, 豪嘉, 嘉 or 豪豪; 乐 → 乐乐, 乐天."""
    pool = BOY_CHARS if sex == "男" else GIRL_CHARS
    if len(elder) == 2:
        way = r.choice(("shared", "swap", "one", "double"))
        if way == "shared":
            return elder[0] + r.choice(pool)
        if way == "swap":
            return elder[::-1] if elder[0] != elder[1] else None
        if way == "one":
            return r.choice(elder)
        return elder[1] * 2
    return elder * 2 if r.random() < 0.5 else elder + r.choice(pool)


def _char_swap(r: random.Random, name: str, table: dict, surname_share: float, surname_len: int) -> str | None:
    """Replace one character of `name` that `table` knows; the surname with probability surname_share."""
    positions = [i for i, ch in enumerate(name) if ch in table]
    if not positions:
        return None
    sur = [i for i in positions if i < surname_len]
    giv = [i for i in positions if i >= surname_len]
    if sur and (not giv or r.random() < surname_share):
        i = r.choice(sur)
    elif giv:
        i = r.choice(giv)
    else:
        return None
    return name[:i] + r.choice(table[name[i]]) + name[i + 1:]


def _duplicate(g: _Gen, c: dict, kind: str, villages_of, class_ids, school_of_class) -> dict | None:
    r = g.r
    d = dict(c)
    slen = 2 if c["name"][:2] == "欧阳" else 1
    # source bundle: correlated missing fields
    if r.random() < 0.5:  # school register
        if r.random() < 0.5:
            d["id_number"] = ""
        for p in ("father_id_number", "mother_id_number"):
            if r.random() < 0.8:
                d[p] = ""
        d["address_detail"] = ""
        if d["school_class_id"] is None and r.random() < 0.5:
            d["carer_name"], d["carer_phone"] = "", ""
    else:  # village register
        if r.random() < 0.5:
            d["school_class_id"] = d["school_id"] = None
    if r.random() < 0.2:
        d["father_phone" if r.random() < 0.5 else "mother_phone"] = g.phone()
    if r.random() < 0.15:
        p = r.choice(["father", "mother"])
        d[f"{p}_name"] = d[f"{p}_id_number"] = d[f"{p}_phone"] = ""
    if r.random() < 0.08:
        d["village_code"] = r.choice(villages_of[d["village_code"][:9]])
        d["address_detail"] = f"{r.randint(1, 12)}组{r.randint(1, 80)}号" if d["address_detail"] else ""

    name = c["name"]
    if kind == "exact":
        pass
    elif kind == "homophone":
        # The clerk heard the name (from a grandparent, in dialect) and had no document to copy
        # it from, so the ID number is usually missing too; in half the cases the sound confusion
        # is an accent one (z/zh, c/ch, s/sh, n/l, in/ing, en/eng, an/ang: 陆金兰/陆晶兰, 刘/牛), and
        # a fifth of the time it hits two characters of the name (刘金兰/牛晶兰).
        if r.random() < 0.7:
            d["id_number"] = ""
        accent = r.random() < 0.5
        new = name
        for _ in range(2 if r.random() < 0.2 else 1):
            if r.random() < 0.2 and new[:slen] in _SHOMO:
                table = _SFZ if accent and new[:slen] in _SFZ else _SHOMO
                new = r.choice(table[new[:slen]]) + new[slen:]
            else:
                g2 = (_char_swap(r, new[slen:], _FZ, 0.0, 0) if accent else None) or _char_swap(r, new[slen:], _HOMO, 0.0, 0)
                new = new[:slen] + g2 if g2 else new
        if new == name:
            return None
        d["name"] = new
    elif kind == "shape":
        new = _char_swap(r, name, _SHAPE, 0.2, slen)
        if new is None:
            return None
        d["name"] = new
    elif kind == "surname":
        x = r.random()
        if x < 0.3:
            # After the mother remarried, the child was registered again with the step-father's
            # surname in the village they moved to (same township): the father on that record is
            # the step-father, and the child's ID number is often not carried over.
            s = g.surname()
            if s == name[:slen]:
                return None
            step_birth = c["birth_date"] - timedelta(days=int(365.25 * r.uniform(25, 45)))
            d["father_name"] = g.adult(s, "男")
            d["father_id_number"] = g.id_for(c["village_code"][:6], step_birth, "男") if r.random() < 0.5 else ""
            d["father_phone"] = g.phone() if r.random() < 0.9 else ""
            d["village_code"] = r.choice([v for v in villages_of[c["village_code"][:9]] if v != c["village_code"]])
            d["address_detail"] = f"{r.randint(1, 12)}组{r.randint(1, 80)}号"
            d["carer_name"], d["carer_phone"] = ("", "") if r.random() < 0.5 else (g.adult(s, r.choice("男女")), g.phone())
            if r.random() < 0.6:
                d["id_number"] = ""
            if r.random() < 0.3:
                d["mother_phone"] = g.phone()
        elif x < 0.6:
            s = c["mother_name"][:1] if c["mother_name"] else g.surname()
            if r.random() < 0.5:  # took the mother's surname: the father often left off
                d["father_name"] = d["father_id_number"] = d["father_phone"] = ""
        elif x < 0.85:
            s = g.surname()
        else:
            s = r.choice(["陆", "陈", "程", "汪", "江", "曹", "曾"])
        if s == name[:slen]:
            return None
        d["name"] = s + name[slen:]
    elif kind == "missing_id":
        if not c["id_number"]:
            return None
        d["id_number"] = ""
    elif kind in ("swap", "drop", "double", "pet", "traditional"):
        # the name as the family calls the child, or a clerk's slip copying a list; everything else
        # as on the other record (docs/benchmarks.md, "Duplicates"). Heard, not read: often no ID.
        given, sur = name[slen:], name[:slen]
        if kind == "swap":
            if len(given) != 2 or given[0] == given[1]:
                return None
            new = sur + given[::-1]
        elif kind == "drop":
            if len(given) < 2:
                return None
            i = r.randrange(len(given))
            new = sur + given[:i] + given[i + 1:]
        elif kind == "double":
            i = r.randrange(len(given))
            new = sur + given[:i + 1] + given[i:]
        elif kind == "pet":
            ch = given[-1] if r.random() < 0.7 else given[0]
            form = r.choice(("小", "阿", "double")) if len(given) >= 2 else r.choice(("小", "阿"))
            new = sur + (ch * 2 if form == "double" else form + ch)
        else:
            chars = [r.choice(_TO_TRAD[ch]) if ch in _TO_TRAD and r.random() < 0.8 else ch for ch in name]
            new = "".join(chars)
            if d["father_name"] and r.random() < 0.5:  # the whole sheet in traditional characters
                d["father_name"] = "".join(r.choice(_TO_TRAD[ch]) if ch in _TO_TRAD else ch for ch in d["father_name"])
        if new == name:
            return None
        d["name"] = new
        if r.random() < 0.6:
            d["id_number"] = ""
    elif kind == "swap_dm":
        s = _swap(c["birth_date"])
        if s is None:
            return None
        d["birth_date"] = s
        if r.random() < 0.6:
            d["id_number"] = ""
    # a name error in handwriting spreads to a parent's name
    if kind in ("homophone", "shape") and r.random() < 0.3:
        p = r.choice(["father_name", "mother_name"])
        if d[p]:
            new = _char_swap(r, d[p], _HOMO if kind == "homophone" else _SHAPE, 0.0, 1)
            if new:
                d[p] = new
    return d
