"""Record checks (rules.record.check_record): each rule with a failing and a passing case."""
from datetime import date, timedelta

import pytest

from shouhu.rules.idcard import make_id
from shouhu.rules.record import check_record

TODAY = date(2026, 11, 22)
BIRTH = date(2017, 5, 8)


def base(**over):
    r = dict(
        name="陆金兰", sex="女", birth_date=BIRTH, id_number=make_id("421088", BIRTH, 124), hukou_registered=True,
        health="健康", schooling="小学", school="S", school_class="C",
        father_name="陆大军", father_situation="外出务工", father_work_province="广东", father_since=date(2024, 3, 1),
        father_phone="13812345678", father_id_number=make_id("421088", date(1988, 1, 2), 13),
        mother_name="王小芳", mother_situation="外出务工", mother_work_province="浙江", mother_since=date(2024, 3, 1),
        mother_phone="0716-1234567", mother_id_number="",
        carer_name="陆国华", carer_relation="祖父", carer_phone="13712345678", carer_id_number=make_id("421088", date(1958, 4, 4), 15),
        carer_barred=False, agreement_date=date(2025, 1, 1), emergency_contacts=[{"name": "陆国华", "relation": "祖父", "phone": "13712345678"}],
    )
    r.update(over)
    return r


def corrupt_check(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def test_a_good_record_passes():
    assert check_record(base(), today=TODAY) == {}


CASES = [
    # (id, overrides, field, message fragment)
    ("birth in future", dict(birth_date=TODAY + timedelta(days=1), id_number=""), "birth_date", "不能晚于今天"),
    ("adult", dict(birth_date=date(2008, 11, 22), id_number=make_id("421088", date(2008, 11, 22), 2)), "birth_date", "已年满18周岁"),
    ("bad checksum", dict(id_number=corrupt_check(make_id("421088", BIRTH, 124))), "id_number", "校验"),
    ("birth vs id", dict(birth_date=date(2017, 5, 9)), "birth_date", "出生日期与身份证号码不符"),
    ("sex vs id", dict(sex="男"), "sex", "性别与身份证号码不符"),
    ("registered without id", dict(id_number=""), "id_number", "须填写公民身份号码"),
    ("disability without kind", dict(health="残疾"), "disability", "残疾类别"),
    ("illness without kind", dict(health="患病"), "illness", "患病类型"),
    ("class without school", dict(school=None), "school", "须选择学校"),
    ("dropout with school", dict(schooling="辍学"), "schooling", "不应填写学校"),
    ("away without province", dict(father_work_province=""), "father_work_province", "须填写务工省份"),
    ("away without since", dict(mother_since=None), "mother_since", "须填写外出时间"),
    ("since in future", dict(father_since=TODAY + timedelta(days=3)), "father_since", "不能晚于今天"),
    ("dead with workplace", dict(father_situation="死亡", father_phone=""), "father_work_province", "不应填写务工地点"),
    ("dead with departure date", dict(father_situation="死亡", father_phone="", father_work_province=""), "father_since", "不应填写外出时间"),
    ("imprisoned with workplace", dict(mother_situation="服刑在押"), "mother_work_province", "不应填写务工地点"),
    ("dead with phone", dict(father_situation="死亡", father_work_province="", father_since=None), "father_phone", "不应填写联系电话"),
    ("home with since", dict(father_situation="在家", father_work_province=""), "father_since", "在家时不应填写外出时间"),
    ("father id is female", dict(father_id_number=make_id("421088", date(1988, 1, 2), 14)), "father_id_number", "性别为女"),
    ("father id = child id", dict(father_id_number=make_id("421088", BIRTH, 124)), "father_id_number", "性别为女"),
    ("bad father phone", dict(father_phone="1381234"), "father_phone", "电话号码格式不正确"),
    ("bad carer phone", dict(carer_phone="abc"), "carer_phone", "电话号码格式不正确"),
    ("carer no relation", dict(carer_relation=""), "carer_relation", "请选择"),
    ("carer is away father", dict(carer_relation="父亲"), "carer_name", "不能是不在家的父亲"),
    ("carer same name as away mother", dict(carer_name="王小芳", carer_relation="其他亲属"), "carer_name", "不能是不在家的母亲"),
    ("carer under 18", dict(carer_id_number=make_id("421088", date(2010, 1, 1), 15)), "carer_id_number", "须为成年人"),
    ("carer barred art 22", dict(carer_barred=True), "carer_barred", "第22条"),
    ("agreement without carer", dict(carer_name="", carer_relation="", carer_phone="", carer_id_number=""), "carer_name", "没有委托照护人"),
    ("agreement in future", dict(agreement_date=TODAY + timedelta(days=1)), "agreement_date", "不能晚于今天"),
    ("emergency contact without phone", dict(emergency_contacts=[{"name": "某人", "phone": ""}]), "emergency_contacts", "须填写电话"),
    ("emergency contact bad phone", dict(emergency_contacts=[{"name": "某人", "phone": "123"}]), "emergency_contacts", "格式不正确"),
    ("reported in future", dict(reported_on=TODAY + timedelta(days=1)), "reported_on", "不能晚于今天"),
]


@pytest.mark.parametrize("overrides,field,fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule_fires(overrides, field, fragment):
    errors = check_record(base(**overrides), today=TODAY)
    assert field in errors, errors
    assert fragment in errors[field]


PASSING = [
    ("unregistered without id", dict(hukou_registered=False, id_number="")),
    ("disability with kind", dict(health="残疾", disability="肢体二级")),
    ("no school while not in school", dict(schooling="未入园", school=None, school_class=None)),
    ("dead parent without workplace", dict(father_situation="死亡", father_work_province="", father_since=None, father_phone="")),
    ("imprisoned parent with the sentence's start", dict(mother_situation="服刑在押", mother_work_province="", mother_since=date(2022, 1, 1))),
    ("parent at home", dict(mother_situation="在家", mother_work_province="", mother_since=None)),
    ("carer is the father at home", dict(father_situation="在家", father_work_province="", father_since=None, carer_relation="父亲", carer_name="陆大军")),
    ("no carer at all", dict(carer_name="", carer_relation="", carer_phone="", carer_id_number="", agreement_date=None)),
    ("landline with extension", dict(carer_phone="0716-1234567-8")),
]


@pytest.mark.parametrize("overrides", [c[1] for c in PASSING], ids=[c[0] for c in PASSING])
def test_valid_variants_pass(overrides):
    assert check_record(base(**overrides), today=TODAY) == {}
