"""Duplicate child records: the same child registered twice (docs/domain.md, "Data quality").

Pure: plain dicts in, `Candidate` pairs out; no Django. The command `shouhu find-duplicates`
and the benchmark (`bench/bench_dedupe.py`) feed it `.values()` rows or generated rows.

A record is a mapping with any of these keys (missing or empty = not known):
id, archive_no, name, sex, birth_date (date or 'YYYY-MM-DD'), id_number, village_code,
school_id, school_class_id, father_name, mother_name, father_id_number, mother_id_number,
father_phone, mother_phone, carer_name, carer_phone, address_detail, entered_in (the sitting the record was
entered in, any string: records entered together — one person's form that day, one sheet — share it).

How it works
------------
1. **Features** per record: the name split into surname and given name (`names.split_name`),
   the fuzzy pinyin of each character (`names.fuzzy_pinyin`: z/zh, c/ch, s/sh, n/l, in/ing,
   en/eng, an/ang folded; polyphonic surnames read as surnames, so 曾 is zeng and 单 shan), the
   ID number and whether it is valid (`idcard.parse_id`) with the birth date it encodes, and
   how often the name and the given name occur in the batch (a shared 子涵 says less than a
   shared 晓蕾: the same idea as Splink's term-frequency adjustment).
2. **Blocking**: only records that share a key are compared. Keys (see `_KEY_FAMILIES`): the valid
   ID number; the birth date (and the one encoded in the ID), each also with day and month
   swapped, together with the village, the surname or the fuzzy given name; fuzzy full name +
   birth year; fuzzy full name + village; fuzzy given name + class; father + mother name; each
   parent's ID number and phone; the carer's phone. A block larger than `BLOCK_CAP` is split by
   county, then township, then village; one still larger is skipped and counted in `stats`. So
   the work grows with the number of records times the (capped) block sizes, not quadratically.
3. **Scoring**: each compared pair adds up evidence points (`W_*` below, log-odds-like: positive
   for agreement, negative for disagreement), and the score is the logistic of the sum:
   score = 1 / (1 + exp(-(points - PIVOT) / SCALE)), in [0, 1]. `THRESHOLD` = 0.5, i.e.
   12 points: for example a homophone name (8) and the same birth date (6); the same name and
   swapped day/month with the same parents; a changed surname with the same given name, birth
   date and parents. A pair sharing a valid ID number is always a duplicate (score 1.0). Two
   different valid ID numbers count heavily against (-14): twins and namesakes have their own.
   The name decides most: twins (same parents and birth date, different given names) and
   namesakes (张伟, 王芳: same name, other parents or another birth date) stay below it. A
   changed surname the records explain (the step-father's, with the same mother; the other
   record's mother's surname: `_surname_explained`) adds a little, and then the other father is
   not counted against. Twins with homophone names (子涵/子晗) of whom one has no ID number look
   exactly like a duplicate from the records alone and are reported; with both IDs they never are.
4. **One child, one household's records** (`_resolve`): a record is a copy of at most one of two
   records the data says are two children (`_distinct`: two different valid ID numbers, or
   different names entered in one sitting — twins are registered together, one after the other;
   a copy comes from another sheet or another day, and another name in the same sitting counts
   against, W_SAME_ENTRY). A copy of one twin (小豪) that is also a near miss of the other (子豪)
   is kept with the twin it is closer to. Then two records that are both copies of a third are
   reported as a pair themselves ("linked": 张小豪 and 张豪嘉, each with its own error, both copies
   of 张嘉豪), unless the data says they are two children or the two disagree on what no copying
   error changes here: sex, and a birth date not explained by a typo or a swapped day and month
   (their names may differ: each copy has its own error). Both steps look only at the pairs of
   one birth-year part, so the parts still report what one run reports.
5. Pairs in a `NotSame` (marked "not the same" by a user) are never reported.

Name relations, from strongest: the same name; homophones (陆金兰/陆晶兰, fuzzy pinyin equal);
similar-shape characters (`CONFUSABLE`, a curated table of characters commonly confused in
handwriting and OCR: 陆/陈, 己/已, 王/玉, 思/恩 ...); a changed surname (陈金兰/陆金兰: given
names equal or homophones); the shape-free fallback (names of the same length differing in one
character whose fuzzy pinyin has the same initial letter or the same final: most similar-shape
characters are 形声字 sharing a phonetic part, 桐/洞 tong/dong, 馨/罄 xin/qin, so this catches
形近字 missing from the table, at a lower weight); near misses of the given name with the same
surname (`_near_miss`: two characters swapped 嘉豪/豪嘉, one dropped 嘉豪/嘉 or doubled 乐/乐乐, a pet
name 小豪/阿豪/豪豪), which count only on the same birthday with the household agreeing
(NEAR_FAMILY_MIN: siblings share the household, never the birthday); anything else counts
against (-20, or -6 when the fuzzy pinyin is still 85% alike). Names are compared in simplified
characters (`names.simplified`): 陳嘉豪 is 陈嘉豪, with its own reason.

A run can be split into parts by birth year ("parts" below): each reads the records as a stream
and keeps only its own, and the parts together report what one run reports.
"""
from __future__ import annotations

import gc
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import combinations

from rapidfuzz import fuzz
from rapidfuzz.distance import Hamming

from .idcard import IdNumberError, parse_id
from .names import fuzzy_pinyin, simplified, split_name

__all__ = [
    "Candidate", "NotSame", "CONFUSABLE", "THRESHOLD", "find_duplicates", "compare", "prepare", "score_prepared",
    "blocking_keys", "swap_day_month", "NameCounts", "name_counts", "parts_of",
]

THRESHOLD = 0.5
PIVOT = 12.0  # points at which the score is 0.5
SCALE = 3.0   # points per e-fold of the odds
RHYME_FALLBACK = False  # see the module docstring: measured, it finds more 形近字 and more twins
BLOCK_CAP = 50  # records per block after refinement; larger blocks are skipped (counted)

