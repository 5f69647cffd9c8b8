"""户籍比对, pure: matching by ID number, the three lists, villages from 户籍地址."""
from datetime import date

from shouhu.rules import hukou as H
from shouhu.rules.idcard import make_id

TODAY = date(2026, 6, 1)
VILLAGES = H.Villages({"毛市镇": "421088109", "朱河镇": "421088101"},
                      {("421088109", "光荣村"): "421088109200", ("421088109", "光荣村民委员会"): "421088109200",
                       ("421088109", "莲福村"): "421088109201", ("421088101", "红星村"): "421088101200"})


def kid(i, **over):
    birth = over.pop("birth_date", date(2016, 3, i))
    return {"id": i, "name": "陆金兰", "sex": "女", "birth_date": birth, "id_number": make_id("421088", birth, 2 * i),
            "village_code": "421088109200", "status": "active", "hukou_registered": True, **over}


def person(k, **over):
    v = {"row_no": 2, "name": k["name"], "id_number": k["id_number"], "sex": k["sex"], "birth_date": k["birth_date"],
         "address": "湖北省监利市毛市镇光荣村3组", **over}
    return H.Person(**v)


def test_village_from_an_address():
    assert VILLAGES.of("湖北省监利市毛市镇光荣村民委员会3组") == "421088109200"
    assert VILLAGES.of("湖北省 监利市 朱河镇 红星村") == "421088101200"
    assert VILLAGES.of("湖北省监利市朱河镇光荣村") is None  # 光荣村 is 毛市镇's
    assert VILLAGES.of("湖南省岳阳市") is None


def test_the_three_lists():
    a, b, c = kid(1), kid(2), kid(3, hukou_registered=False)
    new_birth = date(2018, 5, 5)
    stranger = H.Person(9, "新人", make_id("421088", new_birth, 11), "男", new_birth, "监利市毛市镇莲福村")
    old_birth = date(2008, 1, 1)
    older = H.Person(10, "大人", make_id("421088", old_birth, 13), "男", old_birth, "监利市毛市镇莲福村")
    away = H.Person(11, "外县", make_id("430621", new_birth, 15), "男", new_birth, "湖南省岳阳县")
    r = H.compare([a, b, c], [person(a), stranger, older, away], VILLAGES, today=TODAY)
    assert r.matched == [1] and r.missing == [2]  # 3 has no 户口: not expected in the extract
    assert [(p.name, v) for p, v in r.unregistered] == [("新人", "421088109201")]
    assert (r.outside, r.older) == (1, 1) and r.findings == []


def test_disagreements_are_findings_on_the_child():
    a = kid(1)
    p = person(a, name="陆晶兰", birth_date=date(2016, 3, 2), sex="男", address="监利市毛市镇莲福村")
    r = H.compare([a], [p], VILLAGES, today=TODAY, village_names={"421088109201": "莲福村", "421088109200": "光荣村"})
    assert {(f.code, f.child_id, f.field) for f in r.findings} == {
        ("hukou_mismatch", 1, "name"), ("hukou_mismatch", 1, "birth_date"), ("hukou_mismatch", 1, "sex"), ("hukou_mismatch", 1, "hukou_place")}
    assert any(f.message == "户籍地址在莲福村，档案登记在光荣村" for f in r.findings)


def test_a_lowercase_x_and_spaces_still_match():
    a = kid(1, birth_date=date(2015, 1, 1))
    number = a["id_number"]
    r = H.compare([a], [person(a, id_number=number.lower(), name=" 陆金兰 ")], VILLAGES, today=TODAY)
    assert r.matched == [1] and r.findings == []
