"""/api/v1/alerts/: the caller's alerts most urgent first, the owner's actions, 404 for everyone else."""
import pytest

from shouhu.protection.models import Alert
from tests.api_util import api, ids


@pytest.fixture
def alert(alone):
    return Alert.objects.get(child=alone, code="unguarded")


def test_list_and_actions(world, alert):
    c = api(world.zhuren)
    assert alert.pk in ids(c.get("/api/v1/alerts/"))
    assert alert.pk not in ids(c.get("/api/v1/alerts/?level=yellow"))
    r = c.get("/api/v1/alerts/?level=purple")
    assert r.status_code == 400 and "level" in r.json()
    r = c.post(f"/api/v1/alerts/{alert.pk}/act/", {"action": ""}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "action"
    r = c.post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = c.post(f"/api/v1/alerts/{alert.pk}/act/", {"action": "电话核实", "note": "已联系父亲"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "acted" and r.json()["action"] == "电话核实"


@pytest.mark.parametrize("who", ["zhuren_lianfu", "dudao_zhuhe", "xiaozhang", "banzhuren", "inspector", "volunteer", "partner"])
def test_others_get_404(world, alert, who):
    c = api(getattr(world, who))
    assert alert.pk not in (ids(c.get("/api/v1/alerts/")) if c.get("/api/v1/alerts/").status_code == 200 else [])
    assert c.get(f"/api/v1/alerts/{alert.pk}/").status_code == 404
    assert c.post(f"/api/v1/alerts/{alert.pk}/close/", {"reason": "x"}, format="json").status_code == 404


def test_reports_over_the_api(world, django_capture_on_commit_callbacks):
    from shouhu.protection.models import MandatoryReport
    from tests.factories import make_child

    kid = make_child(world.zhuren, world.guangrong)
    body = {"situation": "abandoned", "seen": "孩子一个人在家三天", "child": str(kid.uid), "village": world.guangrong.code}
    r = api(world.zhuren).post("/api/v1/mandatory-reports/", {**body, "situation": ""}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "situation"
    with django_capture_on_commit_callbacks(execute=True):
        r = api(world.zhuren).post("/api/v1/mandatory-reports/", body, format="json")
    assert r.status_code == 201 and r.json()["child"] == str(kid.uid) and "reporter_name" not in r.json()
    pk = r.json()["id"]
    assert Alert.objects.filter(child=kid, code="report_received").exists()
    d = api(world.dudao)
    assert pk in ids(d.get("/api/v1/mandatory-reports/"))
    assert d.get(f"/api/v1/mandatory-reports/{pk}/").json()["reporter_name"] == "zhuren"
    r = d.post(f"/api/v1/mandatory-reports/{pk}/receive/", {"police_unit": "毛市派出所", "civil_affairs_told": "县民政局"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "received"
    for who in ("zhuren_lianfu", "dudao_zhuhe", "xiaozhang", "volunteer", "partner", "inspector"):
        c = api(getattr(world, who))
        assert c.get(f"/api/v1/mandatory-reports/{pk}/").status_code == 404, who
        assert c.post(f"/api/v1/mandatory-reports/{pk}/feedback/", {"feedback": "x"}, format="json").status_code == 404, who
    # the reporter sees the status, not the handling
    mine = api(world.zhuren).get(f"/api/v1/mandatory-reports/{pk}/").json()
    assert mine["status"] == "received" and "police_unit" not in mine
    assert MandatoryReport.objects.get(pk=pk).received_by == world.dudao