# --- evidence weights (points) -------------------------------------------------------------
W_NAME_SAME = 9.0        # minus the name's frequency penalty (`_tf`)
W_HOMOPHONE = 8.0        # fuzzy pinyin equal, characters differ
W_SHAPE = 7.0            # one character from CONFUSABLE (each further one: -1.5)
W_SURNAME = 5.0          # given names equal, surnames differ (one-character given names: 3)
W_SURNAME_HOMOPHONE = 4.0  # given names homophones, surnames differ
W_FALLBACK = 2.0         # same length, one character differs, same pinyin initial
W_NAME_NEAR = -6.0       # fuzzy pinyin ≥ 85% alike (rapidfuzz ratio)
# Near misses of the given name (`_near_miss`): the same surname and given-name characters, but two
# swapped, one dropped or doubled, or a pet-name form. They count only when the birth date agrees
# and the household does (NEAR_FAMILY_MIN), else as W_NAME_NEAR: see the module docstring.
W_NAME_SWAP = 5.0        # 嘉豪/豪嘉
W_NAME_DOUBLE = 4.0      # 乐/乐乐, 嘉豪/嘉嘉豪
W_NAME_PET = 3.0         # 嘉豪/小豪, 阿豪, 豪豪
W_NAME_DROP = 3.0        # 嘉豪/嘉
NEAR_FAMILY_MIN = 4.0    # family points a near-miss name needs: a parent's name and phone, ID, both names ...
W_NAME_DIFF = -20.0
W_BD_SAME = 6.0
W_BD_SWAP = 5.0          # day and month swapped
W_BD_ID = 4.0            # one birth date equals the one in the other's ID number
W_BD_NEAR = 1.0          # two of year, month, day equal (a typo)
W_BD_DIFF = -8.0
W_ID_CONFLICT = -14.0    # two different valid ID numbers
W_ID_NEAR = 6.0          # one invalid number at most 2 digits away from the other
W_ID_SAME_INVALID = 8.0  # the same invalid number on both
W_ID_DIFF_INVALID = -3.0
W_SEX_DIFF = -10.0       # registration errors in sex are rare; twins often differ
W_SEX_SAME = 0.5
W_PARENT_NAME = 2.5
W_PARENT_NAME_FUZZY = 2.0
W_PARENT_NAME_DIFF = -2.5
W_PARENT_ID = 3.0
W_PARENT_ID_DIFF = -3.0
W_PARENT_PHONE = 1.5
W_CARER = 1.0            # carer's phone equal; and again for the carer's name
W_SURNAME_EXPLAINED = 3.0  # new surname = the step-father's or the mother's (`_surname_explained`): LR ~e
W_FAMILY_CAP = 9.0       # parents and carer together add at most this
W_CLASS = 2.0
W_SCHOOL = 0.5
W_VILLAGE = 1.5
W_TOWNSHIP = 0.5
W_ADDRESS = 1.5          # same address detail in the same village
W_HOUSEHOLD_CAP = 10.0   # family and place together: they say "same household", which twins share too
W_SAME_ENTRY = -14.0     # names differ and both were entered in one sitting: twins are registered together

# --- similar-shape characters (形近字) --------------------------------------------------------
# Groups of characters that are commonly confused in handwriting, copying and OCR, collected from
# the 形近字 lists used in primary-school teaching and limited to characters used in names:
# surnames first, then given-name characters. Homophones need no entry (fuzzy pinyin finds them).
# Any two characters of a group are confusable. Keep groups small: every pair is trusted.
_CONFUSABLE_GROUPS = (
    # surnames
    "陆陈际", "杨扬汤", "汪江", "王玉主", "吴昊吕", "曹曾", "宋宗", "余佘", "李季", "秦泰奉", "徐涂", "孙逊",
    "赵起", "周同", "马乌鸟", "朱未末米", "何河", "邓郑", "袁哀衰", "潘番", "杜社", "沈沉", "姚桃", "卢户",
    "崔催", "钟种", "谭潭覃", "范苑", "石右", "贾买", "夏复", "付村", "方万", "白百自", "邹刍", "孟盂",
    "熊能", "尹伊", "闫闰", "段锻", "雷雪", "侯候", "龙尤", "史吏", "贺货", "顾硕", "毛手", "邵绍", "钱浅",
    "田由甲申", "苏芬", "任仕", "丁于", "叶吐", "龚袭", "解触", "查杏",
    # given-name characters
    "己已巳", "土士", "日曰", "大太犬", "天夭夫", "人入八", "千干于", "刀力", "贝见", "冶治怡", "戊戌戍",
    "栗粟", "徽微", "晴睛情请清", "思恩", "佳住", "金全", "宇字宁", "文又", "阳阴", "紫柴", "诗待持特",
    "可司", "悦说锐", "晶品", "磊晶", "泽择译", "豪毫", "子孑了", "明朋", "军车", "平乎", "林材", "海梅",
    "红江", "秀季", "玲冷", "娟捐", "鹏朋", "博傅搏", "波坡", "梦楚", "雅稚", "静睁", "凯剀", "俊浚",
    "彤丹", "兰当", "丽两", "欣炊", "航杭", "斌赋", "建健", "辉挥", "峰锋", "涛祷", "英央", "燕蒸",
    "敏繁", "艳绝", "伟纬", "强弹", "华毕", "国围", "刚冈", "帆帜", "颖颍", "瑶谣", "萱宣", "琪棋",
    "涵函", "雨两", "芳苏", "娜哪", "慧彗", "雪雷", "月目", "洁浩", "晨晟", "鑫森", "毅殷", "铭络",
    "睿叡", "然燃", "诚城", "乐东", "一二", "昊吴", "天元", "明阴", "欢劝", "玉王", "莉利", "婷停",
)


