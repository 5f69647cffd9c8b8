"""/api/v1/staff/: the roster's people in scope, one with its tenures, the county's writes, the vacancies."""
from shouhu.accounts.models import Assignment
from tests.api_util import api, ids
from tests.factories import UserFactory


def test_list_detail_and_scope(world, staffed):
    everyone = ids(api(world.admin).get("/api/v1/staff/"))
    assert len(everyone) == 5
    mine = ids(api(world.dudao).get("/api/v1/staff/"))
    assert staffed["guangrong"].person_id in mine and staffed["zhuhe"].person_id not in mine
    assert api(world.dudao).get(f"/api/v1/staff/{staffed['zhuhe'].person_id}/").status_code == 404
    body = api(world.dudao_zhuhe).get(f"/api/v1/staff/{staffed['zhuhe'].person_id}/").json()
    assert body["tenures"][0]["kind"] == "township_supervisor" and body["current"] == ["朱河镇儿童督导员"]
    assert ids(api(world.admin).get("/api/v1/staff/?kind=counsellor")) == [staffed["jinxing"].person_id]
    for who in (world.zhuren, world.volunteer, world.partner):
        assert api(who).get("/api/v1/staff/").status_code == 404


def test_vacancies(world, staffed):
    r = api(world.admin).get("/api/v1/staff/vacancies/")
    rows = r.json()["results"] if isinstance(r.json(), dict) else r.json()
    assert {(v["kind"], v["place_name"]) for v in rows} == {("village_director", "红星村"), ("counsellor", "朱河小学")}
    r = api(world.dudao).get("/api/v1/staff/vacancies/")
    assert (r.json()["results"] if isinstance(r.json(), dict) else r.json()) == []


def test_create_appoint_end(world, staffed):
    c = api(world.admin)
    r = c.post("/api/v1/staff/", {"name": "刘小红", "region": world.hongxing.code, "phone": "13900002222", "user": 1, "id": 99}, format="json")
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    u = UserFactory(username="liuxh")
    r = c.post(f"/api/v1/staff/{pid}/appoint/", {"kind": "village_director", "region": world.guangrong.code, "start_on": world.today.isoformat()},
               format="json")
    assert r.status_code == 400 and r.json()["code"] == "post_filled"
    r = c.post(f"/api/v1/staff/{pid}/appoint/", {"kind": "village_director", "region": world.hongxing.code, "start_on": world.today.isoformat(),
                                                 "username": "liuxh"}, format="json")
    assert r.status_code == 201 and Assignment.objects.filter(user=u, role="village_director").exists()
    tenure = r.json()["tenures"][0]["id"]
    r = c.post(f"/api/v1/staff/{pid}/end/", {"appointment": tenure, "end_on": world.today.isoformat(), "reason": "resign"}, format="json")
    assert r.status_code == 200 and not Assignment.objects.filter(user=u).exists()
    # the township's supervisor reads, never writes
    assert api(world.dudao).post(f"/api/v1/staff/{staffed['guangrong'].person_id}/end/", {}, format="json").status_code == 404
