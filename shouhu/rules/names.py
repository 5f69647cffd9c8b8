"""Pinyin keys of personal names, for search ("ljl", "lujin") and duplicate matching.

Pure: strings in, strings out. pypinyin (0.55) has no surname mode, so surnames are read from
our own table: the everyday reading of 单, 曾, 解 ... is wrong for a surname (dan/shan)."""
import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

__all__ = ["name_pinyin", "name_initials", "split_name", "matches_query", "fuzzy_pinyin", "SURNAME_READINGS", "TRADITIONAL", "simplified"]

# Every compound surname is listed with its reading even where pypinyin's phrase dictionary
# happens to agree: 乐正 and some others it gets wrong, and the list doubles as the set of
# compound surnames to split on. Traditional forms are included where names are still written so.
_COMPOUND: dict[str, str] = {
    "欧阳": "ou yang", "司马": "si ma", "上官": "shang guan", "诸葛": "zhu ge", "东方": "dong fang",
    "皇甫": "huang fu", "尉迟": "yu chi", "万俟": "mo qi", "长孙": "zhang sun", "令狐": "ling hu",
    "澹台": "tan tai", "公孙": "gong sun", "慕容": "mu rong", "夏侯": "xia hou", "轩辕": "xuan yuan",
    "宇文": "yu wen", "司徒": "si tu", "端木": "duan mu", "独孤": "du gu", "南宫": "nan gong",
    "西门": "xi men", "单于": "chan yu", "乐正": "yue zheng", "夹谷": "jia gu", "谷梁": "gu liang",
    "亓官": "qi guan", "颛孙": "zhuan sun", "宰父": "zai fu", "漆雕": "qi diao", "壤驷": "rang si",
    "钟离": "zhong li", "闻人": "wen ren", "呼延": "hu yan", "赫连": "he lian", "申屠": "shen tu",
    "公冶": "gong ye", "太史": "tai shi", "百里": "bai li", "仲孙": "zhong sun", "濮阳": "pu yang",
    "淳于": "chun yu", "宗政": "zong zheng", "公羊": "gong yang", "司寇": "si kou", "司空": "si kong",
    "子车": "zi che", "巫马": "wu ma", "公西": "gong xi", "公良": "gong liang", "拓跋": "tuo ba",
    "段干": "duan gan", "东郭": "dong guo", "南门": "nan men", "羊舌": "yang she", "梁丘": "liang qiu",
    "左丘": "zuo qiu", "东门": "dong men", "第五": "di wu",
    "歐陽": "ou yang", "司馬": "si ma", "諸葛": "zhu ge", "東方": "dong fang", "尉遲": "yu chi",
    "萬俟": "mo qi", "長孫": "zhang sun", "澹臺": "tan tai", "公孫": "gong sun", "軒轅": "xuan yuan",
    "獨孤": "du gu", "南宮": "nan gong", "西門": "xi men", "單于": "chan yu",
}
# Single-character surnames whose surname reading differs from pypinyin's default reading of
# the character alone (checked against pypinyin 0.55: 单→dan, 曾→ceng, 区→qu, 阚→han ...).
_SINGLE: dict[str, str] = {
    "曾": "zeng", "单": "shan", "仇": "qiu", "解": "xie", "查": "zha", "区": "ou", "朴": "piao",
    "盖": "ge", "乐": "yue", "覃": "qin", "缪": "miao", "翟": "zhai", "召": "shao", "繁": "po",
    "折": "she", "員": "yun", "种": "chong", "秘": "bi", "冼": "xian", "阚": "kan", "卜": "bu",
    "薄": "bo", "黑": "he", "祭": "zhai", "句": "gou", "都": "du", "能": "nai", "长": "chang",
    "單": "shan", "區": "ou", "樂": "yue", "蓋": "ge", "種": "chong", "繆": "miao",
}
SURNAME_READINGS: dict[str, tuple[str, ...]] = {k: tuple(v.split()) for k, v in {**_COMPOUND, **_SINGLE}.items()}
_LONGEST_SURNAME = max(map(len, SURNAME_READINGS))

