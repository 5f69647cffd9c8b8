"""api.versions: the ETag is the record's version; an update with a stale or bogus If-Match is a 412
with the API's error body, and the first edit survives."""
import pytest

from shouhu.care.models import Helper
from shouhu.registry.models import Child
from tests.api_util import api
from tests.factories import child_values, make_child


@pytest.fixture
def girl(world):
    return make_child(world.admin, world.guangrong, name="陆金兰")


def url(child) -> str:
    return f"/api/v1/children/{child.uid}/"


def test_read_and_update_carry_the_etag(world, girl):
    c = api(world.zhuren)
    assert c.get("/api/v1/children/").get("ETag") is None  # a list has no one version
    r = c.get(url(girl))
    assert r.status_code == 200 and r["ETag"] == '"1"'
    r = c.patch(url(girl), {"carer_phone": "13800000001"}, format="json", HTTP_IF_MATCH=r["ETag"])
    assert r.status_code == 200 and r["ETag"] == '"2"'
    assert c.get(url(girl))["ETag"] == '"2"'


def test_second_client_with_the_old_etag_gets_412_and_the_first_edit_survives(world, girl):
    """Reproduces the lost update over the API: two clients read version 1; the second's PUT of the
    whole record used to put the first's change back."""
    first, second = api(world.zhuren), api(world.dudao)
    tag = first.get(url(girl))["ETag"]
    body = second.get(url(girl)).json()
    assert first.patch(url(girl), {"carer_phone": "13800000001"}, format="json", HTTP_IF_MATCH=tag).status_code == 200
    whole = {k: v for k, v in body.items() if k not in ("id", "age", "merged_into") and v is not None}
    whole["address_detail"] = "三组12号"
    r = second.put(url(girl), whole, format="json", HTTP_IF_MATCH=tag)
    assert r.status_code == 412
    assert r.json()["code"] == "stale" and r.json()["field"] is None and "修改" in r.json()["detail"]
    girl.refresh_from_db()
    assert girl.carer_phone == "13800000001" and girl.address_detail == "" and girl.version == 2


@pytest.mark.parametrize("header", ["bogus", '"abc"', 'W/"1"', '"1', "", '"99999999999999999999999"'])
def test_a_bogus_if_match_is_412_not_ignored(world, girl, header):
    """Reproduces: a bogus If-Match was accepted and the update went through."""
    r = api(world.zhuren).patch(url(girl), {"carer_phone": "13800000001"}, format="json", HTTP_IF_MATCH=header)
    assert r.status_code == 412 and r.json()["code"] == "stale"
    girl.refresh_from_db()
    assert girl.carer_phone == "13712345678" and girl.version == 1


def test_if_match_star_a_list_or_none_are_allowed(world, girl):
    c = api(world.zhuren)
    assert c.patch(url(girl), {"carer_phone": "13800000001"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    assert c.patch(url(girl), {"carer_phone": "13800000002"}, format="json", HTTP_IF_MATCH='"1", "2"').status_code == 200
    assert c.patch(url(girl), {"carer_phone": "13800000003"}, format="json").status_code == 200  # no If-Match: decision 48
    assert Child.objects.get(pk=girl.pk).version == 4


def test_out_of_scope_is_404_before_any_version_talk(world, girl):
    r = api(world.zhuren_lianfu).patch(url(girl), {"name": "x"}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 404 and "ETag" not in r


def test_create_answers_with_the_first_etag(world):
    v = child_values(world.guangrong, name="刘思彤")
    body = {k: (x.isoformat() if hasattr(x, "isoformat") else x) for k, x in v.items() if k != "village"}
    r = api(world.zhuren).post("/api/v1/children/", {**body, "village": world.guangrong.code}, format="json")
    assert r.status_code == 201, r.json()
    assert r["ETag"] == '"1"'


def test_helper_update_is_versioned_too(world):
    h = Helper.objects.create(name="李爱心", region=world.guangrong)
    c = api(world.zhuren)
    tag = c.get(f"/api/v1/helpers/{h.pk}/")["ETag"]
    assert tag == '"1"'
    r = c.patch(f"/api/v1/helpers/{h.pk}/", {"phone": "13900000009"}, format="json", HTTP_IF_MATCH=tag)
    assert r.status_code == 200 and r["ETag"] == '"2"'
    r = api(world.dudao).patch(f"/api/v1/helpers/{h.pk}/", {"phone": "13900000001"}, format="json", HTTP_IF_MATCH=tag)
    assert r.status_code == 412 and r.json()["code"] == "stale"
    assert Helper.objects.get(pk=h.pk).phone == "13900000009"
    assert api(world.zhuren_hongxing).get(f"/api/v1/helpers/{h.pk}/").status_code == 404
