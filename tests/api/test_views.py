"""API: token auth, the same scope rules (404 out of scope), filters, create/update, masking."""
import pytest
from rest_framework.test import APIClient

from shouhu.audit.models import AccessLog
from shouhu.registry.models import Child
from tests.api_util import api
from tests.factories import PASSWORD, child_values, make_child


@pytest.fixture
def girl(world):
    return make_child(world.admin, world.guangrong, name="陆金兰", school=world.jinxing, school_class=world.c31)


def test_token_auth(world, girl):
    c = APIClient()
    r = c.post("/api/v1/auth/token/", {"username": "zhuren", "password": PASSWORD}, format="json")
    assert r.status_code == 200 and r.json()["token"]
    c.credentials(HTTP_AUTHORIZATION="Token " + r.json()["token"])
    assert c.get("/api/v1/children/").json()["count"] == 1
    assert APIClient().get("/api/v1/children/").status_code in (401, 403)
    bad = APIClient().post("/api/v1/auth/token/", {"username": "zhuren", "password": "wrong"}, format="json")
    assert bad.status_code == 400


def test_child_detail_uses_opaque_id_and_logs(world, girl):
    r = api(world.zhuren).get(f"/api/v1/children/{girl.uid}/")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == str(girl.uid) and "uid" not in body and body["is_left_behind"] is True
    assert body["village"] == "421088109200"
    assert AccessLog.objects.filter(child=girl, action="api_view", user=world.zhuren).exists()


@pytest.mark.parametrize("outsider", ["zhuren_lianfu", "zhuren_hongxing", "xiaozhang_zhuhe", "banzhuren_c32", "dudao_zhuhe", "partner", "volunteer"])
def test_out_of_scope_is_404(world, girl, outsider):
    c = api(getattr(world, outsider))
    assert c.get(f"/api/v1/children/{girl.uid}/").status_code == 404
    assert c.patch(f"/api/v1/children/{girl.uid}/", {"name": "x"}, format="json").status_code == 404
    assert str(girl.uid) not in c.get("/api/v1/children/").content.decode()


