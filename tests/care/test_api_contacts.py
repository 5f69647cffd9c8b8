"""亲情联系 over the API: every endpoint through the caller's scope (out of scope is the same 404 as missing)."""


from shouhu.care.models import FamilyContact
from shouhu.care.visits.services import contact_record
from tests.api_util import api, ids


def test_contact_create_and_list(world, girl):
    c = api(world.zhuren)
    r = c.post("/api/v1/contacts/", {"child": str(girl.uid), "date": world.today.isoformat(), "kind": "视频", "with_whom": "母亲",
                                     "minutes": 15, "place": "亲情联系室"}, format="json")
    assert r.status_code == 201, r.json()
    cid = r.json()["id"]
    assert FamilyContact.objects.get(pk=cid).recorded_by == world.zhuren
    assert ids(c.get(f"/api/v1/contacts/?child={girl.uid}&date_from={world.today.isoformat()}")) == [cid]
    assert c.get(f"/api/v1/contacts/{cid}/").json()["with_whom"] == "母亲"
    r = c.post("/api/v1/contacts/", {"child": str(girl.uid), "date": world.today.isoformat()}, format="json")
    assert r.status_code == 201 and (r.json()["kind"], r.json()["with_whom"]) == ("电话", "父母双方")
    r = c.post("/api/v1/contacts/", {"child": str(girl.uid), "date": world.today.isoformat(), "kind": "飞鸽"}, format="json")
    assert r.status_code == 400 and "kind" in r.json()


def test_contact_out_of_scope(world, girl):
    fc = contact_record(actor=world.zhuren, child=girl, date=world.today, kind="电话", with_whom="父亲")
    for outsider in (world.zhuren_lianfu, world.xiaozhang_zhuhe):
        c = api(outsider)
        assert c.get(f"/api/v1/contacts/{fc.pk}/").status_code == 404
        assert ids(c.get("/api/v1/contacts/")) == []
        r = c.post("/api/v1/contacts/", {"child": str(girl.uid), "date": world.today.isoformat(), "kind": "电话", "with_whom": "父亲"},
                   format="json")
        assert r.status_code == 404
    assert FamilyContact.objects.count() == 1