# Traditional → simplified forms of the characters used in names (surnames first, then given-name
# characters): a record copied from an old hukou page, a Hong Kong or Taiwan document or typed with
# a traditional input method writes 陳/劉/張. One-to-one only: a traditional form that stands for two
# simplified ones in names (乾 → 干/乾, 鍾/鐘 → 钟) is left out or listed once.
_TRAD_SIMP = (
    "陳陈 劉刘 張张 楊杨 黃黄 趙赵 吳吴 孫孙 馬马 鄭郑 謝谢 韓韩 馮冯 鄧邓 蕭萧 葉叶 蘇苏 呂吕 盧卢 鍾钟 譚谭 陸陆 "
    "賈贾 韋韦 龍龙 賀贺 顧顾 龔龚 錢钱 許许 羅罗 梁梁 曾曾 潘潘 蔣蒋 蔡蔡 魏魏 閆闫 閻阎 嚴严 鄒邹 熊熊 湯汤 "
    "萬万 歐欧 陽阳 鄔邬 鄺邝 聶聂 饒饶 駱骆 鐘钟 溫温 鄔邬 廣广 龐庞 喬乔 莊庄 淩凌 紀纪 費费 鄔邬 "
    "偉伟 華华 國国 強强 傑杰 濤涛 鵬鹏 軍军 麗丽 紅红 蘭兰 靜静 婷婷 穎颖 雲云 東东 輝辉 鋒锋 劍剑 寶宝 "
    "貴贵 鳳凤 龍龙 慶庆 榮荣 興兴 達达 燦灿 聰聪 樂乐 詩诗 語语 夢梦 瑤瑶 萱萱 涵涵 軒轩 豪豪 嘉嘉 "
    "銘铭 鑫鑫 瑩莹 潔洁 藝艺 傑杰 曉晓 蕾蕾 嬌娇 鳴鸣 澤泽 顏颜 憶忆 櫻樱 葦苇 瓊琼 璣玑 瑋玮 煒炜 "
    "楨桢 鴻鸿 躍跃 馳驰 駿骏 麒麒 禮礼 義义 誠诚 遠远 進进 運运 連连 創创 學学 書书 長长 開开 歡欢 "
    "齊齐 濱滨 濰潍 潤润 濟济 滿满 漢汉 海海 為为 愛爱 懷怀 憲宪 慧慧 馨馨 寧宁 實实 賢贤 寬宽 "
    "飛飞 鶴鹤 鷹鹰 鸞鸾 燕燕 鶯莺 麗丽 媛媛 嫻娴 嬋婵 雙双 順顺 碩硕 穎颖 頤颐 顯显 彥彦 輪轮 "
    "瑞瑞 聖圣 賽赛 綺绮 紫紫 綠绿 紹绍 維维 絲丝 繼继 續续 縣县 勝胜 勳勋 勵励 競竞 嶺岭 峯峰 "
    "濤涛 灣湾 慶庆 錦锦 鈺钰 銀银 鋼钢 鐵铁 鑫鑫 鏡镜 鎮镇 長长 門门 閃闪 關关 闖闯 陣阵 隊队 "
    "韻韵 頌颂 題题 顥颢 風风 颯飒 餘余 馥馥 驊骅 驍骁 體体 鬆松 魯鲁 鯉鲤 鳥鸟 鵑鹃 麥麦 黎黎 齡龄"
).split()
TRADITIONAL: dict[str, str] = {p[0]: p[1] for p in _TRAD_SIMP if p[0] != p[1]}


def simplified(name: str) -> str:
    """The name with traditional characters written in their simplified form (陳嘉豪 → 陈嘉豪)."""
    return name.translate(_TRAD_TABLE) if name else name


_TRAD_TABLE = str.maketrans(TRADITIONAL)

# CJK unified ideographs incl. extension A, compatibility ideographs, extensions B+ and 〇.
_HAN = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
# Separators inside transliterated names (阿依古丽·买买提) and stray spaces: not part of the key.
_SEPARATORS = re.compile(r"[\s·•・‧.．]+")


def _clean(name: str) -> str:
    return re.sub(r"\s+", "", name or "")


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name). The longest known surname prefix wins (欧阳 before 欧) as long as
    a given name remains; otherwise the first character is the surname. Names with a separator
    dot (阿依古丽·买买提) and names not starting with a Chinese character have no surname: ('', name)."""
    s = _clean(name)
    if not s or not _HAN.match(s[0]) or re.search(r"[·•・‧]", s):
        return "", s
    for n in range(min(_LONGEST_SURNAME, len(s) - 1), 1, -1):
        if s[:n] in SURNAME_READINGS:
            return s[:n], s[n:]
    return s[:1], s[1:]


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(syllable or word, is_han) for a piece of a name, reading Chinese phrase-aware."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _HAN.finditer(text):
        out += [(w.lower(), False) for w in _SEPARATORS.split(text[pos:m.start()]) if w]
        # A character pypinyin has no reading for comes back unchanged; keep it as is.
        out += [(p, True) for p in lazy_pinyin(m.group(), style=Style.NORMAL)]
        pos = m.end()
    out += [(w.lower(), False) for w in _SEPARATORS.split(text[pos:]) if w]
    return out


@lru_cache(maxsize=65536)  # names repeat a lot; an import of 100,000 rows asks three times per name
def _name_tokens(name: str) -> tuple[tuple[str, bool], ...]:
    surname, given = split_name(name)
    if surname in SURNAME_READINGS:
        head = [(p, True) for p in SURNAME_READINGS[surname]]
    else:
        head = _tokens(surname)
    return tuple(head + _tokens(given))


def name_pinyin(name: str) -> str:
    """Full toneless pinyin, lower-case, no spaces ('陆金兰' → 'lujinlan'; ü is written v)."""
    return "".join(t for t, _ in _name_tokens(name))


def name_initials(name: str) -> str:
    """First letter of each syllable ('陆金兰' → 'ljl'); a non-Chinese word gives its first letter."""
    return "".join(t[:1] for t, _ in _name_tokens(name))


def _fuzz(syllable: str) -> str:
    # Southern-accent confusions: zh/z, ch/c, sh/s, n/l, and front/back nasals.
    s = syllable
    if s[:2] in ("zh", "ch", "sh"):
        s = s[0] + s[2:]
    elif s.startswith("n") and s not in ("n", "ng"):  # 嗯 'n'/'ng' is no initial
        s = "l" + s[1:]
    if s.endswith(("ing", "eng", "ang")):
        s = s[:-1]
    return s


def fuzzy_pinyin(name: str) -> str:
    """Homophone key, syllables separated by spaces: zh→z, ch→c, sh→s, initial n→l, ing→in,
    eng→en, ang→an ('陆晶兰' → 'lu jin lan' like '陆金兰'; 陈 and 程 → 'cen')."""
    return " ".join(_fuzz(t) if han else t for t, han in _name_tokens(name))


def matches_query(name: str, pinyin: str, initials: str, query: str) -> bool:
    """Search semantics the DB query mirrors: ASCII letters (spaces ignored) match a prefix of
    the initials or of the full pinyin; anything else matches as a substring of the name.
    An empty query matches everything (no filter)."""
    q = query.strip()
    if not q:
        return True
    letters = q.replace(" ", "")
    if letters.isascii() and letters.isalpha():
        t = letters.lower()
        return initials.startswith(t) or pinyin.startswith(t)
    return q in name