def test_missing_is_the_same_404(world):
    c = api(world.admin)
    assert c.get("/api/v1/children/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert c.get("/api/v1/children/nonsense/").status_code == 404


def test_schools_classes_regions_scoped(world):
    names = {s["name"] for s in api(world.dudao).get("/api/v1/schools/").json()["results"]}
    assert names == {"金星小学"}
    assert api(world.dudao).get(f"/api/v1/schools/{world.zhuhe_school.pk}/").status_code == 404
    assert api(world.banzhuren).get(f"/api/v1/classes/{world.c32.pk}/").status_code == 404
    assert api(world.banzhuren).get(f"/api/v1/classes/{world.c31.pk}/").status_code == 200
    assert api(world.zhuren).get("/api/v1/regions/421088101201/").status_code == 404
    assert api(world.zhuren).get("/api/v1/regions/421088109200/").status_code == 200
    codes = {r["code"] for r in api(world.dudao).get("/api/v1/regions/?parent=421088109").json()["results"]}
    assert codes == {"421088109200", "421088109202"}


def test_masking_by_role(world, girl):
    assert api(world.zhuren).get(f"/api/v1/children/{girl.uid}/").json()["id_number"] == girl.id_number
    masked = api(world.banzhuren).get(f"/api/v1/children/{girl.uid}/").json()["id_number"]
    assert masked == girl.id_number[:6] + "*" * 12


def test_filters(world, girl):
    make_child(world.admin, world.hongxing, name="王浩", sex="男")
    c = api(world.admin)
    assert c.get("/api/v1/children/?region=421088101").json()["count"] == 1
    assert c.get("/api/v1/children/?category=left_behind").json()["count"] == 2
    assert c.get("/api/v1/children/?category=orphan").json()["count"] == 0
    assert c.post("/api/v1/children/search/", {"q": "ljl"}, format="json").json()["results"][0]["name"] == "陆金兰"
    assert c.get(f"/api/v1/children/?school={world.jinxing.pk}").json()["count"] == 1


def _payload(world, **over):
    v = child_values(world.guangrong, **over)
    v["village"] = v["village"].code
    return {k: (val.isoformat() if hasattr(val, "isoformat") else val) for k, val in v.items()}


def test_create_and_update(world):
    c = api(world.zhuren)
    r = c.post("/api/v1/children/", _payload(world, name="刘思彤"), format="json")
    assert r.status_code == 201, r.json()
    uid = r.json()["id"]
    child = Child.objects.get(uid=uid)
    assert child.is_left_behind and child.created_by == world.zhuren
    r = c.patch(f"/api/v1/children/{uid}/", {"carer_phone": "13800001111", "change_reason": "换号"}, format="json")
    assert r.status_code == 200
    assert child.history.first().history_change_reason == "换号"


def test_create_validation_errors_by_field(world):
    c = api(world.zhuren)
    r = c.post("/api/v1/children/", {**_payload(world), "sex": "男"}, format="json")
    assert r.status_code == 400 and "sex" in r.json()
    r = c.post("/api/v1/children/", {**_payload(world), "village": "421088101201"}, format="json")
    assert r.status_code == 400 and "village" in r.json()
    assert not Child.objects.exists()


def test_readers_cannot_write(world, girl):
    # a role that may not edit records has no update operation: the same 404 as a missing one
    r = api(world.banzhuren).patch(f"/api/v1/children/{girl.uid}/", {"carer_phone": "13800001111"}, format="json")
    assert r.status_code == 404
    girl.refresh_from_db()
    assert girl.carer_phone != "13800001111"


def test_schema(world):
    r = api(world.admin).get("/api/schema/")
    assert r.status_code == 200 and b"/api/v1/children/" in r.content


def test_schema_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/visits/" in (tmp_path / "schema.yml").read_text()


def test_masked_readers_cannot_search_by_id_number(world, girl):
    """Reproduces: a masked reader could confirm guesses of the hidden digits by searching for
    whole numbers (or their last four) one after another."""
    def search(user, q):
        return api(user).post("/api/v1/children/search/", {"q": q}, format="json").json()["count"]

    assert search(world.zhuren, girl.id_number) == 1
    assert search(world.banzhuren, girl.id_number) == 0
    assert search(world.banzhuren, girl.id_number[-4:]) == 0


def test_search_is_posted_and_a_name_in_the_query_string_is_refused(world, girl):
    """Reproduces `GET /api/v1/children/?q=42108820200423892X` answered (the number then sat in
    the server's and proxies' logs): a GET with `q` is now a 400 saying to POST."""
    c = api(world.admin)
    for q in (girl.id_number, girl.name):
        r = c.get("/api/v1/children/", {"q": q})
        assert r.status_code == 400
        assert r.json()["code"] == "search_by_post" and r.json()["field"] == "q" and "POST" in r.json()["detail"]
    r = c.post("/api/v1/children/search/?page=1", {"q": girl.id_number, "status": "active", "region": "421088109"}, format="json")
    assert [x["name"] for x in r.json()["results"]] == [girl.name] and r.json()["count"] == 1
    assert c.post("/api/v1/children/search/", {"q": girl.id_number[-5:]}).json()["count"] == 1  # a form body too
    assert c.post("/api/v1/children/search/", {"q": girl.name, "region": "421088101"}, format="json").json()["count"] == 0
    assert c.get("/api/v1/children/", {"region": "421088109"}).json()["count"] == 1  # other filters stay in the URL


def test_search_of_another_village_finds_nothing(world, girl):
    """The search endpoint applies the caller's scope: another village's director gets no row."""
    r = api(world.zhuren_hongxing).post("/api/v1/children/search/", {"q": girl.id_number}, format="json")
    assert r.status_code == 200 and r.json()["count"] == 0
    assert api(world.partner).post("/api/v1/children/search/", {"q": girl.name}, format="json").status_code == 404


def test_a_number_already_registered_is_a_400_on_the_field(world, girl):
    """The uniqueness of the ID number moved to its blind index: the API still answers 400 on
    `id_number` (it had DRF's UniqueValidator from the model field), never a 500."""
    r = api(world.zhuren).post("/api/v1/children/", _payload(world, name="刘思彤", id_number=girl.id_number), format="json")
    assert r.status_code == 400 and "id_number" in r.json(), r.content  # DRF's per-field errors, as for every field


def test_search_body_with_a_nul_character_is_a_400(world, girl):
    r = api(world.admin).post("/api/v1/children/search/", {"q": "陆\x00"}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "q"
