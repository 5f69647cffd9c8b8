"""Care work over the API: every endpoint through the caller's scope (out of scope is the same 404
as missing), writes through the services, counselling for counsellors only, my tasks."""
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.care.activities.services import activity_save
from shouhu.care.campaigns.services import campaign_create
from shouhu.care.counselling.services import counselling_record
from shouhu.care.dues.services import refresh_children
from shouhu.care.helpers.services import helper_save, pairing_create
from shouhu.care.models import Activity, CounsellingSession, FamilyContact, Helper, Pairing, Visit, Wish
from shouhu.care.visits.services import contact_record, visit_record
from shouhu.care.wishes.services import wish_create
from shouhu.registry.models import Child
from tests.api_util import api, ids
from tests.factories import make_child, make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MISSING = "00000000-0000-0000-0000-000000000000"




@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def girl(world):
    """Left-behind pupil of 金星小学 三年级1班, living in 光荣村."""
    return make_child(world.admin, world.guangrong, name="陆金兰", school=world.jinxing, school_class=world.c31)


@pytest.fixture
def orphan(world):
    return make_child(world.admin, world.guangrong, name="张小军", sex="男", father_situation="死亡", mother_situation="死亡")


@pytest.fixture
def helper(world):
    return helper_save(actor=world.zhuren, helper=Helper(name="王志愿", region=world.guangrong, phone="13800000001"))


def days_ago(world, n):
    return (world.today - timedelta(days=n)).isoformat()


def visit_payload(child, **over):
    return {"child": str(child.uid), "date": timezone.localdate().isoformat(), "mode": "入户", "life": "饮食正常", "study": "成绩中等", **over}


# -- helpers -----------------------------------------------------------------------------------------
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


