"""心理辅导 over the API: counsellors only: every endpoint through the caller's scope (out of scope is the same 404 as missing)."""


from shouhu.care.counselling.services import counselling_record
from shouhu.care.models import CounsellingSession
from tests.api_util import api, ids
from tests.factories import make_user

NOTES = "孩子提到夜里常常想妈妈，情绪低落"


def test_counselling_only_for_counsellors(world, girl):
    xinli = make_user("xinli", "counsellor", school=world.jinxing)
    c = api(xinli)
    r = c.post("/api/v1/counselling/", {"child": str(girl.uid), "date": world.today.isoformat(), "topic": "思念父母", "notes": NOTES,
                                        "risk": "中"}, format="json")
    assert r.status_code == 201, r.json()
    sid = r.json()["id"]
    assert CounsellingSession.objects.get(pk=sid).counsellor == xinli
    assert ids(c.get("/api/v1/counselling/")) == [sid]
    assert ids(c.get(f"/api/v1/counselling/?child={girl.uid}")) == [sid]
    assert c.get(f"/api/v1/counselling/{sid}/").json()["notes"] == NOTES

    for other in (world.banzhuren, world.admin, world.xiaozhang, world.zhuren):
        o = api(other)
        assert o.get("/api/v1/counselling/").status_code == 404
        assert o.get(f"/api/v1/counselling/{sid}/").status_code == 404
        r = o.post("/api/v1/counselling/", {"child": str(girl.uid), "date": world.today.isoformat(), "topic": "t", "notes": "n"},
                   format="json")
        assert r.status_code == 404
        detail = o.get(f"/api/v1/children/{girl.uid}/")
        assert detail.status_code == 200 and NOTES not in detail.content.decode() and "思念父母" not in detail.content.decode()
    assert CounsellingSession.objects.count() == 1


def test_counselling_other_school_counsellor(world, girl):
    xinli = make_user("xinli", "counsellor", school=world.jinxing)
    s = counselling_record(actor=xinli, child=girl, date=world.today, topic="适应", notes=NOTES)
    other = api(make_user("xinli2", "counsellor", school=world.zhuhe_school))
    assert other.get(f"/api/v1/counselling/{s.pk}/").status_code == 404
    assert ids(other.get("/api/v1/counselling/")) == []
    r = other.post("/api/v1/counselling/", {"child": str(girl.uid), "date": world.today.isoformat(), "topic": "t", "notes": "n"}, format="json")
    assert r.status_code == 404
    r = api(xinli).post("/api/v1/counselling/", {"child": str(girl.uid), "date": world.today.isoformat(), "topic": "", "notes": ""},
                        format="json")
    assert r.status_code == 400


def test_notes_are_not_stored_in_clear(world, girl):
    """Reproduces "counselling notes are stored in clear": a SQL read of the table showed them."""
    from django.db import connection

    xinli = make_user("xinli", "counsellor", school=world.jinxing)
    s = counselling_record(actor=xinli, child=girl, date=world.today, topic="适应", notes=NOTES)
    with connection.cursor() as cur:
        cur.execute("SELECT notes FROM care_counsellingsession")
        [(stored,)] = cur.fetchall()
    assert NOTES not in stored and "想妈妈" not in stored
    assert CounsellingSession.objects.get(pk=s.pk).notes == NOTES
