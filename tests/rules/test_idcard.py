from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from shouhu.rules.idcard import (
    PROVINCE_CODES,
    IdInfo,
    IdNumberError,
    check_char,
    check_id_against,
    id_candidates,
    make_id,
    mask_id,
    normalise_number,
    parse_id,
)

TODAY = date(2025, 6, 1)
FAST = settings(max_examples=200, deadline=None)

# The example printed in GB 11643-1999 and countless references since; checked by hand:
# digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 × weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
# = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → "10X98765432"[2] = 'X'.
STANDARD = "11010519491231002X"
# The other published example: valid checksum, but born 1880 — outside what we accept.
# Check characters in the literals below were verified independently with the equivalent
# "sum of a_i·2^(18-i) over all 18 characters ≡ 1 (mod 11)" form of MOD 11-2.
STANDARD_1880 = "440524188001010014"


def err(number: str, today: date = TODAY) -> str:
    with pytest.raises(IdNumberError) as exc:
        parse_id(number, today=today)
    return exc.value.message


# ---------------------------------------------------------------- valid numbers

def test_standard_example_parses():
    assert parse_id(STANDARD, today=TODAY) == IdInfo(
        number=STANDARD, address_code="110105", birth_date=date(1949, 12, 31), sex="女"
    )


def test_check_char_of_standard_example():
    assert check_char(STANDARD[:17]) == "X"
    assert check_char(STANDARD_1880[:17]) == "4"


@pytest.mark.parametrize(
    "raw, normalised",
    [
        ("11010519491231002x", STANDARD),  # lower-case x accepted
        ("  11010519491231002X  ", STANDARD),  # surrounding spaces stripped
        ("\t11010519491231002x\n", STANDARD),
        ("\u300011010519491231002X\u3000", STANDARD),  # full-width (ideographic) space around it
    ],
)
def test_normalisation(raw, normalised):
    assert parse_id(raw, today=TODAY).number == normalised


@pytest.mark.parametrize(
    "raw",
    [
        "１１０１０５１９４９１２３１００２ｘ",  # a Chinese input method in full-width mode
        "１１０１０５１９４９１２３１００２Ｘ",
        "110105 19491231 002x",  # grouped as printed on the card
        "110105\u300019491231\u3000002X",
        "１10105194912310０2X",  # mixed
    ],
)
def test_normalise_number_then_parse(raw):
    assert normalise_number(raw) == STANDARD
    assert parse_id(normalise_number(raw), today=TODAY).number == STANDARD


@given(st.text(max_size=30))
def test_normalise_number_is_idempotent_and_has_no_spaces(s):
    once = normalise_number(s)
    assert normalise_number(once) == once
    assert not any(c.isspace() for c in once) and "x" not in once


@pytest.mark.parametrize(
    "address, birth, seq, expected",
    [
        ("421088", date(2015, 3, 8), 1, "421088201503080018"),
        ("421088", date(2015, 3, 8), 2, "421088201503080026"),
        ("110105", date(1949, 12, 31), 2, STANDARD),
        ("440524", date(1880, 1, 1), 1, STANDARD_1880),
        ("650102", date(2000, 2, 29), 999, "650102200002299997"),
        ("810000", date(2010, 7, 1), 0, "810000201007010001"),
    ],
)
def test_make_id_literals(address, birth, seq, expected):
    assert make_id(address, birth, seq) == expected


@pytest.mark.parametrize(
    "seq, sex", [(0, "女"), (1, "男"), (2, "女"), (13, "男"), (998, "女"), (999, "男")]
)
def test_sex_from_sequence_parity(seq, sex):
    assert parse_id(make_id("421088", date(2015, 3, 8), seq), today=TODAY).sex == sex


@pytest.mark.parametrize("prefix", sorted(PROVINCE_CODES))
def test_every_allowed_province_parses(prefix):
    number = make_id(prefix + "0101", date(2001, 1, 1), 1)
    assert parse_id(number, today=TODAY).address_code == prefix + "0101"


def test_allowed_province_list_is_exactly_the_brief():
    expected = {
        *map(str, range(11, 16)), "21", "22", "23", *map(str, range(31, 38)), *map(str, range(41, 47)),
        *map(str, range(50, 55)), *map(str, range(61, 66)), "71", "81", "82", "83",
    }
    assert PROVINCE_CODES == expected
    assert len(PROVINCE_CODES) == 35


