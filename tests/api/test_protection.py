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