def _confusable_table(groups: Iterable[str]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for g in groups:
        for ch in g:
            out[ch] |= set(g) - {ch}
    return {k: frozenset(v) for k, v in out.items()}


CONFUSABLE: dict[str, frozenset[str]] = _confusable_table(_CONFUSABLE_GROUPS)

# Reason codes → Chinese sentence templates (`Candidate.reasons`).
REASONS = {
    "ID_SAME": "公民身份号码相同",
    "ID_NEAR": "公民身份号码仅差{0}位（一方号码校验不通过）",
    "ID_SAME_INVALID": "公民身份号码相同（号码校验不通过）",
    "ID_MISSING": "一方缺公民身份号码",
    "ID_CONFLICT": "两条记录的公民身份号码都有效但不同",
    "NAME_SAME": "姓名相同",
    "NAME_HOMOPHONE": "姓名同音：{0}／{1}",
    "NAME_SHAPE": "姓名形近字：{0}／{1}",
    "NAME_SURNAME": "姓氏不同、名字相同：{0}／{1}",
    "NAME_SURNAME_HOMOPHONE": "姓氏不同、名字同音：{0}／{1}",
    "NAME_SIMILAR": "姓名字数相同、仅一字不同且拼音首字母相同：{0}／{1}",
    "NAME_TRADITIONAL": "姓名繁简体不同：{0}／{1}",
    "NAME_SWAP": "姓名前后两字颠倒：{0}／{1}",
    "NAME_DROP": "姓名少一字：{0}／{1}",
    "NAME_DOUBLE": "姓名多一叠字：{0}／{1}",
    "NAME_PET": "姓名为小名（小、阿加一字或叠字）：{0}／{1}",
    "BD_SAME": "出生日期相同",
    "BD_SWAP": "出生日期日月颠倒：{0}／{1}",
    "BD_ID": "出生日期与对方身份号码中的出生日期一致",
    "BD_NEAR": "出生日期仅一处不同：{0}／{1}",
    "BD_DIFF": "出生日期不同",
    "SEX_DIFF": "性别不同",
    "FATHER_NAME": "父亲姓名相同",
    "MOTHER_NAME": "母亲姓名相同",
    "FATHER_NAME_FUZZY": "父亲姓名同音",
    "MOTHER_NAME_FUZZY": "母亲姓名同音",
    "FATHER_ID": "父亲身份号码相同",
    "MOTHER_ID": "母亲身份号码相同",
    "FATHER_PHONE": "父亲电话相同",
    "MOTHER_PHONE": "母亲电话相同",
    "CARER_PHONE": "委托照护人电话相同",
    "CARER_NAME": "委托照护人姓名相同",
    "SAME_CLASS": "同一班级",
    "SAME_SCHOOL": "同一学校",
    "SAME_VILLAGE": "同村（社区）",
    "SAME_TOWNSHIP": "同乡镇",
    "SAME_ADDRESS": "详细地址相同",
    "STEPFATHER": "姓氏随父亲不同而不同（母亲相同，可能随继父姓）",
    "MOTHER_SURNAME": "姓氏与对方记录中母亲的姓相同（可能改随母姓）",
    "SAME_ENTRY": "同一次录入、姓名不同（双胞胎常一起登记）",
    "LINKED": "两条记录都与第三份档案高度相似（同一儿童的多份登记）",  # no name: the reader may not see the third
}


@dataclass(frozen=True)
class Candidate:
    """A candidate pair: `a` and `b` are the records' ids (a from the earlier record in the input),
    `score` in [0, 1], `codes` the reason codes and `reasons` the Chinese sentences, in order."""

    a: Hashable
    b: Hashable
    score: float
    codes: tuple[str, ...]
    reasons: tuple[str, ...]
    points: float


class NotSame:
    """Pairs of record ids a user marked "not the same child": never reported again. Order-free."""

    def __init__(self, pairs: Iterable[tuple[Hashable, Hashable]] = ()) -> None:
        self._pairs: set[frozenset] = set()
        for a, b in pairs:
            self.add(a, b)

    def add(self, a: Hashable, b: Hashable) -> None:
        self._pairs.add(frozenset((a, b)))

    def __contains__(self, pair) -> bool:
        return frozenset(pair) in self._pairs

    def __len__(self) -> int:
        return len(self._pairs)


# --- features -------------------------------------------------------------------------------

def swap_day_month(d: date | None) -> date | None:
    """The date with day and month exchanged (2015-03-07 → 2015-07-03); None when that is no
    different date (day > 12, or day == month)."""
    if d is None or d.day > 12 or d.day == d.month:
        return None
    return date(d.year, d.day, d.month)


def _as_date(v) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, date):
        return v if type(v) is date else date(v.year, v.month, v.day)  # datetime → date
    try:
        return date.fromisoformat(str(v).strip()[:10])
    except ValueError:
        return None


def _s(v) -> str:
    return "" if v is None else "".join(str(v).split())


@lru_cache(maxsize=None)
def _given_syllables(given: str) -> tuple[str, ...]:
    # fuzzy_pinyin reads the first character of a bare string as a surname, so read the given
    # name after a plain surname (王: no compound surname starts with it) and drop that syllable.
    return tuple(fuzzy_pinyin("王" + given).split(" ")[1:]) if given else ()


@lru_cache(maxsize=None)
def _surname_syllables(surname: str) -> tuple[str, ...]:
    return tuple(fuzzy_pinyin(surname).split(" ")) if surname else ()


@lru_cache(maxsize=None)
def _split(name: str) -> tuple[str, str]:
    return split_name(name)


@lru_cache(maxsize=1 << 16)
def _simplified(name: str) -> str:
    return simplified(name)


@lru_cache(maxsize=1 << 16)
def _name_fuzzy(name: str) -> str:
    return fuzzy_pinyin(name) if name else ""


_ID_CACHE_TODAY = date(2100, 1, 1)  # a valid birth date in an ID only has to be in the past of *some* day


def _id_info(s: str) -> tuple[bool, date | None]:
    if len(s) != 18:
        return False, None
    try:
        return True, parse_id(s, today=_ID_CACHE_TODAY).birth_date
    except IdNumberError:
        return False, None