@pytest.mark.parametrize("birth", [date(1900, 1, 1), TODAY])
def test_date_bounds_inclusive(birth):
    assert parse_id(make_id("421088", birth, 5), today=TODAY).birth_date == birth


def test_today_defaults_to_real_today():
    assert parse_id(make_id("421088", timezone.localdate(), 5)).birth_date == timezone.localdate()
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(IdNumberError):
        parse_id(make_id("421088", tomorrow, 5))


# ---------------------------------------------------------------- every rejection message

@pytest.mark.parametrize(
    "number, message",
    [
        ("", "请填写公民身份号码"),
        ("   ", "请填写公民身份号码"),
        ("110105491231002", "这是15位的旧身份证号码，已停止使用，请填写18位公民身份号码"),
        ("1101054912310", "公民身份号码应为18位，当前为13位"),
        ("11010519491231002", "公民身份号码应为18位，当前为17位"),
        ("11010519491231002X1", "公民身份号码应为18位，当前为19位"),
        ("11010549123100X", "公民身份号码应为18位，当前为15位"),  # 15 with an X is not an old number
        ("11010519491231002Y", "公民身份号码第18位“Y”不是数字"),
        ("1101051949-231002X", "公民身份号码第11位“-”不是数字"),
        ("110105 19491231002X", "公民身份号码第7位是空格，请删除"),
        ("１10105194912310021", "公民身份号码第1位“１”是全角字符，请用半角（英文）输入法填写"),
        ("11010519491231002ｘ", "公民身份号码第18位“ｘ”是全角字符，请用半角（英文）输入法填写"),
        ("1101051949123100X2", "公民身份号码第17位不能是X，只有最后一位（校验位）可以是X"),
        ("X10105194912310021", "公民身份号码第1位不能是X，只有最后一位（校验位）可以是X"),
        ("11010519491231002A", "公民身份号码第18位“A”不是数字"),
        ("110105194912310021", "公民身份号码校验位错误（应为 X），请逐位核对号码"),
        ("110105194912310020", "公民身份号码校验位错误（应为 X），请逐位核对号码"),
        ("42108820150308001X", "公民身份号码校验位错误（应为 8），请逐位核对号码"),
        ("990105194912310021", "公民身份号码前两位“99”不是有效的省级行政区划代码"),
        ("000000194912310021", "公民身份号码前两位“00”不是有效的省级行政区划代码"),
        ("10010519491231002X", "公民身份号码前两位“10”不是有效的省级行政区划代码"),
        ("160105194912310021", "公民身份号码前两位“16”不是有效的省级行政区划代码"),
        ("240105194912310021", "公民身份号码前两位“24”不是有效的省级行政区划代码"),
        ("380105194912310021", "公民身份号码前两位“38”不是有效的省级行政区划代码"),
        ("470105194912310021", "公民身份号码前两位“47”不是有效的省级行政区划代码"),
        ("550105194912310021", "公民身份号码前两位“55”不是有效的省级行政区划代码"),
        ("660105194912310021", "公民身份号码前两位“66”不是有效的省级行政区划代码"),
        ("720105194912310021", "公民身份号码前两位“72”不是有效的省级行政区划代码"),
        ("840105194912310021", "公民身份号码前两位“84”不是有效的省级行政区划代码"),
        ("91010519491231002X", "公民身份号码前两位“91”不是有效的省级行政区划代码"),
        ("11010519490231002X", "公民身份号码中的出生日期“19490231”不是有效日期"),
        ("11010520150229002X", "公民身份号码中的出生日期“20150229”不是有效日期"),  # not a leap year
        ("11010519491301002X", "公民身份号码中的出生日期“19491301”不是有效日期"),
        ("11010519491200002X", "公民身份号码中的出生日期“19491200”不是有效日期"),
        ("11010500001231002X", "公民身份号码中的出生日期“00001231”不是有效日期"),
        (STANDARD_1880, "公民身份号码中的出生日期 1880-01-01 早于1900年，请核对"),
        (make_id("110105", date(1899, 12, 31), 2), "公民身份号码中的出生日期 1899-12-31 早于1900年，请核对"),
        (make_id("421088", date(2025, 6, 2), 2), "公民身份号码中的出生日期 2025-06-02 晚于今天，请核对"),
        (make_id("421088", date(2099, 1, 1), 2), "公民身份号码中的出生日期 2099-01-01 晚于今天，请核对"),
    ],
)
def test_rejections(number, message):
    assert err(number) == message


