"""我的待办 over the API: every endpoint through the caller's scope (out of scope is the same 404 as missing)."""
from datetime import timedelta

from shouhu.care.dues.services import refresh_children
from shouhu.registry.models import Child
from tests.api_util import api
from tests.care.api_data import visit_payload


def test_tasks_overdue_visit(world, orphan, girl, django_capture_on_commit_callbacks):
    Child.objects.filter(pk=orphan.pk).update(entered_on=world.today - timedelta(days=60))  # on the register for two months
    refresh_children([orphan.pk, girl.pk])
    r = api(world.zhuren).get("/api/v1/tasks/")
    assert r.status_code == 200
    body = r.json()
    visits = [t for t in body["items"] if t["kind"] == "visit" and t["child"] == str(orphan.uid)]
    assert len(visits) == 1
    t = visits[0]
    assert t["name"] == "张小军" and t["state"] == "overdue" and t["due"] == (world.today - timedelta(days=30)).isoformat() and t["days"] == 30
    assert body["counts"]["visit"]["overdue"] == 1 and body["total"] >= 1
    assert any(t["kind"] == "pairing" and t["child"] == str(orphan.uid) for t in body["items"])  # no one-to-one helper yet
    assert [t["kind"] for t in api(world.zhuren).get("/api/v1/tasks/?kind=pairing").json()["items"]] == ["pairing"]
    assert api(world.zhuren).get("/api/v1/tasks/?kind=nonsense").status_code == 400
    # the other village has nothing of hers
    other = api(world.zhuren_lianfu).get("/api/v1/tasks/").json()
    assert other["items"] == [] and other["total"] == 0
    # recording the visit takes it off the list (maintained rows refresh after commit)
    with django_capture_on_commit_callbacks(execute=True):
        r = api(world.zhuren).post("/api/v1/visits/", visit_payload(orphan, date=world.today.isoformat()), format="json")
    assert r.status_code == 201
    items = api(world.zhuren).get("/api/v1/tasks/?kind=visit").json()["items"]
    assert not any(t["child"] == str(orphan.uid) and t["state"] == "overdue" for t in items)
