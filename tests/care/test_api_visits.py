"""走访记录 over the API, with photos: every endpoint through the caller's scope (out of scope is the same 404 as missing)."""
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from shouhu.audit.models import AccessLog
from shouhu.care.models import Visit
from shouhu.care.visits.services import visit_record
from tests.api_util import api, ids
from tests.care.api_data import MISSING, PNG, days_ago, visit_payload


def test_visit_create_json_and_list(world, girl):
    c = api(world.zhuren)
    r = c.post("/api/v1/visits/", visit_payload(girl, concerns=["营养不良"], needs="校服"), format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["child"] == str(girl.uid) and body["visitor_role"] == "village_director" and body["concerns"] == ["营养不良"]
    vid = body["id"]
    assert ids(c.get(f"/api/v1/visits/?child={girl.uid}")) == [vid]
    assert ids(c.get(f"/api/v1/visits/?date_from={world.today.isoformat()}&date_to={world.today.isoformat()}")) == [vid]
    assert ids(c.get(f"/api/v1/visits/?date_to={days_ago(world, 1)}")) == []
    assert c.get("/api/v1/visits/?date_from=2025-13-40").status_code == 400
    r = c.get(f"/api/v1/visits/{vid}/")
    assert r.status_code == 200 and r.json()["life"] == "饮食正常"
    assert AccessLog.objects.filter(child=girl, user=world.zhuren, action="api_view").exists()
    # the head teacher of her class records a home visit as head teacher
    r = api(world.banzhuren).post("/api/v1/visits/", visit_payload(girl, mode="在校"), format="json")
    assert r.status_code == 201 and r.json()["visitor_role"] == "head_teacher"


def test_visit_multipart_with_photo(world, girl):
    c = api(world.zhuren)
    data = {**visit_payload(girl), "photos": [SimpleUploadedFile("a.png", PNG, content_type="image/png")]}
    r = c.post("/api/v1/visits/", data, format="multipart")
    assert r.status_code == 201, r.json()
    photos = r.json()["photos"]
    assert len(photos) == 1
    got = c.get(photos[0]["url"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == PNG
    assert api(world.zhuren_lianfu).get(photos[0]["url"]).status_code == 404
    bad = {**visit_payload(girl), "photos": [SimpleUploadedFile("a.png", b"not a picture", content_type="image/png")]}
    r = c.post("/api/v1/visits/", bad, format="multipart")
    assert r.status_code == 400 and r.json()["field"] == "photos"


def test_visit_validation_is_400_by_field(world, girl):
    c = api(world.zhuren)
    r = c.post("/api/v1/visits/", visit_payload(girl, date=(world.today + timedelta(days=1)).isoformat()), format="json")
    assert r.status_code == 400 and r.json()["field"] == "date"
    r = c.post("/api/v1/visits/", {"child": str(girl.uid), "date": world.today.isoformat(), "mode": "入户"}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "life"
    r = c.post("/api/v1/visits/", visit_payload(girl, role="head_teacher"), format="json")
    assert r.status_code == 400 and r.json()["field"] == "role"
    assert not Visit.objects.exists()


def test_visit_out_of_scope(world, girl):
    v = visit_record(actor=world.zhuren, child=girl, date=world.today, mode="入户", areas={"life": "正常"})
    for outsider in (world.zhuren_lianfu, world.xiaozhang_zhuhe, world.banzhuren_c32):
        c = api(outsider)
        assert c.get(f"/api/v1/visits/{v.pk}/").status_code == 404
        assert ids(c.get("/api/v1/visits/")) == []
        assert c.post("/api/v1/visits/", visit_payload(girl), format="json").status_code == 404
    assert api(world.zhuren).post("/api/v1/visits/", {**visit_payload(girl), "child": MISSING}, format="json").status_code == 404
    # an inspector reads but does not record
    assert api(world.inspector).get(f"/api/v1/visits/{v.pk}/").status_code == 200
    assert api(world.inspector).post("/api/v1/visits/", visit_payload(girl), format="json").status_code == 404
    assert Visit.objects.count() == 1
