"""结对帮扶 over the API: every endpoint through the caller's scope (out of scope is the same 404 as missing)."""


from shouhu.care.helpers.services import helper_save, pairing_create
from shouhu.care.models import Helper, Pairing
from tests.api_util import api, ids
from tests.care.api_data import MISSING


def test_pairing_create_list_end(world, girl, helper):
    c = api(world.zhuren)
    r = c.post("/api/v1/pairings/", {"child": str(girl.uid), "helper": helper.pk, "mode": "一对一"}, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["child"] == str(girl.uid) and body["helper_name"] == "王志愿" and body["warning"] == "" and body["start"] == world.today.isoformat()
    pid = body["id"]
    assert ids(c.get(f"/api/v1/pairings/?child={girl.uid}")) == [pid]
    assert ids(c.get(f"/api/v1/pairings/?helper={helper.pk}")) == [pid]
    assert ids(c.get(f"/api/v1/pairings/?child={MISSING}")) == []
    assert ids(c.get("/api/v1/pairings/?child=nonsense")) == []
    r = c.post("/api/v1/pairings/", {"child": str(girl.uid), "helper": helper.pk, "mode": "一对一"}, format="json")
    assert r.status_code == 409 and (r.json()["code"], r.json()["field"]) == ("already_paired", "helper")
    r = c.post(f"/api/v1/pairings/{pid}/end/", {"reason": "儿童转学"}, format="json")
    assert r.status_code == 200 and r.json()["end"] == world.today.isoformat()
    assert Pairing.objects.get(pk=pid).end_reason == "儿童转学"
    assert c.post(f"/api/v1/pairings/{pid}/end/", {}, format="json").status_code == 400
    assert ids(c.get("/api/v1/pairings/?active=true")) == [pid]  # the end day is the pairing's last day
    assert ids(c.get("/api/v1/pairings/?active=false")) == []


def test_pairing_warning_for_orphan_one_to_many(world, orphan, helper):
    r = api(world.zhuren).post("/api/v1/pairings/", {"child": str(orphan.uid), "helper": helper.pk, "mode": "一对多"}, format="json")
    assert r.status_code == 201
    assert "孤儿" in r.json()["warning"] and "一对一" in r.json()["warning"]
    assert Pairing.objects.filter(child=orphan, mode="一对多").exists()  # saved all the same


def test_pairing_out_of_scope(world, girl, helper):
    p = pairing_create(actor=world.zhuren, child=girl, helper=helper, mode="一对一", start=world.today).pairing
    for outsider in (world.zhuren_lianfu, world.xiaozhang_zhuhe):
        c = api(outsider)
        assert c.get(f"/api/v1/pairings/{p.pk}/").status_code == 404
        assert c.post(f"/api/v1/pairings/{p.pk}/end/", {}, format="json").status_code == 404
        assert ids(c.get("/api/v1/pairings/")) == []
    lianfu_helper = helper_save(actor=world.zhuren_lianfu, helper=Helper(name="莲福志愿者", region=world.lianfu))
    r = api(world.zhuren_lianfu).post("/api/v1/pairings/", {"child": str(girl.uid), "helper": lianfu_helper.pk}, format="json")
    assert r.status_code == 404
    # a head teacher sees the pairing but may not pair
    assert api(world.banzhuren).post("/api/v1/pairings/", {"child": str(girl.uid), "helper": helper.pk}, format="json").status_code == 404
