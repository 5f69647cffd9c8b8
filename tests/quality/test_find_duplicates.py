"""`shouhu find-duplicates`: one CSV line per candidate pair, 档案编号 first, within the scope."""
import csv
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from shouhu.audit.models import AccessLog
from tests.factories import make_child, own_sitting, years_ago


@pytest.fixture
def children(world):
    birth = years_ago(8, days=40)
    w = world.admin
    jinlan = make_child(w, world.guangrong, archive_no="JL000001", birth_date=birth, school=world.jinxing,
                        school_class=world.c31)
    # the school's copy: homophone name, no ID number, no archive number
    jinglan = own_sitting(make_child(w, world.guangrong, name="陆晶兰", archive_no=None, id_number=None, hukou_registered=False, birth_date=birth,
                         school=world.jinxing, school_class=world.c31))
    # the same girl registered again in 朱河镇 with another surname
    chenjinlan = own_sitting(make_child(w, world.hongxing, name="陈金兰", archive_no="JL000003", id_number=None,
                                        hukou_registered=False, birth_date=birth))
    # unrelated: another child, other parents, other birth date
    other = make_child(w, world.guangrong, name="王小明", sex="男", archive_no="JL000004", birth_date=date(2014, 5, 1),
                       father_name="王建国", mother_name="张红", father_phone="13000000001", mother_phone="13000000002",
                       carer_name="王爷爷", carer_phone="13000000003")
    return jinlan, jinglan, chenjinlan, other


def read(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def test_report_lists_each_pair_once_with_archive_numbers(children, tmp_path):
    jinlan, jinglan, chenjinlan, other = children
    out = tmp_path / "dups.csv"
    call_command("find-duplicates", "--report", str(out))
    rows = read(out)
    assert rows[0] == ["档案编号1", "档案编号2", "得分", "原因"]
    pairs = {frozenset(r[:2]) for r in rows[1:]}
    assert pairs == {
        frozenset(("JL000001", str(jinglan.uid))),  # no 档案编号: the uid stands in
        frozenset(("JL000001", "JL000003")),
        frozenset((str(jinglan.uid), "JL000003")),
    }
    for r in rows[1:]:
        assert 0.5 <= float(r[2]) <= 1
        assert r[3]
    homophone = next(r for r in rows[1:] if set(r[:2]) == {"JL000001", str(jinglan.uid)})
    assert "姓名同音：陆金兰／陆晶兰" in homophone[3] and "一方缺公民身份号码" in homophone[3]
    assert all("JL000004" not in r[:2] for r in rows[1:])
    assert AccessLog.objects.filter(action="export", detail__contains="查找重复档案").exists()


def test_scope_limits_to_the_region(children, tmp_path):
    jinlan, jinglan, chenjinlan, other = children
    out = tmp_path / "maoshi.csv"
    call_command("find-duplicates", "--scope", "421088109", "--report", str(out))
    rows = read(out)
    assert {frozenset(r[:2]) for r in rows[1:]} == {frozenset(("JL000001", str(jinglan.uid)))}


def test_empty_scope_writes_only_the_header(children, tmp_path):
    out = tmp_path / "none.csv"
    call_command("find-duplicates", "--scope", "421088102", "--report", str(out))
    assert read(out) == [["档案编号1", "档案编号2", "得分", "原因"]]


def test_bad_arguments(world, tmp_path):
    with pytest.raises(CommandError):
        call_command("find-duplicates", "--scope", "毛市镇", "--report", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError):
        call_command("find-duplicates", "--threshold", "0", "--report", str(tmp_path / "x.csv"))
