"""Citizen identity numbers (公民身份号码, GB 11643-1999).

Pure: strings and dates in, `IdInfo` or Chinese messages out. Used by the record checks, the
import, the API serializers (masking) and the demo-data generator (`make_id`)."""
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = ["IdInfo", "IdNumberError", "normalise_number", "parse_id", "check_id_against", "make_id", "mask_id", "id_candidates", "check_char"]

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11), ISO 7064 MOD 11-2
DIGITS = frozenset("0123456789")  # not str.isdigit(): that also accepts '１', '²', '٣' ...

# Only the province part is checked. The full six-digit address code cannot be: a number keeps the
# code of the county where it was first issued, and counties are merged and renamed every year
# (abolished codes stay valid for life), so any list we shipped would reject real people.
# 71 台湾, 81 香港, 82 澳门 and 83 (台湾居民居住证) appear on residence permits.
PROVINCE_CODES = frozenset(
    [str(n) for n in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66))]
    + ["71", "81", "82", "83"]
)
MIN_BIRTH = date(1900, 1, 1)


class IdNumberError(ValueError):
    """An unusable ID number; `.message` is a Chinese sentence fit to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IdInfo:
    """What a valid number tells us."""

    number: str  # normalised: no surrounding spaces, upper-case X
    address_code: str
    birth_date: date
    sex: str  # '男' / '女'


def normalise_number(s: str | None) -> str:
    """An ID number as typed → as stored: NFKC (full-width '１２３ｘ' from a Chinese input method
    become ASCII), no spaces anywhere (also U+3000), 'x' as 'X'. Every door that takes a number
    (form, import, roster, API, search) calls this before `parse_id`, as dates and phones are
    normalised before they are checked; `parse_id` itself stays strict so that a caller that forgot
    is told which character is wrong."""
    t = s or ""
    # Until stable, as `phones.normalise_phone`: removing a space can leave a combining mark for
    # NFKC to fold, and every step but NFKC shortens the string.
    for _ in range(10):
        step = "".join(unicodedata.normalize("NFKC", t).split()).replace("x", "X")
        if step == t:
            break
        t = step
    return t


def check_char(first17: str) -> str:
    """The MOD 11-2 check character for 17 digits."""
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def _bad_char(i: int, ch: str) -> str:
    # A stray space or a full-width '１' looks like nothing wrong unless the message names it.
    if ch.isspace():
        return f"公民身份号码第{i}位是空格，请删除"
    if unicodedata.normalize("NFKC", ch).upper() in DIGITS | {"X"}:
        return f"公民身份号码第{i}位“{ch}”是全角字符，请用半角（英文）输入法填写"
    return f"公民身份号码第{i}位“{ch}”不是数字"


def parse_id(number: str, *, today: date | None = None) -> IdInfo:
    """Validate and decode an 18-character number; raise `IdNumberError` saying what is wrong."""
    today = today or date.today()
    # Not .upper(): it changes the length of some strings ('ß' → 'SS') and so the positions we report.
    s = (number or "").strip().replace("x", "X")
    if not s:
        raise IdNumberError("请填写公民身份号码")
    # Characters first: an inner space or a full-width digit would otherwise surface as a
    # baffling "wrong length" message.
    for i, ch in enumerate(s, start=1):
        if ch not in DIGITS and ch != "X":
            raise IdNumberError(_bad_char(i, ch))
    if len(s) == 15 and "X" not in s:
        raise IdNumberError("这是15位的旧身份证号码，已停止使用，请填写18位公民身份号码")
    if len(s) != 18:
        raise IdNumberError(f"公民身份号码应为18位，当前为{len(s)}位")
    x_at = s.find("X")
    if x_at != -1 and x_at != 17:
        raise IdNumberError(f"公民身份号码第{x_at + 1}位不能是X，只有最后一位（校验位）可以是X")
    if s[:2] not in PROVINCE_CODES:
        raise IdNumberError(f"公民身份号码前两位“{s[:2]}”不是有效的省级行政区划代码")
    raw = s[6:14]
    try:
        birth = date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError:
        raise IdNumberError(f"公民身份号码中的出生日期“{raw}”不是有效日期") from None
    if birth < MIN_BIRTH:
        raise IdNumberError(f"公民身份号码中的出生日期 {birth.isoformat()} 早于1900年，请核对")
    if birth > today:
        raise IdNumberError(f"公民身份号码中的出生日期 {birth.isoformat()} 晚于今天，请核对")
    # Checksum last: once the shape is right, a mismatch means a mistyped digit somewhere.
    expected = check_char(s[:17])
    if s[17] != expected:
        raise IdNumberError(f"公民身份号码校验位错误（应为 {expected}），请逐位核对号码")
    return IdInfo(number=s, address_code=s[:6], birth_date=birth, sex="男" if int(s[16]) % 2 else "女")


def check_id_against(
    number: str, *, birth_date: date | None, sex: str | None, today: date | None = None
) -> dict[str, str]:
    """Field errors ('id_number' / 'birth_date' / 'sex') between a number and the entered
    birth date and sex; None or '' means "not entered" and is not compared. {} = consistent."""
    try:
        info = parse_id(number, today=today)
    except IdNumberError as e:
        return {"id_number": e.message}
    errors: dict[str, str] = {}
    if birth_date is not None and birth_date != info.birth_date:
        errors["birth_date"] = f"出生日期与身份证号码不符（身份证为 {info.birth_date.isoformat()}）"
    if sex and sex != info.sex:
        errors["sex"] = f"性别与身份证号码不符（身份证为{info.sex}）"
    return errors


def make_id(address_code: str, birth_date: date, seq: int) -> str:
    """Build a valid number: 6-digit address code, birth date, sequence 0..999 (odd = male)."""
    if len(address_code) != 6 or not set(address_code) <= DIGITS:
        raise ValueError(f"address_code must be 6 digits, got {address_code!r}")
    if not 0 <= seq <= 999:
        raise ValueError(f"seq must be in 0..999, got {seq}")
    # Not strftime: its %Y does not zero-pad years below 1000 on every platform.
    first17 = f"{address_code}{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}{seq:03d}"
    return first17 + check_char(first17)


def mask_id(number: str | None) -> str:
    """'421088************': only the address code shows (docs/domain.md, "ID numbers").

    A masked reader also sees the birth date, the sex and the village beside the number, so the
    birth-date digits are no secret and the last four would give the rest away (the check
    character follows from the other 17). With only the address code shown, the sequence stays
    unknown: 500 numbers fit what such a reader knows (`id_candidates`). Any other length is
    hidden entirely: the old 15-digit number ends in its birth date and sequence too."""
    s = (number or "").strip().replace("x", "X")
    if not s:
        return ""
    if len(s) == 18:
        return s[:6] + "*" * 12
    return "*" * len(s)


def id_candidates(masked: str, *, birth_date: date, sex: str | None) -> list[str]:
    """Every valid 18-character number consistent with a masked number ('*' = unknown) and the
    birth date and sex shown beside it: how many guesses the mask leaves a reader."""
    if len(masked) != 18:
        return []
    if "*" in masked[:6]:
        return []  # the address code is always shown; a mask hiding it is another question
    birth = f"{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}"
    out = []
    for seq in range(1000):
        if sex and ("男" if seq % 2 else "女") != sex:
            continue
        first17 = masked[:6] + birth + f"{seq:03d}"
        number = first17 + check_char(first17)
        if all(m == "*" or m == c for m, c in zip(masked, number, strict=True)):
            out.append(number)
    return out