class Rec:
    """Prepared features of one record (see module docstring). Made by `prepare`."""

    __slots__ = (
        "idx", "id", "raw", "name", "surname", "given", "gsyl", "syl", "fz", "gfz", "sfz", "sex", "bd", "bd_id", "idn", "id_ok",
        "father", "mother", "ffz", "mfz", "fid", "mid", "fphone", "mphone", "carer", "cphone",
        "village", "school", "klass", "address", "entry", "n_name", "n_fz", "n_given",
    )

    def __init__(self, idx: int, r: Mapping) -> None:
        self.idx = idx
        self.id = r.get("id", idx)
        raw = _s(r.get("name"))
        self.raw = raw
        name = self.name = _simplified(raw)  # 陳嘉豪 is compared as 陈嘉豪
        surname, given = _split(name)
        self.surname, self.given = surname, given
        ssyl, gsyl = _surname_syllables(surname), _given_syllables(given)
        self.gsyl = gsyl
        syl = ssyl + gsyl
        self.syl = syl if len(syl) == len(name) else None  # one syllable per character, or no alignment
        self.fz = " ".join(syl) if name else ""
        self.gfz = " ".join(gsyl)
        self.sfz = " ".join(ssyl)
        self.sex = _s(r.get("sex"))
        self.bd = _as_date(r.get("birth_date"))
        idn = _s(r.get("id_number")).upper()
        self.idn = idn
        self.id_ok, self.bd_id = _id_info(idn) if idn else (False, None)
        self.father, self.mother = _simplified(_s(r.get("father_name"))), _simplified(_s(r.get("mother_name")))
        self.ffz = _name_fuzzy(self.father)
        self.mfz = _name_fuzzy(self.mother)
        self.fid, self.mid = _s(r.get("father_id_number")).upper(), _s(r.get("mother_id_number")).upper()
        self.fphone, self.mphone = _s(r.get("father_phone")), _s(r.get("mother_phone"))
        self.carer, self.cphone = _simplified(_s(r.get("carer_name"))), _s(r.get("carer_phone"))
        self.village = _s(r.get("village_code"))
        school, klass = r.get("school_id"), r.get("school_class_id")
        self.school = None if school in (None, "") else school
        self.klass = None if klass in (None, "") else klass
        self.address = _s(r.get("address_detail"))
        self.entry = _s(r.get("entered_in"))
        self.n_name = self.n_fz = self.n_given = 1


@dataclass
class NameCounts:
    """How often each (simplified) name, its fuzzy pinyin and its fuzzy given name occur: the
    frequency penalty's counts (`_tf`). One batch's own (`prepare`), or the whole county's when the
    run is split into parts (`name_counts`), so that every part scores as the whole run would."""

    name: Counter
    fz: Counter
    given: Counter


def name_counts(names: Iterable[tuple[str, int]]) -> NameCounts:
    """Counts from (name as written, how many records carry it) — a GROUP BY over the names, or a
    Counter over a stream: memory grows with the distinct names, not with the records."""
    out = NameCounts(Counter(), Counter(), Counter())
    for raw, n in names:
        name = _simplified(_s(raw))
        surname, given = _split(name)
        gsyl = _given_syllables(given)
        out.name[name] += n
        out.fz[" ".join(_surname_syllables(surname) + gsyl) if name else ""] += n
        out.given[" ".join(gsyl)] += n
    return out


def prepare(records: Iterable[Mapping], counts: NameCounts | None = None, keep: Callable[[Rec], bool] | None = None) -> list[Rec]:
    """Features of every record (of those `keep` accepts), with name frequencies from `counts`, else
    counted over this batch."""
    recs: list[Rec] = []
    for r in records:
        rec = Rec(len(recs), r)
        if keep is None or keep(rec):
            recs.append(rec)
        else:
            rec.idx = -1
    if counts is None:
        counts = NameCounts(Counter(r.name for r in recs), Counter(r.fz for r in recs), Counter(r.gfz for r in recs))
    names, fzs, givens = counts.name, counts.fz, counts.given
    for r in recs:
        r.n_name, r.n_fz, r.n_given = names[r.name] or 1, fzs[r.fz] or 1, givens[r.gfz] or 1
    return recs


# --- parts: a county or province run split by birth year -------------------------------------
# A part is a birth year Y: it holds every record with a date (birth date, the ID number's, either
# swapped) in Y or Y+1, and reports a pair only in the pair's home part, the first year both are
# in. So every pair with dates at most a year apart is compared in exactly one part, and
# the parts together find what one run over everything finds (a test checks it on generated
# data). Pairs further apart in every date score W_BD_DIFF and could reach the threshold only
# with a shared valid ID number — whose birth date both records then have among their dates, so
# they meet in that year's part. A record with no date at all is in every part. Parts are
# independent: a task queue runs them on as many workers as it has.


def record_years(rec: Rec) -> frozenset[int]:
    return frozenset(d.year for d in _dates(rec))


def _covers(years: frozenset[int], part: int) -> bool:
    return not years or any(0 <= y - part <= 1 for y in years)


def home_part(a: Rec, b: Rec) -> int | None:
    """The part that reports the pair (None: no birth-year part holds both)."""
    ya, yb = record_years(a), record_years(b)
    cands = sorted({y - d for y in (ya or yb) for d in (0, 1)})
    for part in cands:
        if _covers(ya, part) and _covers(yb, part):
            return part
    return None


def _maybe_in(r: Mapping, part: int) -> bool:
    """A cheap superset of `_covers` on the raw record: its birth year and the ID number's digits."""
    d = r.get("birth_date")
    years = []
    if d:
        years.append(d.year if isinstance(d, date) else int(str(d)[:4]) if str(d)[:4].isdigit() else None)
    idn = r.get("id_number") or ""
    if len(idn) == 18 and idn[6:10].isdigit():
        years.append(int(idn[6:10]))
    years = [y for y in years if y is not None]
    return not years or any(0 <= y - part <= 1 for y in years)


def parts_of(records: Iterable[Mapping]) -> list[int]:
    """The parts a run over these records needs: every birth year seen and the year before."""
    years: set[int] = set()
    for r in records:
        d = _as_date(r.get("birth_date"))
        if d is not None:
            years.add(d.year)
    return sorted({y - d for y in years for d in (0, 1)})


_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "z", "c", "s", "r", "y", "w")