def test_error_is_a_value_error_with_message_as_str():
    with pytest.raises(ValueError) as exc:
        parse_id("123", today=TODAY)
    assert str(exc.value) == exc.value.message == "公民身份号码应为18位，当前为3位"


def test_parse_id_none_is_treated_as_empty():
    assert err(None) == "请填写公民身份号码"  # type: ignore[arg-type]


# ---------------------------------------------------------------- make_id guards

@pytest.mark.parametrize(
    "address, seq, message",
    [
        ("42108", 1, "address_code must be 6 digits, got '42108'"),
        ("4210881", 1, "address_code must be 6 digits, got '4210881'"),
        ("42108a", 1, "address_code must be 6 digits, got '42108a'"),
        ("421088", -1, "seq must be in 0..999, got -1"),
        ("421088", 1000, "seq must be in 0..999, got 1000"),
    ],
)
def test_make_id_rejects_bad_parts(address, seq, message):
    with pytest.raises(ValueError) as exc:
        make_id(address, date(2015, 3, 8), seq)
    assert str(exc.value) == message


# ---------------------------------------------------------------- check_id_against

CHILD = make_id("421088", date(2015, 3, 8), 2)  # a girl


@pytest.mark.parametrize(
    "birth, sex, expected",
    [
        (date(2015, 3, 8), "女", {}),
        (None, None, {}),
        (None, "", {}),  # a blank form field is "not entered"
        (date(2015, 3, 8), None, {}),
        (None, "女", {}),
        (date(2015, 3, 9), "女", {"birth_date": "出生日期与身份证号码不符（身份证为 2015-03-08）"}),
        (date(2015, 3, 8), "男", {"sex": "性别与身份证号码不符（身份证为女）"}),
        (
            date(2014, 3, 8),
            "男",
            {"birth_date": "出生日期与身份证号码不符（身份证为 2015-03-08）", "sex": "性别与身份证号码不符（身份证为女）"},
        ),
    ],
)
def test_check_id_against(birth, sex, expected):
    assert check_id_against(CHILD, birth_date=birth, sex=sex, today=TODAY) == expected


def test_check_id_against_male():
    boy = make_id("421088", date(2016, 11, 30), 17)
    assert check_id_against(boy, birth_date=date(2016, 11, 30), sex="女", today=TODAY) == {
        "sex": "性别与身份证号码不符（身份证为男）"
    }


@pytest.mark.parametrize(
    "number, message",
    [
        ("12345", "公民身份号码应为18位，当前为5位"),
        (CHILD[:17] + "9", "公民身份号码校验位错误（应为 6），请逐位核对号码"),
        ("110105491231002", "这是15位的旧身份证号码，已停止使用，请填写18位公民身份号码"),
    ],
)
def test_check_id_against_parse_error_goes_under_id_number(number, message):
    # Birth date and sex are not compared against a number we cannot read.
    assert check_id_against(number, birth_date=date(2000, 1, 1), sex="男", today=TODAY) == {"id_number": message}


def test_check_id_against_uses_today():
    future = make_id("421088", date(2025, 6, 2), 2)
    assert check_id_against(future, birth_date=None, sex=None, today=TODAY) == {
        "id_number": "公民身份号码中的出生日期 2025-06-02 晚于今天，请核对"
    }
    assert check_id_against(future, birth_date=None, sex=None, today=date(2025, 6, 2)) == {}


# ---------------------------------------------------------------- mask_id

@pytest.mark.parametrize(
    "number, masked",
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        (STANDARD, "110105************"),
        ("11010519491231002x", "110105************"),
        (" 421088201503080022 ", "421088************"),
        ("110105491231002", "***************"),  # old 15-digit number: ends in birth date + sequence
        ("12345", "*****"),
        ("1234567890123456789", "*******************"),
        ("1234", "****"),
        ("12", "**"),
    ],
)
def test_mask_id(number, masked):
    assert mask_id(number) == masked


# ---------------------------------------------------------------- properties

provinces = st.sampled_from(sorted(PROVINCE_CODES))
addresses = st.builds(lambda p, rest: p + rest, provinces, st.text("0123456789", min_size=4, max_size=4))
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
seqs = st.integers(0, 999)
valid_numbers = st.builds(make_id, addresses, births, seqs)


