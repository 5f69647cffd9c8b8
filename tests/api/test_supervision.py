"""/api/v1/inspections/ and /api/v1/findings/: plan, draw a seeded sample, check a child on the spot
(a "no" files a finding), the village answers with a file, the township passes it; the list's
filters; the same 404 for another village, another township, a school and a volunteer."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhu.supervision import services as V
from shouhu.supervision.models import Finding
from tests.api_util import api, ids
from tests.factories import make_child

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def test_the_whole_way(world, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        make_child(world.zhuren, world.guangrong, name="陈小明")
    c = api(world.inspector)
    r = c.post("/api/v1/inspections/", {"region": world.maoshi.code, "kind": "routine", "planned_on": str(world.today),
                                        "units": [world.guangrong.code]}, format="json")
    assert r.status_code == 201, r.content
    iid = r.json()["id"]
    r = c.post(f"/api/v1/inspections/{iid}/sample/", {"village": world.guangrong.code, "size": 3}, format="json")
    assert r.status_code == 201 and r.json()["items"][0]["name"] == "陈小明" and r.json()["pool"] == 1
    item = r.json()["items"][0]["id"]
    r = c.post(f"/api/v1/inspections/{iid}/check/", {"item": item, "answers": {"present": "yes", "carer": "yes", "visits": "no",
                                                                               "agreement": "yes"}}, format="json")
    assert r.status_code == 200 and r.json()["answers"]["visits"] == "no"
    f = Finding.objects.get()
    assert f.checks == ["visits"]

    z = api(world.zhuren)
    assert ids(z.get("/api/v1/findings/")) == [f.pk]
    r = z.post(f"/api/v1/findings/{f.pk}/act/", {"action": "answer", "note": "已补录真实走访"}, format="multipart")
    assert r.status_code == 400 and r.json()["field"] == "files"
    r = z.post(f"/api/v1/findings/{f.pk}/act/", {"action": "answer", "note": "已补录真实走访",
                                                 "files": [SimpleUploadedFile("a.png", PNG, content_type="image/png")]}, format="multipart")
    assert r.status_code == 200 and r.json()["state"] == "answered" and r.json()["allowed_actions"] == []
    r = api(world.dudao).post(f"/api/v1/findings/{f.pk}/act/", {"action": "pass"}, format="multipart")
    assert r.status_code == 200 and r.json()["state"] == "passed"
    assert [s["action"] for s in r.json()["steps"]] == ["open", "answer", "pass"]


def test_filters_and_create(world):
    c = api(world.inspector)
    r = c.post("/api/v1/findings/", {"unit": world.guangrong.code, "problem": "协议未签"}, format="json")
    assert r.status_code == 201
    assert api(world.zhuren).post("/api/v1/findings/", {"unit": world.guangrong.code, "problem": "x"}, format="json").status_code == 404
    assert len(ids(c.get("/api/v1/findings/?status=open"))) == 1 and ids(c.get("/api/v1/findings/?status=passed")) == []
    assert c.get("/api/v1/findings/?status=bogus").status_code == 400


@pytest.mark.parametrize("who", ["zhuren_lianfu", "dudao_zhuhe", "xiaozhang", "volunteer", "partner"])
def test_others_get_404(world, who):
    f = V.finding_create(actor=world.inspector, unit=world.guangrong, problem="协议未签")
    i = V.inspection_create(actor=world.inspector, region=world.maoshi, kind="routine", planned_on=world.today)
    c = api(getattr(world, who))
    assert c.get(f"/api/v1/findings/{f.pk}/").status_code == 404
    assert c.post(f"/api/v1/findings/{f.pk}/act/", {"action": "answer", "note": "x"}).status_code == 404
    assert c.get(f"/api/v1/inspections/{i.pk}/").status_code == 404
    assert c.post(f"/api/v1/inspections/{i.pk}/sample/", {"village": world.guangrong.code}).status_code == 404


def test_the_scoreboard(world):
    r = api(world.admin).get("/api/v1/scoreboard/")
    assert r.status_code == 200 and [t["label"] for t in r.json()["townships"]] == ["朱河镇", "毛市镇"] and r.json()["frozen"] is False
    assert api(world.dudao).get("/api/v1/scoreboard/?period=2026").json()["label"] == "2026年度"
    assert api(world.admin).get("/api/v1/scoreboard/?period=2026Q9").status_code == 400
    for who in ("zhuren", "volunteer", "xiaozhang"):
        assert api(getattr(world, who)).get("/api/v1/scoreboard/").status_code == 404