@lru_cache(maxsize=None)
def _final(syllable: str) -> str:
    """The rhyme of a (fuzzy) syllable: what follows its initial ('tong' → 'ong', 'xin' → 'in')."""
    for ini in _INITIALS:
        if syllable.startswith(ini) and len(syllable) > len(ini):
            return syllable[len(ini):]
    return syllable


def _tf(n: int) -> float:
    """Frequency penalty of a name seen n times in the batch: 0 for a unique pair, at most 3."""
    return min(3.0, math.log2(max(n, 2) / 2))


# --- scoring --------------------------------------------------------------------------------

def _name(a: Rec, b: Rec, out: list) -> float:
    if not a.name or not b.name:
        return 0.0
    if a.name == b.name:
        out.append(("NAME_SAME",) if a.raw == b.raw else ("NAME_TRADITIONAL", a.raw, b.raw))
        return W_NAME_SAME - _tf(min(a.n_name, b.n_name))
    if a.fz == b.fz:
        out.append(("NAME_HOMOPHONE", a.raw, b.raw))
        return W_HOMOPHONE - _tf(min(a.n_fz, b.n_fz))
    surname_changed = a.surname != b.surname and bool(a.given) and bool(b.given)
    if a.syl is not None and b.syl is not None and len(a.name) == len(b.name):
        shape = fallback = other = 0
        diff_at: list[int] = []
        for i, (x, y) in enumerate(zip(a.name, b.name, strict=True)):
            if x == y or a.syl[i] == b.syl[i]:
                continue
            diff_at.append(i)
            if y in CONFUSABLE.get(x, ()):
                shape += 1
            elif a.syl[i][:1] == b.syl[i][:1] or (RHYME_FALLBACK and _final(a.syl[i]) == _final(b.syl[i])):
                fallback += 1
            else:
                other += 1
        if not diff_at:  # every differing character a homophone; the phrase reading of another differed (乐毅 yue yi)
            out.append(("NAME_HOMOPHONE", a.raw, b.raw))
            return W_HOMOPHONE - _tf(min(a.n_fz, b.n_fz))
        if shape and not (fallback or other):
            out.append(("NAME_SHAPE", a.raw, b.raw))
            return W_SHAPE - 1.5 * (shape - 1)
        only_surname = len(a.surname) == len(b.surname) and all(i < len(a.surname) for i in diff_at)
        if not (surname_changed and only_surname) and fallback == 1 and not other and not shape:
            if len(a.given) == len(b.given):
                out.append(("NAME_SIMILAR", a.raw, b.raw))
                return W_FALLBACK
    near = _near_miss(a, b)
    if near:
        out.append((near, a.raw, b.raw))
        return _NEAR_POINTS[near]
    if surname_changed:
        if a.given == b.given:
            out.append(("NAME_SURNAME", a.raw, b.raw))
            return (W_SURNAME if len(a.given) > 1 else W_SURNAME - 2) - _tf(min(a.n_given, b.n_given))
        if a.gfz == b.gfz:
            out.append(("NAME_SURNAME_HOMOPHONE", a.raw, b.raw))
            return (W_SURNAME_HOMOPHONE if len(a.given) > 1 else W_SURNAME_HOMOPHONE - 2) - _tf(min(a.n_given, b.n_given))
    if fuzz.ratio(a.fz, b.fz) >= 85:
        return W_NAME_NEAR
    return W_NAME_DIFF


_NEAR_POINTS = {"NAME_SWAP": W_NAME_SWAP, "NAME_DOUBLE": W_NAME_DOUBLE, "NAME_PET": W_NAME_PET, "NAME_DROP": W_NAME_DROP}
_PET_PREFIXES = frozenset("小阿")


def _near_miss(a: Rec, b: Rec) -> str | None:
    """How the given names are a near miss of each other, with the same surname (a reason code), else
    None. Compared by fuzzy syllable, so a homophone on top (嘉豪/豪家) still counts:
    - NAME_SWAP: two neighbouring characters swapped (张嘉豪/张豪嘉: a clerk's slip copying a list);
    - NAME_DOUBLE: one character written twice (张乐/张乐乐, the 叠字 pet form; 张嘉豪/张嘉嘉豪);
    - NAME_PET: 小 or 阿 and one character of the other given name, or that character doubled
      (张嘉豪/张小豪/张阿豪/张豪豪): the name the family calls the child, given at the door;
    - NAME_DROP: one character left out (张嘉豪/张嘉): a pet name or a clerk's slip."""
    if not (a.given and b.given and a.gsyl and b.gsyl) or a.sfz != b.sfz:
        return None
    x, y = a.gsyl, b.gsyl
    if len(x) == len(y):
        if len(x) >= 2:
            d = [i for i in range(len(x)) if x[i] != y[i]]
            if len(d) == 2 and d[1] == d[0] + 1 and x[d[0]] == y[d[1]] and x[d[1]] == y[d[0]]:
                return "NAME_SWAP"
        if len(x) == 2:
            for g, gs, other in ((a.given, x, y), (b.given, y, x)):
                if (g[0] in _PET_PREFIXES or g[0] == g[1]) and gs[1] in other and gs != other:
                    return "NAME_PET"
        return None
    short, long_ = (x, y) if len(x) < len(y) else (y, x)
    if len(long_) != len(short) + 1:
        return None
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1:] == short:
            if i == 0 and (a.given if len(x) > len(y) else b.given)[0] in _PET_PREFIXES:
                return "NAME_PET"  # 张豪/张小豪
            if (i > 0 and long_[i - 1] == long_[i]) or (i + 1 < len(long_) and long_[i + 1] == long_[i]):
                return "NAME_DOUBLE"
            return "NAME_DROP"
    return None


