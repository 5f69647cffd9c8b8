"""One spreadsheet cell: as the user sees it, as a date, a grade or a class name. Pure parsing,
shared by the register sheet and the school roster; `neutralise` is its inverse for exports."""
import math
import re
from datetime import date, datetime, timedelta

NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
GRADE_WORDS = {"学前": 0, "初一": 7, "初二": 8, "初三": 9, "高一": 10, "高二": 11, "高三": 12}
GRADE_LABELS = {0: "学前", 10: "高一", 11: "高二", 12: "高三"}
EXCEL_EPOCH = date(1899, 12, 30)



class CellError(ValueError):
    pass


# -- one cell ---------------------------------------------------------------------------------
def text_of(raw) -> str:
    """A cell as the user sees it: numbers without '.0', dates as YYYY-MM-DD, spaces trimmed."""
    if type(raw) is str:  # the common case first: an import reads millions of cells
        s = raw.strip()
        if "\u3000" in s:
            s = s.replace("\u3000", " ").strip()
        if s[:1] == "'" and _escaped(s):
            s = s[1:]
        return s
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, float):
        if math.isfinite(raw) and raw == int(raw):
            return str(int(raw))
        return repr(raw)
    s = str(raw).replace("\u3000", " ").strip()
    # an export neutralises formula-like text with a leading apostrophe; take it off again
    if s[:1] == "'" and _escaped(s):
        s = s[1:]
    return s


def _escaped(s: str) -> bool:
    """`s` (starting with an apostrophe) is what `neutralise` made of s[1:]: formula-like text
    behind one or more apostrophes ("'=x" ← "=x", "''=x" ← "'=x")."""
    rest = s.lstrip("'")
    return rest[:1] in ("=", "+", "-", "@") and rest != ""


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def parse_date(raw, *, month_ok: bool = False) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        # an Excel serial day number in a cell not formatted as a date, or 20150308 typed into a number cell
        if 1 <= raw <= 99991231 and raw == int(raw):
            return EXCEL_EPOCH + timedelta(days=int(raw)) if raw < 100000 else _ymd(str(int(raw)), month_ok)
        raise CellError("不是有效日期，请写成 YYYY-MM-DD")
    s = text_of(raw)
    return _ymd(s, month_ok) if s else None


def _ymd(s: str, month_ok: bool) -> date:
    m = _DATE.match(s) or _COMPACT.match(s)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    elif month_ok and (m := _MONTH.match(s)):
        y, mo, d = int(m.group(1)), int(m.group(2)), 1
    else:
        raise CellError(f"“{s}”不是有效日期，请写成 YYYY-MM-DD")
    try:
        return date(y, mo, d)
    except ValueError:
        raise CellError(f"“{s}”不是真实存在的日期") from None


def parse_grade(raw) -> int:
    s = text_of(raw).replace(" ", "")
    if s in GRADE_WORDS:
        return GRADE_WORDS[s]
    m = re.fullmatch(r"(\d{1,2}|[一二三四五六七八九])(年级)?", s)
    if m:
        g = m.group(1)
        n = int(g) if g.isdigit() else NUMERALS[g]
        if 0 <= n <= 12:
            return n
    raise CellError(f"“{s}”不是有效年级，请写成“三年级”或“3”")


def format_grade(n: int | None) -> str:
    if n is None:
        return ""
    if n in GRADE_LABELS:
        return GRADE_LABELS[n]
    return f"{'一二三四五六七八九'[n - 1]}年级"


def normalise_class(raw) -> str:
    s = text_of(raw).replace(" ", "")
    s = re.sub(r"^[（(](\d+)[)）]", r"\1", s).strip("()（）")
    return f"{s}班" if s.isdigit() else s


def neutralise(s: str) -> str:
    """Formula injection: text that a spreadsheet would run starts with an apostrophe instead."""
    # Text that already starts with apostrophes before a formula sign gets one more, so that the
    # import, which takes one off, gives back exactly what was stored.
    rest = s.lstrip("'")
    return "'" + s if s[:1] in ("\t", "\r") or rest[:1] in ("=", "+", "-", "@") and rest != "" else s
