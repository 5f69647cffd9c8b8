import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shouhu.rules.phones import GENERIC_MESSAGE, normalise_phone, phone_error

FAST = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize(
    "raw, normalised",
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),  # hyphens mean nothing in a mobile
        ("+8613812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("0086 138-1234-5678", "13812345678"),
        ("8613812345678", "13812345678"),  # bare country code, as some exports write it
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits from a Chinese IME
        ("＋８６ １３８１２３４５６７８", "13812345678"),
        ("0716-1234567", "0716-1234567"),  # landline keeps its hyphen
        ("0716 - 1234567", "0716-1234567"),
        ("07161234567", "07161234567"),
        ("0716－1234567", "0716-1234567"),  # full-width hyphen
        ("0716—1234567", "0716-1234567"),  # em dash
        ("0716–1234567", "0716-1234567"),  # en dash
        ("(0716)1234567", "0716-1234567"),
        ("（0716）1234567", "0716-1234567"),
        ("(010)-12345678", "010-12345678"),
        ("+86-716-1234567", "0716-1234567"),  # international form drops the trunk 0
        ("+86 10 12345678", "01012345678"),  # Beijing, the one area code starting with 1
        ("0086-0716-1234567", "0716-1234567"),
        ("0716-1234567转801", "0716-1234567转801"),
        ("0716-1234567-801", "0716-1234567-801"),
        ("", ""),
        ("   ", ""),
        ("abc", "abc"),
    ],
)
def test_normalise_phone(raw, normalised):
    assert normalise_phone(raw) == normalised


def test_normalise_phone_none_is_empty():
    assert normalise_phone(None) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "phone",
    [
        "13012345678",
        "13812345678",
        "14512345678",
        "15912345678",
        "16612345678",
        "17712345678",
        "18812345678",
        "19912345678",
        "+86 138 1234 5678",
        "010-12345678",
        "01012345678",
        "021-1234567",
        "0716-1234567",
        "0716-12345678",
        "07161234567",
        "0716-1234567-1",
        "0716-1234567-123456",
        "0716-1234567转8",
        "0716-1234567转801",
        "(0716)1234567",
        "+86-716-1234567",
        "",  # empty: requiring a phone is the caller's business
        "  ",
    ],
)
def test_valid_phones(phone):
    assert phone_error(phone) is None


@pytest.mark.parametrize(
    "phone, message",
    [
        ("1381234567", "电话号码格式不正确：手机号应为11位数字，当前为10位"),
        ("138123456789", "电话号码格式不正确：手机号应为11位数字，当前为12位"),
        ("1", "电话号码格式不正确：手机号应为11位数字，当前为1位"),
        ("10012345678", "电话号码格式不正确：手机号第二位应为3至9"),
        ("11012345678", "电话号码格式不正确：手机号第二位应为3至9"),
        ("12812345678", "电话号码格式不正确：手机号第二位应为3至9"),
        ("1234567", "电话号码格式不正确：手机号应为11位数字，当前为7位"),
        ("7161234567", "电话号码格式不正确：座机号码应带区号（如 0716-1234567）"),
        ("2345678", "电话号码格式不正确：座机号码应带区号（如 0716-1234567）"),
        ("0716-123456", GENERIC_MESSAGE),  # local number too short
        ("0716-123456789", GENERIC_MESSAGE),  # too long
        ("07-1234567", GENERIC_MESSAGE),  # area code too short
        ("07161-1234567", GENERIC_MESSAGE),  # area code too long
        ("0016-1234567", GENERIC_MESSAGE),  # 00 is the international prefix
        ("0716-1234567-1234567", GENERIC_MESSAGE),  # extension too long
        ("0716-1234567转", GENERIC_MESSAGE),
        ("0716--1234567", GENERIC_MESSAGE),
        ("138-1234-567", "电话号码格式不正确：手机号应为11位数字，当前为10位"),  # hyphenated, one digit short
        ("+86+8613812345678", None),  # pasted twice: still one number
        ("0", GENERIC_MESSAGE),
        ("abc", "电话号码格式不正确：含有不允许的字符“a”，手机号应为11位数字，座机应带区号（如 0716-1234567）"),
        ("138123a5678", "电话号码格式不正确：含有不允许的字符“a”，手机号应为11位数字，座机应带区号（如 0716-1234567）"),
        ("0716-1234567ext12", "电话号码格式不正确：含有不允许的字符“e”，手机号应为11位数字，座机应带区号（如 0716-1234567）"),
        ("138/12345678", "电话号码格式不正确：含有不允许的字符“/”，手机号应为11位数字，座机应带区号（如 0716-1234567）"),
        ("+1 2025550123", "电话号码格式不正确：含有不允许的字符“+”，手机号应为11位数字，座机应带区号（如 0716-1234567）"),
    ],
)
def test_phone_errors(phone, message):
    assert phone_error(phone) == message


def test_generic_message_is_the_documented_one():
    assert GENERIC_MESSAGE == "电话号码格式不正确：手机号应为11位数字，座机应带区号（如 0716-1234567）"


# ---------------------------------------------------------------- properties

mobiles = st.builds(lambda b, rest: "1" + b + rest, st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9))
landlines = st.builds(
    lambda area, sep, local: area + sep + local,
    st.builds(lambda d, rest: "0" + d + rest, st.sampled_from("123456789"), st.text("0123456789", min_size=1, max_size=2)),
    st.sampled_from(["", "-"]),
    st.text("0123456789", min_size=7, max_size=8),
)


@FAST
@given(mobiles, st.sampled_from(["", "+86", "0086", "+86 ", "0086-"]), st.sampled_from(["{}", " {} ", "{}\t"]))
def test_any_mobile_in_any_dress_normalises_to_its_digits(mobile, prefix, wrap):
    dressed = wrap.format(prefix + mobile[:3] + " " + mobile[3:7] + "-" + mobile[7:])
    assert normalise_phone(dressed) == mobile
    assert phone_error(dressed) is None


@FAST
@given(landlines)
def test_any_landline_is_valid_and_kept(landline):
    assert normalise_phone(landline) == landline
    assert phone_error(landline) is None


@FAST
@given(st.text(max_size=20))
def test_normalise_is_idempotent_and_error_is_stable(s):
    once = normalise_phone(s)
    assert normalise_phone(once) == once
    assert phone_error(once) == phone_error(s)


@FAST
@given(st.text(max_size=20))
def test_phone_error_returns_none_or_chinese_message(s):
    msg = phone_error(s)
    assert msg is None or msg.startswith("电话号码格式不正确：")
    if msg is None:
        t = normalise_phone(s)
        assert t == "" or t[0] in "01"