def _birth(a: Rec, b: Rec, out: list) -> float:
    da, db = a.bd, b.bd
    if da is None or db is None:
        return 0.0
    if da == db:
        out.append(("BD_SAME",))
        return W_BD_SAME
    if swap_day_month(da) == db:
        out.append(("BD_SWAP", da.isoformat(), db.isoformat()))
        return W_BD_SWAP
    if (a.bd_id is not None and a.bd_id == db) or (b.bd_id is not None and b.bd_id == da):
        out.append(("BD_ID",))
        return W_BD_ID
    if (da.year == db.year) + (da.month == db.month) + (da.day == db.day) == 2:
        out.append(("BD_NEAR", da.isoformat(), db.isoformat()))
        return W_BD_NEAR
    out.append(("BD_DIFF",))
    return W_BD_DIFF


def _idnum(a: Rec, b: Rec, out: list) -> float:
    x, y = a.idn, b.idn
    if not x or not y:
        if x or y:
            out.append(("ID_MISSING",))
        return 0.0
    if x == y:
        out.append(("ID_SAME_INVALID",))
        return W_ID_SAME_INVALID
    if a.id_ok and b.id_ok:
        out.append(("ID_CONFLICT",))
        return W_ID_CONFLICT
    if len(x) == len(y):
        d = Hamming.distance(x, y)
        if d <= 2:
            out.append(("ID_NEAR", d))
            return W_ID_NEAR
    return W_ID_DIFF_INVALID


def _surname_explained(a: Rec, b: Rec) -> str | None:
    """Why the surname differs, when the records say so (a reason code), else None.

    - STEPFATHER: the fathers differ, one record's surname is its own father's (the other child
      may have had the mother's surname before) and the mother is the same (name, ID number or
      phone). After a mother remarries, the child is often registered again with the
      step-father's surname, with him as the father, where the new family lives (随继父姓);
      unrelated children with the same given name and birth date rarely share the mother too.
    - MOTHER_SURNAME: one record's surname is the other record's mother's surname: children are
      re-registered with the mother's surname after a divorce or in a matrilocal marriage (随母姓);
      by chance this happens only as often as that surname does (王 7%, 刘 5% ...).
    In both the other father (or none) is expected, not evidence against."""
    if a.surname == b.surname:
        return None
    if (a.father and b.father and a.ffz != b.ffz
            and (_split(a.father)[0] == a.surname or _split(b.father)[0] == b.surname)
            and ((bool(a.mother) and a.mfz == b.mfz) or (bool(a.mid) and a.mid == b.mid)
                 or (bool(a.mphone) and a.mphone == b.mphone))):
        return "STEPFATHER"
    if (b.mother and _split(b.mother)[0] == a.surname) or (a.mother and _split(a.mother)[0] == b.surname):
        return "MOTHER_SURNAME"
    return None


def _family(a: Rec, b: Rec, out: list, surname_why: str | None = None) -> float:
    pts = 0.0
    if surname_why:
        pts += W_SURNAME_EXPLAINED
        out.append((surname_why,))
    for who, an, bn, af, bf, ai, bi, ap, bp in (
        ("FATHER", a.father, b.father, a.ffz, b.ffz, a.fid, b.fid, a.fphone, b.fphone),
        ("MOTHER", a.mother, b.mother, a.mfz, b.mfz, a.mid, b.mid, a.mphone, b.mphone),
    ):
        # another father is expected with an explained surname change: not evidence against
        against = 0.0 if surname_why and who == "FATHER" else 1.0
        if an and bn:
            if an == bn:
                pts += W_PARENT_NAME
                out.append((who + "_NAME",))
            elif af == bf:
                pts += W_PARENT_NAME_FUZZY
                out.append((who + "_NAME_FUZZY",))
            else:
                pts += W_PARENT_NAME_DIFF * against
        if ai and bi:
            if ai == bi:
                pts += W_PARENT_ID
                out.append((who + "_ID",))
            else:
                pts += W_PARENT_ID_DIFF * against
        if ap and ap == bp:
            pts += W_PARENT_PHONE
            out.append((who + "_PHONE",))
    if a.cphone and a.cphone == b.cphone:
        pts += W_CARER
        out.append(("CARER_PHONE",))
    if a.carer and a.carer == b.carer:
        pts += W_CARER
        out.append(("CARER_NAME",))
    return min(pts, W_FAMILY_CAP)


def _place(a: Rec, b: Rec, out: list) -> float:
    pts = 0.0
    if a.klass is not None and a.klass == b.klass:
        pts += W_CLASS
        out.append(("SAME_CLASS",))
    elif a.school is not None and a.school == b.school:
        pts += W_SCHOOL
        out.append(("SAME_SCHOOL",))
    if a.village and a.village == b.village:
        pts += W_VILLAGE
        out.append(("SAME_VILLAGE",))
        if a.address and a.address == b.address:
            pts += W_ADDRESS
            out.append(("SAME_ADDRESS",))
    elif a.village[:9] and a.village[:9] == b.village[:9]:
        pts += W_TOWNSHIP
        out.append(("SAME_TOWNSHIP",))
    return pts


# The most that everything after the name can add: a pair whose name scores below
# floor - _MAX_AFTER_NAME cannot reach the threshold and is not looked at further.
_MAX_AFTER_NAME = W_BD_SAME + W_ID_SAME_INVALID + W_SEX_SAME + W_HOUSEHOLD_CAP


def _points(a: Rec, b: Rec, floor: float = -math.inf) -> tuple[float, list]:
    """Evidence points for a pair and the reasons (code, *args) in order; inf for a shared valid
    ID. Below `floor` the points are only an upper bound and the reasons incomplete."""
    out: list = []
    if a.id_ok and a.idn == b.idn:
        out.append(("ID_SAME",))
        _name(a, b, out)
        _birth(a, b, out)
        return math.inf, out
    pts = _name(a, b, out)
    if pts + _MAX_AFTER_NAME < floor:
        return pts + _MAX_AFTER_NAME, out
    name_code = out[-1][0] if out else None
    why = _surname_explained(a, b) if name_code in ("NAME_SURNAME", "NAME_SURNAME_HOMOPHONE") else None
    n_birth = len(out)
    birth = _birth(a, b, out)
    birth_agrees = len(out) > n_birth and out[n_birth][0] in ("BD_SAME", "BD_SWAP", "BD_ID")
    pts += birth + _idnum(a, b, out)
    if a.entry and a.entry == b.entry and name_code not in ("NAME_SAME", "NAME_TRADITIONAL"):
        pts += W_SAME_ENTRY  # the same name entered twice in one sitting is a double entry, not twins
        out.append(("SAME_ENTRY",))
    if a.sex and b.sex:
        if a.sex != b.sex:
            pts += W_SEX_DIFF
            out.append(("SEX_DIFF",))
        else:
            pts += W_SEX_SAME
    family = _family(a, b, out, why)
    if name_code in _NEAR_POINTS and not (birth_agrees and family >= NEAR_FAMILY_MIN):
        # A near-miss name is the same child only in the same household on the same birthday: a
        # sibling 张嘉 born two years after 张嘉豪, or a namesake-like 张豪嘉 elsewhere, is not.
        pts += W_NAME_NEAR - _NEAR_POINTS[name_code]
    pts += min(W_HOUSEHOLD_CAP, family + _place(a, b, out))
    return pts, out