# -- pairings ----------------------------------------------------------------------------------------
def test_pairing_create_list_end(world, girl, helper):
    c = api(world.zhuren)
    r = c.post("/api/v1/pairings/", {"child": str(girl.uid), "helper": helper.pk, "mode": "一对一"}, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["child"] == str(girl.uid) and body["helper_name"] == "王志愿" and body["warning"] == "" and body["start"] == world.today.isoformat()
    pid = body["id"]
    assert ids(c.get(f"/api/v1/pairings/?child={girl.uid}")) == [pid]
    assert ids(c.get(f"/api/v1/pairings/?helper={helper.pk}")) == [pid]
    assert ids(c.get(f"/api/v1/pairings/?child={MISSING}")) == []
    assert ids(c.get("/api/v1/pairings/?child=nonsense")) == []
    r = c.post("/api/v1/pairings/", {"child": str(girl.uid), "helper": helper.pk, "mode": "一对一"}, format="json")
    assert r.status_code == 409 and (r.json()["code"], r.json()["field"]) == ("already_paired", "helper")
    r = c.post(f"/api/v1/pairings/{pid}/end/", {"reason": "儿童转学"}, format="json")
    assert r.status_code == 200 and r.json()["end"] == world.today.isoformat()
    assert Pairing.objects.get(pk=pid).end_reason == "儿童转学"
    assert c.post(f"/api/v1/pairings/{pid}/end/", {}, format="json").status_code == 400
    assert ids(c.get("/api/v1/pairings/?active=true")) == [pid]  # the end day is the pairing's last day
    assert ids(c.get("/api/v1/pairings/?active=false")) == []


def test_pairing_warning_for_orphan_one_to_many(world, orphan, helper):
    r = api(world.zhuren).post("/api/v1/pairings/", {"child": str(orphan.uid), "helper": helper.pk, "mode": "一对多"}, format="json")
    assert r.status_code == 201
    assert "孤儿" in r.json()["warning"] and "一对一" in r.json()["warning"]
    assert Pairing.objects.filter(child=orphan, mode="一对多").exists()  # saved all the same


def test_pairing_out_of_scope(world, girl, helper):
    p = pairing_create(actor=world.zhuren, child=girl, helper=helper, mode="一对一", start=world.today).pairing
    for outsider in (world.zhuren_lianfu, world.xiaozhang_zhuhe):
        c = api(outsider)
        assert c.get(f"/api/v1/pairings/{p.pk}/").status_code == 404
        assert c.post(f"/api/v1/pairings/{p.pk}/end/", {}, format="json").status_code == 404
        assert ids(c.get("/api/v1/pairings/")) == []
    lianfu_helper = helper_save(actor=world.zhuren_lianfu, helper=Helper(name="莲福志愿者", region=world.lianfu))
    r = api(world.zhuren_lianfu).post("/api/v1/pairings/", {"child": str(girl.uid), "helper": lianfu_helper.pk}, format="json")
    assert r.status_code == 404
    # a head teacher sees the pairing but may not pair
    assert api(world.banzhuren).post("/api/v1/pairings/", {"child": str(girl.uid), "helper": helper.pk}, format="json").status_code == 404


# -- visits ------------------------------------------------------------------------------------------
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


# -- family contact ----------------------------------------------------------------------------------
def test_contact_create_and_list(world, girl):
    c = api(world.zhuren)
    r = c.post("/api/v1/contacts/", {"child": str(girl.uid), "date": world.today.isoformat(), "kind": "视频", "with_whom": "母亲",
                                     "minutes": 15, "place": "亲情联系室"}, format="json")
    assert r.status_code == 201, r.json()
    cid = r.json()["id"]
    assert FamilyContact.objects.get(pk=cid).recorded_by == world.zhuren
    assert ids(c.get(f"/api/v1/contacts/?child={girl.uid}&date_from={world.today.isoformat()}")) == [cid]
    assert c.get(f"/api/v1/contacts/{cid}/").json()["with_whom"] == "母亲"
    r = c.post("/api/v1/contacts/", {"child": str(girl.uid), "date": world.today.isoformat()}, format="json")
    assert r.status_code == 201 and (r.json()["kind"], r.json()["with_whom"]) == ("电话", "父母双方")
    r = c.post("/api/v1/contacts/", {"child": str(girl.uid), "date": world.today.isoformat(), "kind": "飞鸽"}, format="json")
    assert r.status_code == 400 and "kind" in r.json()


def test_contact_out_of_scope(world, girl):
    fc = contact_record(actor=world.zhuren, child=girl, date=world.today, kind="电话", with_whom="父亲")
    for outsider in (world.zhuren_lianfu, world.xiaozhang_zhuhe):
        c = api(outsider)
        assert c.get(f"/api/v1/contacts/{fc.pk}/").status_code == 404
        assert ids(c.get("/api/v1/contacts/")) == []
        r = c.post("/api/v1/contacts/", {"child": str(girl.uid), "date": world.today.isoformat(), "kind": "电话", "with_whom": "父亲"},
                   format="json")
        assert r.status_code == 404
    assert FamilyContact.objects.count() == 1


# -- wishes ------------------------------------------------------------------------------------------
def test_wish_lifecycle(world, girl):
    c = api(world.zhuren)
    r = c.post("/api/v1/wishes/", {"child": str(girl.uid), "text": "一个新书包"}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "open"
    wid = r.json()["id"]
    r = c.post(f"/api/v1/wishes/{wid}/fulfil/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "wish_not_claimed"
    r = c.post(f"/api/v1/wishes/{wid}/claim/", {"donor_name": "爱心企业", "donor_unit": "监利市某公司"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "claimed" and r.json()["donor_name"] == "爱心企业"
    r = c.post(f"/api/v1/wishes/{wid}/fulfil/", {"note": "已送到家"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "fulfilled"
    assert c.post(f"/api/v1/wishes/{wid}/cancel/").status_code == 409
    other = c.post("/api/v1/wishes/", {"child": str(girl.uid), "text": "篮球"}, format="json").json()["id"]
    assert c.post(f"/api/v1/wishes/{other}/cancel/").json()["status"] == "cancelled"
    assert ids(c.get("/api/v1/wishes/?status=fulfilled")) == [wid]
    assert sorted(ids(c.get(f"/api/v1/wishes/?child={girl.uid}"))) == sorted([wid, other])
    assert c.post("/api/v1/wishes/", {"child": str(girl.uid), "text": "  "}, format="json").status_code == 400


def test_wish_out_of_scope(world, girl):
    w = wish_create(actor=world.zhuren, child=girl, text="字典")
    for outsider in (world.zhuren_lianfu, world.xiaozhang_zhuhe):
        c = api(outsider)
        assert c.get(f"/api/v1/wishes/{w.pk}/").status_code == 404
        assert c.post(f"/api/v1/wishes/{w.pk}/claim/", {"donor_name": "某人"}, format="json").status_code == 404
        assert c.post(f"/api/v1/wishes/{w.pk}/cancel/").status_code == 404
        assert ids(c.get("/api/v1/wishes/")) == []
        assert c.post("/api/v1/wishes/", {"child": str(girl.uid), "text": "x"}, format="json").status_code == 404
    assert Wish.objects.get(pk=w.pk).status == "open"


# -- counselling -------------------------------------------------------------------------------------
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


# -- activities --------------------------------------------------------------------------------------
def test_activity_create_and_read(world, girl, orphan):
    c = api(world.zhuren)
    r = c.post("/api/v1/activities/", {"title": "暑期阅读", "kind": "阅读", "date": world.today.isoformat(), "place": "村图书室",
                                       "organiser": "光荣村委会", "region": world.guangrong.code,
                                       "participants": [str(girl.uid), str(orphan.uid)]}, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["participant_count"] == 2 and {ch["id"] for ch in body["children"]} == {str(girl.uid), str(orphan.uid)}
    aid = body["id"]
    assert Activity.objects.get(pk=aid).created_by == world.zhuren
    assert ids(c.get("/api/v1/activities/")) == [aid]
    # the head teacher sees it through her pupil, and only her pupil's name
    r = api(world.banzhuren).get(f"/api/v1/activities/{aid}/")
    assert r.status_code == 200 and [ch["id"] for ch in r.json()["children"]] == [str(girl.uid)] and r.json()["participant_count"] == 2


def test_activity_out_of_scope(world, girl):
    a = activity_save(actor=world.zhuren, activity=Activity(title="法治课", date=world.today, place="村部", organiser="司法所",
                                                                     region=world.guangrong), children=[girl])
    for outsider in (world.zhuren_lianfu, world.zhuren_hongxing, world.xiaozhang_zhuhe):
        c = api(outsider)
        assert c.get(f"/api/v1/activities/{a.pk}/").status_code == 404
        assert ids(c.get("/api/v1/activities/")) == []
    base = {"title": "x", "date": world.today.isoformat(), "place": "p", "organiser": "o"}
    r = api(world.zhuren_lianfu).post("/api/v1/activities/", {**base, "region": world.lianfu.code, "participants": [str(girl.uid)]}, format="json")
    assert r.status_code == 404
    r = api(world.zhuren_lianfu).post("/api/v1/activities/", {**base, "region": world.guangrong.code}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "region"
    assert Activity.objects.count() == 1


# -- campaigns ---------------------------------------------------------------------------------------
@pytest.fixture
def campaign(world, girl, orphan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        c = campaign_create(actor=world.admin, name="2026年关爱保护月", region=world.maoshi,
                                     start=world.today - timedelta(days=10), end=world.today + timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        contact_record(actor=world.zhuren, child=girl, date=world.today, kind="电话", with_whom="父亲")
    return c


def test_campaign_progress_and_missing(world, girl, orphan, campaign):
    c = api(world.dudao)
    assert ids(c.get("/api/v1/campaigns/")) == [campaign.pk]
    assert c.get(f"/api/v1/campaigns/{campaign.pk}/").json()["region"] == world.maoshi.code
    r = c.get(f"/api/v1/campaigns/{campaign.pk}/progress/")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert [row["label"] for row in body["rows"]] == ["光荣村", "莲福村"]
    assert body["total"]["counts"]["total"] == 2 and body["total"]["counts"]["contact"] == 1
    assert body["rows"][0]["node"] == {"region": world.guangrong.code}
    r = c.get(f"/api/v1/campaigns/{campaign.pk}/progress/?school={world.jinxing.pk}")
    assert r.status_code == 200 and r.json()["total"]["counts"]["total"] == 1
    r = api(world.banzhuren).get(f"/api/v1/campaigns/{campaign.pk}/progress/")
    assert r.status_code == 200 and r.json()["total"]["counts"]["total"] == 1  # her class only
    r = c.get(f"/api/v1/campaigns/{campaign.pk}/missing/?measure=contact")
    assert [m["child"] for m in r.json()["results"]] == [str(orphan.uid)]
    r = c.get(f"/api/v1/campaigns/{campaign.pk}/missing/?measure=pairing&region={world.guangrong.code}")
    assert {m["child"] for m in r.json()["results"]} == {str(girl.uid), str(orphan.uid)}
    assert c.get(f"/api/v1/campaigns/{campaign.pk}/missing/?measure=nonsense").status_code == 400


def test_campaign_out_of_scope(world, girl, campaign):
    c = api(world.zhuren_lianfu)
    # the township's campaign is visible to its villages, but another village's node is not
    assert c.get(f"/api/v1/campaigns/{campaign.pk}/progress/?region={world.guangrong.code}").status_code == 404
    assert c.get(f"/api/v1/campaigns/{campaign.pk}/progress/?school={world.zhuhe_school.pk}").status_code == 404
    assert c.get(f"/api/v1/campaigns/{campaign.pk}/missing/").json()["results"] == []
    assert c.get(f"/api/v1/campaigns/{campaign.pk}/progress/").json()["total"]["counts"]["total"] == 0
    for outsider in (world.zhuren_hongxing, world.xiaozhang_zhuhe, world.dudao_zhuhe):  # another township
        o = api(outsider)
        assert o.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 404
        assert o.get(f"/api/v1/campaigns/{campaign.pk}/missing/").status_code == 404
        assert ids(o.get("/api/v1/campaigns/")) == []
    assert api(world.volunteer).get("/api/v1/campaigns/").status_code == 404


# -- my tasks ----------------------------------------------------------------------------------------
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


# -- schema ------------------------------------------------------------------------------------------
def test_schema_lists_care_endpoints(world):
    r = api(world.admin).get("/api/schema/")
    assert r.status_code == 200
    for path in ("helpers", "pairings", "visits", "contacts", "wishes", "counselling", "activities", "campaigns", "tasks"):
        assert f"/api/v1/{path}/".encode() in r.content
