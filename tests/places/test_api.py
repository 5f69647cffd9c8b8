"""/api/v1/places/: the caller's places (a user of another township gets the 404 of a missing
place), registering and changing one (writable fields an explicit list; If-Match), its steps and
its sessions."""
import pytest

from shouhu.places import services as S
from shouhu.regions.models import Place
from shouhu.rules import places as P
from tests.api_util import api, ids

pytestmark = pytest.mark.django_db


def test_list_and_scope(places):
    w = places
    assert set(ids(api(w.dudao).get("/api/v1/places/"))) == {w.home.pk, w.station.pk, w.room.pk}
    assert ids(api(w.dudao).get("/api/v1/places/?status=draft")) == [w.room.pk]
    assert ids(api(w.zhuren).get("/api/v1/places/?kind=children_home")) == [w.home.pk]
    assert api(w.zhuren).get("/api/v1/places/?kind=bogus").status_code == 400
    for user in (w.dudao_zhuhe, w.zhuren_lianfu, w.xiaozhang_zhuhe):
        c = api(user)
        assert c.get(f"/api/v1/places/{w.home.pk}/").status_code == 404
        assert c.get(f"/api/v1/places/{w.home.pk}/sessions/").status_code == 404
        assert c.patch(f"/api/v1/places/{w.home.pk}/", {"hours": "x"}, format="json").status_code == 404
        assert c.post(f"/api/v1/places/{w.home.pk}/act/", {"action": "close", "note": "x"}, format="json").status_code == 404
    assert api(w.volunteer).get("/api/v1/places/").status_code == 404  # no place role: not there


def test_detail_create_update_and_steps(places):
    w = places
    c = api(w.zhuren_lianfu)
    r = c.post("/api/v1/places/", {"kind": "children_home", "name": "莲福村儿童之家", "region": w.lianfu.code, "status": "running",
                                   "checklist": dict.fromkeys(P.DEFAULT_CHECKLIST, True)}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["missing"] == [] and r["ETag"] == '"1"'  # status is not writable
    pk = body["id"]
    r = c.patch(f"/api/v1/places/{pk}/", {"hours": "周六下午"}, format="json", HTTP_IF_MATCH='"7"')
    assert r.status_code == 412
    r = c.patch(f"/api/v1/places/{pk}/", {"hours": "周六下午"}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 200 and r.json()["hours"] == "周六下午"
    r = c.post(f"/api/v1/places/{pk}/act/", {"action": "declare"}, format="json")
    assert r.json()["status"] == "declared"
    assert c.post(f"/api/v1/places/{pk}/act/", {"action": "accept"}, format="json").status_code == 400  # the county's step
    r = api(w.admin).post(f"/api/v1/places/{pk}/act/", {"action": "accept"}, format="json")
    assert r.json()["status"] == "running" and r.json()["status_label"] == "运行中"
    r = c.post("/api/v1/places/", {"kind": "station", "name": "站", "region": w.lianfu.code}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "region"
    assert Place.objects.filter(name="站").count() == 0


def test_sessions_are_counts(places):
    w = places
    s = S.session_create(actor=w.zhuren, place=w.home, date=w.today, parent_school=True, topic="亲子沟通")
    S.attendance_add(actor=w.zhuren, session=s, children=[w.lan, w.ming])
    S.guardian_add(actor=w.zhuren, session=s, child=w.ming, who="mother", mode="video")
    rows = api(w.zhuren).get(f"/api/v1/places/{w.home.pk}/sessions/").json()
    assert rows == [{"id": s.pk, "date": w.today.isoformat(), "parent_school": True, "topic": "亲子沟通", "speaker": "", "note": "",
                     "children": 2, "guardians": 1, "remote": 1}]