@FAST
@given(addresses, births, seqs)
def test_make_id_round_trips(address, birth, seq):
    number = make_id(address, birth, seq)
    info = parse_id(number, today=TODAY)
    assert info == IdInfo(number=number, address_code=address, birth_date=birth, sex="男" if seq % 2 else "女")
    assert parse_id(number.lower(), today=TODAY) == info


@FAST
@given(valid_numbers, st.integers(0, 17), st.sampled_from("0123456789Xx"))
def test_any_single_character_substitution_is_rejected(number, pos, ch):
    corrupted = number[:pos] + ch + number[pos + 1:]
    if corrupted.replace("x", "X") == number:
        return  # not a corruption
    with pytest.raises(IdNumberError):
        parse_id(corrupted, today=TODAY)


@FAST
@given(valid_numbers, st.integers(0, 17), st.characters(codec="utf-8"))
def test_any_foreign_character_is_rejected(number, pos, ch):
    corrupted = number[:pos] + ch + number[pos + 1:]
    if corrupted.strip().replace("x", "X") == number:
        return
    with pytest.raises(IdNumberError):
        parse_id(corrupted, today=TODAY)


@FAST
@given(valid_numbers, st.integers(0, 16))
def test_any_adjacent_transposition_is_rejected(number, pos):
    a, b = number[pos], number[pos + 1]
    if a == b:
        return
    swapped = number[:pos] + b + a + number[pos + 2:]
    with pytest.raises(IdNumberError):
        parse_id(swapped, today=TODAY)


@FAST
@given(valid_numbers, st.integers(0, 17))
def test_dropped_or_doubled_character_is_rejected_by_length(number, pos):
    assert err(number[:pos] + number[pos + 1:]) == "公民身份号码应为18位，当前为17位"
    assert err(number[:pos] + number[pos] + number[pos:]) == "公民身份号码应为18位，当前为19位"


@FAST
@given(st.text(st.characters(codec="utf-8"), min_size=18, max_size=18).filter(lambda s: s == s.strip()))
def test_mask_id_shows_only_the_address_code(s):
    masked = mask_id(s)
    assert len(masked) == 18
    assert masked[6:] == "*" * 12
    assert masked[:6] == s[:6].replace("x", "X")


@FAST
@given(valid_numbers)
def test_mask_id_of_valid_numbers_hides_birth_and_sequence(number):
    masked = mask_id(number)
    assert masked == number[:6] + "*" * 12
    assert number[6:14] not in masked


@FAST
@given(st.text(st.characters(codec="utf-8"), max_size=30))
def test_mask_id_reveals_at_most_six(s):
    masked = mask_id(s)
    stripped = s.strip()
    assert len(masked) == len(stripped)
    assert sum(ch != "*" for ch in masked) <= (6 if len(stripped) == 18 else 0)


@FAST
@given(
    valid_numbers,
    st.one_of(st.none(), births),
    st.sampled_from([None, "", "男", "女"]),
)
def test_check_id_against_empty_exactly_when_consistent(number, birth, sex):
    info = parse_id(number, today=TODAY)
    result = check_id_against(number, birth_date=birth, sex=sex, today=TODAY)
    birth_ok = birth is None or birth == info.birth_date
    sex_ok = not sex or sex == info.sex
    assert (result == {}) == (birth_ok and sex_ok)
    assert set(result) == {f for f, ok in (("birth_date", birth_ok), ("sex", sex_ok)) if not ok}


@FAST
@given(valid_numbers)
def test_a_masked_number_leaves_at_least_100_candidates(number):
    """A masked reader sees the masked number, the birth date, the sex and the village together.
    Reproduces: the old mask ('421088********1234') beside the birth date left exactly one
    candidate, so the whole number was rebuilt for every child tried."""
    info = parse_id(number, today=TODAY)
    candidates = id_candidates(mask_id(number), birth_date=info.birth_date, sex=info.sex)
    assert number in candidates
    assert len(candidates) >= 100
    # the village adds nothing: it is the place of residence, the address code is shown anyway
    assert all(c[:6] == info.address_code for c in candidates)


def test_the_old_mask_left_one_candidate():
    """Why the mask changed: last four + birth date shown beside it = the whole number."""
    old = STANDARD[:6] + "*" * 8 + STANDARD[-4:]
    assert id_candidates(old, birth_date=date(1949, 12, 31), sex="女") == [STANDARD]
