"""微心愿 over the API: every endpoint through the caller's scope (out of scope is the same 404 as missing)."""


from shouhu.care.models import Wish
from shouhu.care.wishes.services import wish_create
from tests.api_util import api, ids


def test_wish_lifecycle(world, girl):
    c = api(world.zhuren)
    r = c.post("/api/v1/wishes/", {"child": str(girl.uid), "text": "一个新书包"}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "open"
    wid = r.json()["id"]
    r = c.post(f"/api/v1/wishes/{wid}/fulfil/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "wish_not_claimed"
    r = c.post(f"/api/v1/wishes/{wid}/claim/", {"donor_name": "爱心企业", "donor_unit": "监利市某公司"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "claimed" and r.json()["donor_name"] == "爱心企业"
    r = c.post(f"/api/v1/wishes/{wid}/fulfil/", {"note": "已送到家"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "fulfilled"
    assert c.post(f"/api/v1/wishes/{wid}/cancel/").status_code == 409
    other = c.post("/api/v1/wishes/", {"child": str(girl.uid), "text": "篮球"}, format="json").json()["id"]
    assert c.post(f"/api/v1/wishes/{other}/cancel/").json()["status"] == "cancelled"
    assert ids(c.get("/api/v1/wishes/?status=fulfilled")) == [wid]
    assert sorted(ids(c.get(f"/api/v1/wishes/?child={girl.uid}"))) == sorted([wid, other])
    assert c.post("/api/v1/wishes/", {"child": str(girl.uid), "text": "  "}, format="json").status_code == 400


def test_wish_out_of_scope(world, girl):
    w = wish_create(actor=world.zhuren, child=girl, text="字典")
    for outsider in (world.zhuren_lianfu, world.xiaozhang_zhuhe):
        c = api(outsider)
        assert c.get(f"/api/v1/wishes/{w.pk}/").status_code == 404
        assert c.post(f"/api/v1/wishes/{w.pk}/claim/", {"donor_name": "某人"}, format="json").status_code == 404
        assert c.post(f"/api/v1/wishes/{w.pk}/cancel/").status_code == 404
        assert ids(c.get("/api/v1/wishes/")) == []
        assert c.post("/api/v1/wishes/", {"child": str(girl.uid), "text": "x"}, format="json").status_code == 404
    assert Wish.objects.get(pk=w.pk).status == "open"