def _score(points: float) -> float:
    if points == math.inf:
        return 1.0
    z = (points - PIVOT) / SCALE
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def score_prepared(a: Rec, b: Rec) -> Candidate:
    """The candidate for two prepared records, whatever its score (`a` first)."""
    pts, out = _points(a, b)
    return Candidate(
        a=a.id, b=b.id, score=_score(pts), codes=tuple(c[0] for c in out),
        reasons=tuple(REASONS[c[0]].format(*c[1:]) for c in out), points=pts,
    )


def compare(a: Mapping, b: Mapping) -> Candidate:
    """Score one pair of plain records on their own (name frequencies count as unique)."""
    ra, rb = prepare([a, b])
    ra.n_name = ra.n_fz = ra.n_given = rb.n_name = rb.n_fz = rb.n_given = 1
    return score_prepared(ra, rb)


# --- blocking -------------------------------------------------------------------------------

def _dates(r: Rec) -> set[date]:
    ds = {d for d in (r.bd, r.bd_id) if d is not None}
    return ds | {s for s in map(swap_day_month, ds) if s is not None}


# (family, function of a record giving its keys in that family). A family's keys never meet
# another family's: each family is grouped on its own.
_KEY_FAMILIES: tuple[tuple[str, Callable[[Rec], Iterable[Hashable]]], ...] = (
    ("id", lambda r: (r.idn,) if r.id_ok else ()),
    ("birth+village", lambda r: ((d, r.village) for d in _dates(r))),
    ("surname+birth", lambda r: ((r.sfz, d) for d in _dates(r)) if r.sfz else ()),
    ("given+birth", lambda r: ((r.gfz, d) for d in _dates(r)) if r.gfz else ()),
    ("name+year", lambda r: ((r.fz, y) for y in {d.year for d in _dates(r)}) if r.fz else ()),
    ("name+village", lambda r: ((r.fz, r.village),) if r.fz and r.village else ()),
    ("given+class", lambda r: ((r.gfz, r.klass),) if r.gfz and r.klass is not None else ()),
    ("parents", lambda r: ((r.ffz, r.mfz),) if r.ffz and r.mfz else ()),
    ("father_id", lambda r: (r.fid,) if len(r.fid) >= 15 else ()),
    ("mother_id", lambda r: (r.mid,) if len(r.mid) >= 15 else ()),
    ("father_phone", lambda r: (r.fphone,) if len(r.fphone) >= 7 else ()),
    ("mother_phone", lambda r: (r.mphone,) if len(r.mphone) >= 7 else ()),
    ("carer_phone", lambda r: (r.cphone,) if len(r.cphone) >= 7 else ()),
)
_REFINE = (lambda r: r.village[:6], lambda r: r.village[:9], lambda r: r.village)


def blocking_keys(rec: Rec) -> list[tuple[str, Hashable]]:
    """Every (family, key) of a prepared record (for tests and for explaining a pair)."""
    return [(fam, k) for fam, fn in _KEY_FAMILIES for k in fn(rec)]


def _blocks(recs: list[Rec], stats: dict) -> Iterator[list[int]]:
    """Blocks of record indexes (at most BLOCK_CAP each), family by family."""
    for fam, fn in _KEY_FAMILIES:
        groups: dict[Hashable, list[int]] = defaultdict(list)
        for r in recs:
            for k in fn(r):
                groups[k].append(r.idx)
        n_blocks = 0
        for members in groups.values():
            if len(members) < 2:
                continue
            stack = [(members, 0)]
            while stack:
                ms, level = stack.pop()
                if len(ms) <= BLOCK_CAP:
                    n_blocks += 1
                    yield ms
                elif level < len(_REFINE):
                    sub: dict[str, list[int]] = defaultdict(list)
                    refine = _REFINE[level]
                    for i in ms:
                        sub[refine(recs[i])].append(i)
                    stack.extend((s, level + 1) for s in sub.values() if len(s) > 1)
                else:
                    stats["skipped_blocks"] = stats.get("skipped_blocks", 0) + 1
                    stats["skipped_records"] = stats.get("skipped_records", 0) + len(ms)
        stats.setdefault("blocks", {})[fam] = n_blocks
        del groups


def candidate_pairs(recs: list[Rec], stats: dict | None = None) -> Iterator[tuple[int, int]]:
    """Distinct (i, j), i < j, of records sharing at least one block."""
    stats = {} if stats is None else stats
    n = len(recs)
    seen: set[int] = set()
    for block in _blocks(recs, stats):
        block.sort()
        for i, j in combinations(block, 2):
            key = i * n + j
            if key not in seen:
                seen.add(key)
                yield i, j
    stats["pairs"] = len(seen)


