"""Telephone numbers: mainland mobiles and landlines with area code.

Pure: strings in, a normalised string or a Chinese message out."""
import re
import unicodedata

__all__ = ["normalise_phone", "phone_error", "GENERIC_MESSAGE", "PREFIX"]

# Every message starts with this so that callers (and their tests) can recognise a phone error.
PREFIX = "电话号码格式不正确："
GENERIC_MESSAGE = PREFIX + "手机号应为11位数字，座机应带区号（如 0716-1234567）"

MOBILE = re.compile(r"1[3-9]\d{9}")
# Area code: 0 + 2–3 digits (010, 0716). Its first digit after 0 is never 0 — "00" is the
# international prefix. Local number 7–8 digits, optional extension "-1234" or "转1234".
LANDLINE = re.compile(r"0[1-9]\d{1,2}-?\d{7,8}(?:(?:-|转)\d{1,6})?")

# Dash look-alikes that Chinese input methods and Word/Excel produce in place of '-'.
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−﹣"})
_SPACE = re.compile(r"\s+")


def normalise_phone(s: str) -> str:
    """Canonical form: no spaces, no +86/0086, ASCII digits; mobiles lose their hyphens,
    landlines keep them ('0716-1234567')."""
    t = s or ""
    # Repeat until stable so that normalising a normalised number changes nothing (removing a
    # space can leave a combining mark for NFKC to fold; '+86+86' pasted twice). Every step
    # but NFKC shortens the string, so a handful of rounds always suffices.
    for _ in range(10):
        step = _clean(t)
        if step == t:
            break
        t = step
    digits = t.replace("-", "")
    # Exports from other systems sometimes carry a bare "86" country code on mobiles.
    if len(digits) == 13 and digits.startswith("86") and MOBILE.fullmatch(digits[2:]):
        return digits[2:]
    # Mobiles are written 138-1234-5678 at times; the hyphens carry nothing.
    if MOBILE.fullmatch(digits):
        return digits
    return t


def _clean(t: str) -> str:
    # NFKC turns full-width '１３８', '＋' and '－' into ASCII; forms typed with a Chinese IME get them.
    t = _SPACE.sub("", unicodedata.normalize("NFKC", t)).translate(_DASHES)
    # '(0716)1234567' is a common way to write an area code.
    m = re.fullmatch(r"\((0\d{2,3})\)-?(.*)", t)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    for prefix in ("+86", "0086"):
        if t.startswith(prefix):
            t = t[len(prefix):].lstrip("-")
            # International form drops the trunk 0 of an area code: +86 716 1234567 = 0716-1234567
            # (and +86 10 ... = 010, the one area code that starts with 1; no mobile starts with 10).
            if t[:1] in set("23456789") or t.startswith("10"):
                t = "0" + t
            return t
    return t


def phone_error(s: str) -> str | None:
    """None if `s` is a plausible mobile or landline (or empty: requiring it is the caller's
    business), else a Chinese message saying what is wrong."""
    t = normalise_phone(s)
    if not t:
        return None
    if MOBILE.fullmatch(t) or LANDLINE.fullmatch(t):
        return None
    bad = next((c for c in t if not (c.isascii() and c.isdigit()) and c not in "-转"), None)
    if bad is not None:
        return f"{PREFIX}含有不允许的字符“{bad}”，手机号应为11位数字，座机应带区号（如 0716-1234567）"
    digits = t.replace("-", "")
    if t.startswith("1") and "转" not in t:
        if len(digits) != 11:
            return f"{PREFIX}手机号应为11位数字，当前为{len(digits)}位"
        return f"{PREFIX}手机号第二位应为3至9"
    if not t.startswith("0"):
        return f"{PREFIX}座机号码应带区号（如 0716-1234567）"
    return GENERIC_MESSAGE
