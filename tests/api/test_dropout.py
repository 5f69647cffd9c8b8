"""/api/v1/dropout-cases/: the whole way over the API (open by hand, two attempts, the written
report, the township's start with the 七长, 复学 and the follow-up), the filters, 下落不明, and the
same 404 on every case URL for another school, a volunteer, a statistics-only user and an inspector."""
from datetime import timedelta

import pytest
from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.schooling import dropout as S
from shouhu.schooling.models import DropoutCase
from tests.api_util import api, ids
from tests.factories import make_child, years_ago

HEADS = {"county": "王县长", "bureau": "李局长", "township": "张镇长", "principal": "赵校长", "village": "刘村长", "teacher": "陈老师",
         "parent": "孙某（父）"}
URL = "/api/v1/dropout-cases/"


@pytest.fixture
def pupil(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_child(world.zhuren, world.guangrong, name="孙小军", birth_date=years_ago(10), school=world.jinxing, school_class=world.c31)


@pytest.fixture
def case(world, pupil):
    return S.dropout_open(trigger="absence", school=world.jinxing, school_class=world.c31, child=pupil, streak=5)


def test_the_whole_way(world, pupil):
    t = api(world.banzhuren)
    r = t.post(URL, {"child": str(pupil.uid), "note": "连续三天未到校，电话不通"}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    pk = body["id"]
    assert (body["trigger"], body["state"], body["child"], body["school"]) == ("manual", "school", str(pupil.uid), world.jinxing.pk)
    assert body["allowed_actions"] == ["attempt", "return", "resolve"] and body["steps"][0]["label"] == "立案"
    assert t.post(URL, {"child": str(pupil.uid)}, format="json").status_code == 409  # one open case per pupil
    r = t.post(f"{URL}{pk}/act/", {"action": "attempt", "note": "家访"}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "mode"
    for mode in ("上门", "电话"):
        r = t.post(f"{URL}{pk}/act/", {"action": "attempt", "mode": mode, "note": "未果"}, format="json")
        assert r.status_code == 200, r.content
    assert r.json()["failed_attempts"] == 2 and r.json()["due_kind"] == "report" and "report" in r.json()["allowed_actions"]
    r = t.post(f"{URL}{pk}/act/", {"action": "report", "note": "两次劝返未果", "state": "closed"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "reported"  # `state` is not writable
    d = api(world.dudao)
    assert pk in ids(d.get(URL + "?status=reported"))
    r = d.post(f"{URL}{pk}/act/", {"action": "start", "heads": {"county": "王县长"}, "note": "启动"}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "heads"
    r = d.post(f"{URL}{pk}/act/", {"action": "start", "heads": HEADS, "note": "镇政府启动劝返复学"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "township" and r.json()["heads"]["parent"] == "孙某（父）"
    r = d.post(f"{URL}{pk}/act/", {"action": "return", "placement": "随班就读", "note": "已到校"}, format="json")
    body = r.json()
    assert body["state"] == "returned" and body["due_kind"] == "follow" and body["allowed_actions"] == ["follow", "resolve", "relapse"]
    r = t.post(f"{URL}{pk}/act/", {"action": "follow", "note": "在校"}, format="json")
    assert r.json()["follow_ups_done"] == 1
    assert [s["action"] for s in r.json()["steps"]] == ["open", "attempt", "attempt", "report", "start", "return", "follow"]
    assert AccessLog.objects.filter(action="api_view").count() == 0
    assert t.get(f"{URL}{pk}/").status_code == 200
    assert AccessLog.objects.filter(action="api_view", scope="控辍保学").count() == 1


def test_a_pupil_not_on_the_register(world):
    c = api(world.xiaozhang)
    r = c.post(URL, {"school": world.jinxing.pk, "name": "钱小明"}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "birth_date"
    r = c.post(URL, {"school": world.zhuhe_school.pk, "name": "钱小明", "birth_date": str(years_ago(12))}, format="json")
    assert r.status_code == 404  # another school
    r = c.post(URL, {"school": world.jinxing.pk, "school_class": world.c32.pk, "name": "钱小明", "birth_date": str(years_ago(12))},
               format="json")
    assert r.status_code == 201 and r.json()["child"] is None and r.json()["class_label"]
    case = DropoutCase.objects.get(pk=r.json()["id"])
    assert case.pupil_key and case.township_code == world.maoshi.code
    # a head teacher opens only for their own class: nothing is left behind
    r = api(world.banzhuren).post(URL, {"school": world.jinxing.pk, "name": "李小红", "birth_date": str(years_ago(9))}, format="json")
    assert r.status_code == 404 and not DropoutCase.objects.filter(name="李小红").exists()


def test_filters_and_the_list_is_logged(world, case):
    c = api(world.xiaozhang)
    assert case.pk in ids(c.get(URL))
    assert case.pk in ids(c.get(URL + f"?status=school&school={world.jinxing.pk}&trigger=absence"))
    assert case.pk not in ids(c.get(URL + "?trigger=manual"))
    assert case.pk not in ids(c.get(URL + "?status=closed"))
    assert case.pk not in ids(c.get(URL + "?status=late"))
    DropoutCase.objects.filter(pk=case.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    body = c.get(URL + "?status=late").json()
    assert [r["id"] for r in body["results"]] == [case.pk] and body["results"][0]["late"]
    assert c.get(URL + "?status=lost").status_code == 400
    assert c.get(URL + "?school=x").status_code == 400
    assert AccessLog.objects.filter(action="api_list", scope=URL).count() >= 5


def test_missing(world, case):
    c = api(world.xiaozhang)
    r = c.post(f"{URL}{case.pk}/missing/", {"note": ""}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "note"
    r = c.post(f"{URL}{case.pk}/missing/", {"note": "9月3日10时电话报告毛市派出所王警官"}, format="json")
    assert r.status_code == 200 and r.json()["whereabouts_unknown"] and r.json()["steps"][-1]["label"] == "下落不明"


@pytest.mark.parametrize("who", ["xiaozhang_zhuhe", "banzhuren_c32", "dudao_zhuhe", "zhuren_lianfu", "volunteer", "partner", "inspector"])
def test_others_get_404(world, case, pupil, who):
    c = api(getattr(world, who))
    r = c.get(URL)
    assert r.status_code == 404 or case.pk not in ids(r)
    assert c.get(f"{URL}{case.pk}/").status_code == 404
    assert c.post(f"{URL}{case.pk}/act/", {"action": "attempt", "mode": "上门", "note": "x"}, format="json").status_code == 404
    assert c.post(f"{URL}{case.pk}/missing/", {"note": "x"}, format="json").status_code == 404
    assert c.post(URL, {"child": str(pupil.uid)}, format="json").status_code == 404
    assert c.get(f"{URL}{case.pk + 999}/").status_code == 404
    case.refresh_from_db()
    assert case.failed_attempts == 0 and not case.whereabouts_unknown