def find_duplicates(
    records: Iterable[Mapping] | list[Rec],
    *,
    threshold: float = THRESHOLD,
    not_same: NotSame | None = None,
    stats: dict | None = None,
    part: int | None = None,
    counts: NameCounts | None = None,
    region: str = "",
) -> list[Candidate]:
    """Candidate duplicate pairs with score ≥ threshold, best first. `records` are plain mappings
    (or the output of `prepare`); `stats` (a dict, if given) gets the blocking figures.

    With `part` (a birth year), only that part of the run (see "parts" above): the
    records are read once as a stream and only the part's are kept; `counts` (`name_counts` of all
    records) makes the scores those of the whole run. `region` (a region code prefix) keeps only
    the records whose village code starts with it: a province runs each prefecture's (or county's)
    parts on its own, so a part holds one region's two birth years whatever the province's size."""
    # No cyclic garbage collection while comparing: nothing here makes cycles, and with a million
    # records every full collection walks them all again (1.7× slower at 300,000 records).
    enabled = gc.isenabled()
    gc.disable()
    try:
        if region:
            records = (r for r in records if str(r.get("village_code") or "").startswith(region))
        return _find(records, threshold, not_same, {} if stats is None else stats, part, counts)
    finally:
        if enabled:
            gc.enable()


def _find(records, threshold: float, not_same: NotSame | None, stats: dict, part: int | None = None,
          counts: NameCounts | None = None, home: Callable[[Rec, Rec], bool] | None = None) -> list[Candidate]:
    if part is not None and home is None:
        return _find_part(records, threshold, not_same, stats, part, counts)
    recs = records if isinstance(records, list) and records and isinstance(records[0], Rec) else prepare(records, counts)
    # points at the threshold: compare points, make sentences only for the candidates
    min_points = PIVOT + SCALE * math.log(threshold / (1 - threshold)) if 0 < threshold < 1 else (-math.inf if threshold <= 0 else math.inf)
    out: list[Candidate] = []
    for i, j in candidate_pairs(recs, stats):
        a, b = recs[i], recs[j]
        if home is not None and not home(a, b):  # another part scores this pair
            continue
        pts, reasons = _points(a, b, min_points)
        if pts < min_points:
            continue
        if not_same is not None and (a.id, b.id) in not_same:
            continue
        if home is None and home_part(a, b) is None:
            continue  # no birth-year part holds both: the parts the county runs would not pair them either
        score = _score(pts)
        if score < threshold:  # rounding at the edge
            continue
        out.append(_candidate(a, b, pts, reasons))
    out = _resolve(out, recs, not_same, part)
    out.sort(key=lambda c: -c.score)
    stats["candidates"] = len(out)
    return out


def _find_part(records, threshold: float, not_same: NotSame | None, stats: dict, part: int, counts: NameCounts | None) -> list[Candidate]:
    recs = prepare((r for r in records if _maybe_in(r, part)), counts, keep=lambda r: _covers(record_years(r), part))
    first = {r.idx: min(record_years(r), default=part) for r in recs}

    def home(a: Rec, b: Rec) -> bool:
        # most records have one birth year: a pair with one after this part's first year is at home here
        if first[a.idx] > part or first[b.idx] > part:
            return True
        return home_part(a, b) == part

    out = _find(recs, threshold, not_same, stats, part, home=home) if len(recs) > 1 else []
    stats["records"], stats["candidates"] = len(recs), len(out)
    return out


def _candidate(a: Rec, b: Rec, pts: float, reasons: list, score: float | None = None) -> Candidate:
    return Candidate(a=a.id, b=b.id, score=_score(pts) if score is None else score, codes=tuple(c[0] for c in reasons),
                     reasons=tuple(REASONS[c[0]].format(*c[1:]) for c in reasons), points=pts)


def _distinct(a: Rec, b: Rec) -> bool:
    """The data says these are two children: two different valid ID numbers, or two names entered
    in one sitting (twins are registered together)."""
    return (a.id_ok and b.id_ok and a.idn != b.idn) or (bool(a.entry) and a.entry == b.entry and a.name != b.name)


def _resolve(found: list[Candidate], recs: list[Rec], not_same: NotSame | None, part: int | None) -> list[Candidate]:
    """Step 4 of the module docstring, on each birth-year part's pairs (the whole run groups its
    pairs by their home part, so a part run decides exactly as the whole run does)."""
    if len(found) < 2:
        return found
    by_id = {}
    for r in recs:
        by_id[r.id] = r
    groups: dict[int | None, list[Candidate]] = defaultdict(list)
    for c in found:
        groups[part if part is not None else home_part(by_id[c.a], by_id[c.b])].append(c)
    out: list[Candidate] = []
    for home, cands in groups.items():
        out.extend(_resolve_part(cands, by_id, not_same, home))
    return out


def _resolve_part(cands: list[Candidate], by_id: dict, not_same: NotSame | None, home: int | None) -> list[Candidate]:
    # one copy, one child: strongest pairs first, a pair goes when either record already has a
    # partner that the data says is another child than the other record
    partners: dict[Hashable, list[Rec]] = defaultdict(list)
    kept: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (-c.points, str(c.a), str(c.b))):
        a, b = by_id[c.a], by_id[c.b]
        if any(_distinct(p, b) for p in partners[c.a]) or any(_distinct(p, a) for p in partners[c.b]):
            continue
        partners[c.a].append(b)
        partners[c.b].append(a)
        kept.append(c)
    # two copies of one record are a pair themselves
    have = {frozenset((c.a, c.b)) for c in kept}
    points = {frozenset((c.a, c.b)): c for c in kept}
    linked: list[Candidate] = []
    for x, ps in partners.items():
        if len(ps) < 2:
            continue
        for p, q in combinations(sorted(ps, key=lambda r: r.idx), 2):
            key = frozenset((p.id, q.id))
            if key in have or _distinct(p, q) or (not_same is not None and (p.id, q.id) in not_same):
                continue
            if home is not None and home_part(p, q) != home:
                continue
            pts, reasons = _points(p, q)
            if any(code in ("SEX_DIFF", "BD_DIFF") for code, *_ in reasons):
                continue
            via_p, via_q = points[frozenset((x, p.id))], points[frozenset((x, q.id))]
            weaker = via_p if via_p.points <= via_q.points else via_q
            reasons.insert(0, ("LINKED",))
            have.add(key)
            linked.append(_candidate(p, q, weaker.points, reasons, score=weaker.score))
    return kept + linked
