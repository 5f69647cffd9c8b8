"""关爱活动 over the API: every endpoint through the caller's scope (out of scope is the same 404 as missing)."""


from shouhu.care.activities.services import activity_save
from shouhu.care.models import Activity
from tests.api_util import api, ids


def test_activity_create_and_read(world, girl, orphan):
    c = api(world.zhuren)
    r = c.post("/api/v1/activities/", {"title": "暑期阅读", "kind": "阅读", "date": world.today.isoformat(), "place": "村图书室",
                                       "organiser": "光荣村委会", "region": world.guangrong.code,
                                       "participants": [str(girl.uid), str(orphan.uid)]}, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["participant_count"] == 2 and {ch["id"] for ch in body["children"]} == {str(girl.uid), str(orphan.uid)}
    aid = body["id"]
    assert Activity.objects.get(pk=aid).created_by == world.zhuren
    assert ids(c.get("/api/v1/activities/")) == [aid]
    # the head teacher sees it through her pupil, and only her pupil's name
    r = api(world.banzhuren).get(f"/api/v1/activities/{aid}/")
    assert r.status_code == 200 and [ch["id"] for ch in r.json()["children"]] == [str(girl.uid)] and r.json()["participant_count"] == 2


def test_activity_out_of_scope(world, girl):
    a = activity_save(actor=world.zhuren, activity=Activity(title="法治课", date=world.today, place="村部", organiser="司法所",
                                                                     region=world.guangrong), children=[girl])
    for outsider in (world.zhuren_lianfu, world.zhuren_hongxing, world.xiaozhang_zhuhe):
        c = api(outsider)
        assert c.get(f"/api/v1/activities/{a.pk}/").status_code == 404
        assert ids(c.get("/api/v1/activities/")) == []
    base = {"title": "x", "date": world.today.isoformat(), "place": "p", "organiser": "o"}
    r = api(world.zhuren_lianfu).post("/api/v1/activities/", {**base, "region": world.lianfu.code, "participants": [str(girl.uid)]}, format="json")
    assert r.status_code == 404
    r = api(world.zhuren_lianfu).post("/api/v1/activities/", {**base, "region": world.guangrong.code}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "region"
    assert Activity.objects.count() == 1
