"""帮扶人 over the API: every endpoint through the caller's scope (out of scope is the same 404 as missing)."""


from shouhu.care.models import Helper
from tests.api_util import api, ids


def test_helpers_create_list_update(world):
    c = api(world.zhuren)
    r = c.post("/api/v1/helpers/", {"name": "李爱心", "kind": "代理家长/爱心妈妈", "region": world.guangrong.code, "phone": "13900000000"},
               format="json")
    assert r.status_code == 201, r.json()
    hid = r.json()["id"]
    assert Helper.objects.get(pk=hid).created_by == world.zhuren
    assert hid in ids(c.get("/api/v1/helpers/"))
    r = c.patch(f"/api/v1/helpers/{hid}/", {"phone": "13900000009"}, format="json")
    assert r.status_code == 200 and Helper.objects.get(pk=hid).phone == "13900000009"
    assert hid in ids(api(world.dudao).get("/api/v1/helpers/"))  # the township sees its villages' helpers


def test_helpers_out_of_scope(world, helper):
    for outsider in (world.zhuren_lianfu, world.zhuren_hongxing, world.xiaozhang_zhuhe):
        c = api(outsider)
        assert c.get(f"/api/v1/helpers/{helper.pk}/").status_code == 404
        assert c.patch(f"/api/v1/helpers/{helper.pk}/", {"phone": "1"}, format="json").status_code == 404
        assert helper.pk not in ids(c.get("/api/v1/helpers/"))
    assert api(world.admin).get("/api/v1/helpers/999999/").status_code == 404


def test_helpers_write_checks(world, helper):
    r = api(world.zhuren).post("/api/v1/helpers/", {"name": "外村人", "region": world.hongxing.code}, format="json")
    assert r.status_code == 403
    r = api(world.zhuren).post("/api/v1/helpers/", {"name": "无区域"}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "region"
    r = api(world.xiaozhang).post("/api/v1/helpers/", {"name": "别校老师", "kind": "教师", "school": world.zhuhe_school.pk}, format="json")
    assert r.status_code == 403
    r = api(world.xiaozhang).post("/api/v1/helpers/", {"name": "本校老师", "kind": "教师", "school": world.jinxing.pk}, format="json")
    assert r.status_code == 201
    assert api(world.banzhuren).post("/api/v1/helpers/", {"name": "x", "school": world.jinxing.pk}, format="json").status_code == 404  # may not pair
    # moving a helper out of one's own scope is refused
    r = api(world.zhuren).patch(f"/api/v1/helpers/{helper.pk}/", {"region": world.hongxing.code}, format="json")
    assert r.status_code == 403 and Helper.objects.get(pk=helper.pk).region == world.guangrong
