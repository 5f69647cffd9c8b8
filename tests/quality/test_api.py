"""Data quality over the API: issues (filters, dismiss) and duplicate pairs (compare, merge, "not the
same"), every endpoint through the caller's scope (out of scope is the same 404 as missing),
ID numbers masked for school staff, looking at a pair logged for both children."""
import pytest

from shouhu.audit.models import AccessLog
from shouhu.quality import services
from shouhu.quality.models import DuplicatePair, Issue
from shouhu.registry.models import Child
from shouhu.registry.services import child_register
from shouhu.rules.quality import CATALOGUE
from tests.api_util import api, ids
from tests.factories import child_values, own_sitting

OUTSIDERS = ["zhuren_lianfu", "zhuren_hongxing", "xiaozhang_zhuhe", "banzhuren_c32", "volunteer"]




def reg(oc, world, village=None, **over) -> Child:
    """A record registered by the county, each in a sitting of its own (as a copy is)."""
    return own_sitting(oc(child_register, actor=world.admin, child=Child(**child_values(village or world.guangrong, **over))))


@pytest.fixture
def twice(world, oc):
    """陆金兰 registered by the village with her ID number, and again by the school as 陆晶兰
    without it (homophone, same birth date and parents): one open pair, an issue on each."""
    first = reg(oc, world, name="陆金兰", archive_no="GR-001", address_detail="", school=world.jinxing)
    second = reg(oc, world, name="陆晶兰", id_number="", birth_date=first.birth_date, archive_no="GR-077",
                 school=world.jinxing, school_class=world.c31, address_detail="三组12号")
    services.find_duplicate_pairs()
    return first, second


@pytest.fixture
def pair(twice):
    first, second = twice
    return DuplicatePair.objects.get(a_id=first.pk, b_id=second.pk)


def dup_issue(child) -> Issue:
    return Issue.objects.get(child=child, code="possible_duplicate")


# -- issues ------------------------------------------------------------------------------------------
def test_issue_list_fields_and_filters(world, twice):
    first, second = twice
    i1, i2 = dup_issue(first), dup_issue(second)
    c = api(world.zhuren)
    r = c.get("/api/v1/quality-issues/?code=possible_duplicate")
    assert sorted(ids(r)) == sorted([i1.pk, i2.pk])
    row = next(x for x in r.json()["results"] if x["id"] == i1.pk)
    chk = CATALOGUE["possible_duplicate"]
    assert row["child"] == str(first.uid) and row["child_name"] == "陆金兰"
    assert row["title"] == chk.title and row["explanation"] == chk.explanation
    assert row["kind"] == "duplicate" and row["level"] == chk.level and row["field"] == "name" and row["status"] == "open"
    assert row["related"] == [str(second.uid)]  # the other child by its uid, never its database key
    assert row["village_code"] == world.guangrong.code and row["closed_on"] is None and row["dismiss_reason"] == ""
    assert set(row) == {"id", "child", "child_name", "code", "title", "explanation", "kind", "level", "field", "message", "related",
                        "status", "village_code", "first_seen", "last_seen", "closed_on", "dismiss_reason"}
    assert set(ids(c.get("/api/v1/quality-issues/?kind=duplicate"))) == {i1.pk, i2.pk}
    assert i1.pk in ids(c.get(f"/api/v1/quality-issues/?level={chk.level}"))
    assert ids(c.get("/api/v1/quality-issues/?code=possible_duplicate&status=dismissed")) == []
    assert len(ids(c.get("/api/v1/quality-issues/?code=possible_duplicate&status=all"))) == 2
    assert len(ids(c.get(f"/api/v1/quality-issues/?code=possible_duplicate&region={world.guangrong.code}"))) == 2
    d = api(world.dudao)
    assert len(ids(d.get(f"/api/v1/quality-issues/?code=possible_duplicate&region={world.maoshi.code}"))) == 2
    assert ids(d.get(f"/api/v1/quality-issues/?code=possible_duplicate&region={world.lianfu.code}")) == []
    assert len(ids(d.get(f"/api/v1/quality-issues/?code=possible_duplicate&school={world.jinxing.pk}"))) == 2
    assert c.get("/api/v1/quality-issues/?code=no_such_check").status_code == 400
    assert c.get("/api/v1/quality-issues/?status=closed").status_code == 400
    # a node outside the caller's scope is a 404, like a missing one
    assert c.get(f"/api/v1/quality-issues/?region={world.hongxing.code}").status_code == 404
    assert c.get("/api/v1/quality-issues/?region=999999999999").status_code == 404
    assert c.get(f"/api/v1/quality-issues/?school={world.zhuhe_school.pk}").status_code == 404
    assert api().get("/api/v1/quality-issues/").status_code in (401, 403)


def test_issue_retrieve_is_logged(world, twice):
    first, _ = twice
    issue = dup_issue(first)
    r = api(world.zhuren).get(f"/api/v1/quality-issues/{issue.pk}/")
    assert r.status_code == 200 and r.json()["code"] == "possible_duplicate"
    assert AccessLog.objects.filter(user=world.zhuren, child=first, action="api_view").exists()
    assert api(world.zhuren).get("/api/v1/quality-issues/999999/").status_code == 404


def test_related_children_outside_scope_are_left_out(world, oc):
    first = reg(oc, world, name="陆金兰")
    reg(oc, world, world.lianfu, name="陆晶兰", id_number="", birth_date=first.birth_date)
    services.find_duplicate_pairs()
    issue = dup_issue(first)
    r = api(world.zhuren).get(f"/api/v1/quality-issues/{issue.pk}/")
    assert r.status_code == 200 and r.json()["related"] == []   # the other record is 莲福村's
    assert len(api(world.dudao).get(f"/api/v1/quality-issues/{issue.pk}/").json()["related"]) == 1


def test_dismiss_needs_a_reason(world, twice, oc):
    first, _ = twice
    r = api(world.zhuren).post(f"/api/v1/quality-issues/{dup_issue(first).pk}/dismiss/", {"reason": "双胞胎姐妹，已核对户口簿"}, format="json")
    assert r.status_code == 400 and "不是同一人" in r.json()["detail"]   # a duplicate is decided on its pair
    assert r.json()["code"] == "decide_on_pair" and r.json()["field"] == "reason"
    girl = reg(oc, world, name="无电话", father_phone="", mother_phone="", carer_phone="")
    issue = Issue.objects.get(child=girl, code="no_phone")
    c = api(world.zhuren)
    r = c.post(f"/api/v1/quality-issues/{issue.pk}/dismiss/", {}, format="json")
    assert r.status_code == 400 and "请写明" in r.json()["detail"] and r.json()["field"] == "reason"
    assert c.post(f"/api/v1/quality-issues/{issue.pk}/dismiss/", {"reason": "短"}, format="json").status_code == 400
    r = c.post(f"/api/v1/quality-issues/{issue.pk}/dismiss/", {"reason": "双胞胎姐妹，已核对户口簿"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "dismissed" and r.json()["dismiss_reason"] == "双胞胎姐妹，已核对户口簿"
    issue.refresh_from_db()
    assert issue.status == "dismissed" and issue.dismissed_by == world.zhuren
    r = c.post(f"/api/v1/quality-issues/{issue.pk}/dismiss/", {"reason": "再说明一次理由"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "wrong_state"  # already closed
    assert c.get(f"/api/v1/quality-issues/{issue.pk}/").status_code == 200  # a closed issue can still be read
    assert issue.pk not in ids(c.get("/api/v1/quality-issues/"))           # but is not in the default (open) list


def test_dismiss_is_for_those_who_edit_the_record(world, twice):
    first, _ = twice
    issue = dup_issue(first)
    c = api(world.xiaozhang)  # sees the school's issues, may not edit the village's record
    assert issue.pk in ids(c.get("/api/v1/quality-issues/?code=possible_duplicate"))
    assert c.post(f"/api/v1/quality-issues/{issue.pk}/dismiss/", {"reason": "双胞胎姐妹，已核对"}, format="json").status_code == 404
    issue.refresh_from_db()
    assert issue.status == "open"


# -- duplicate pairs -----------------------------------------------------------------------------------
def test_pair_list_and_retrieve_are_logged(world, twice, pair):
    first, second = twice
    c = api(world.zhuren)
    r = c.get("/api/v1/duplicates/")
    assert ids(r) == [pair.pk]
    row = r.json()["results"][0]
    assert set(row) == {"id", "score", "reasons", "status", "note", "decided_at", "a", "b"}
    assert row["status"] == "open" and row["score"] == pytest.approx(pair.score) and row["reasons"] == pair.reasons
    assert row["a"] == {"id": str(first.uid), "name": "陆金兰", "archive_no": "GR-001", "village": "光荣村",
                        "birth_date": first.birth_date.isoformat(), "sex": first.sex, "id_number": first.id_number}  # unmasked
    assert row["b"]["id"] == str(second.uid) and row["b"]["id_number"] in ("", None)
    assert ids(c.get("/api/v1/duplicates/?status=merged")) == []
    assert ids(c.get("/api/v1/duplicates/?status=all")) == [pair.pk]
    assert ids(c.get(f"/api/v1/duplicates/?region={world.guangrong.code}")) == [pair.pk]
    assert c.get("/api/v1/duplicates/?status=nonsense").status_code == 400
    assert c.get(f"/api/v1/duplicates/?region={world.lianfu.code}").status_code == 404
    assert ids(api(world.dudao).get(f"/api/v1/duplicates/?region={world.lianfu.code}")) == []
    assert ids(api(world.dudao).get(f"/api/v1/duplicates/?school={world.jinxing.pk}")) == [pair.pk]
    assert not AccessLog.objects.filter(user=world.zhuren, action="api_view").exists()  # a list is not a look at a record
    r = c.get(f"/api/v1/duplicates/{pair.pk}/")
    assert r.status_code == 200 and r.json()["id"] == pair.pk
    for child in (first, second):
        assert AccessLog.objects.filter(user=world.zhuren, child=child, action="api_view", detail="接口对比疑似重复档案").exists()
    assert c.get("/api/v1/duplicates/999999/").status_code == 404
    assert c.get("/api/v1/duplicates/abc/").status_code == 404


def test_id_numbers_are_masked_for_school_staff(world, twice, pair):
    first, _ = twice
    c = api(world.xiaozhang)
    assert ids(c.get("/api/v1/duplicates/")) == [pair.pk]
    a = c.get(f"/api/v1/duplicates/{pair.pk}/").json()["a"]
    assert a["id_number"] != first.id_number and a["id_number"].startswith(first.id_number[:6]) and "*" in a["id_number"]
    assert first.id_number not in c.get("/api/v1/duplicates/").content.decode()
    # school staff see the pair but do not decide it
    assert c.post(f"/api/v1/duplicates/{pair.pk}/not-same/", {"reason": "不是同一人"}, format="json").status_code == 404
    assert c.post(f"/api/v1/duplicates/{pair.pk}/merge/", {"keep": "a"}, format="json").status_code == 404
    pair.refresh_from_db()
    assert pair.status == "open"


def test_merge(world, twice, pair, django_capture_on_commit_callbacks):
    first, second = twice
    c = api(world.zhuren)
    assert c.post(f"/api/v1/duplicates/{pair.pk}/merge/", {"keep": "c"}, format="json").status_code == 400
    assert c.post(f"/api/v1/duplicates/{pair.pk}/merge/", {"keep": "a", "take": ["uid"]}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/api/v1/duplicates/{pair.pk}/merge/", {"keep": "a", "take": ["name", "school_class"], "reason": "同一人，学校重复登记"},
                   format="json")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["child"] == str(first.uid)
    assert body["pair"]["status"] == "merged" and body["pair"]["note"] == "同一人，学校重复登记" and body["pair"]["decided_at"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.name == "陆晶兰" and first.school_class_id == world.c31.pk and first.address_detail == ""  # only what was taken
    assert second.merged_into_id == first.pk and second.status == "exited"
    r = c.post(f"/api/v1/duplicates/{pair.pk}/merge/", {"keep": "a"}, format="json")
    assert r.status_code == 409 and "已处理" in r.json()["detail"]


def test_merge_default_takes_what_the_kept_record_lacks(world, twice, pair, django_capture_on_commit_callbacks):
    first, second = twice
    with django_capture_on_commit_callbacks(execute=True):
        r = api(world.admin).post(f"/api/v1/duplicates/{pair.pk}/merge/", {"keep": "b"}, format="json")
    assert r.status_code == 200 and r.json()["child"] == str(second.uid)
    second.refresh_from_db()
    assert second.name == "陆晶兰" and second.id_number == first.id_number  # the blank ID number filled from the duplicate


def test_not_same(world, twice, pair):
    first, _ = twice
    c = api(world.zhuren)
    r = c.post(f"/api/v1/duplicates/{pair.pk}/not-same/", {}, format="json")
    assert r.status_code == 400 and "请写明理由" in r.json()["detail"] and r.json()["field"] == "reason"
    r = c.post(f"/api/v1/duplicates/{pair.pk}/not-same/", {"reason": "双胞胎姐妹"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "not_same" and r.json()["note"] == "双胞胎姐妹"
    assert dup_issue(first).status == "dismissed"
    assert ids(c.get("/api/v1/duplicates/")) == [] and ids(c.get("/api/v1/duplicates/?status=not_same")) == [pair.pk]
    assert c.post(f"/api/v1/duplicates/{pair.pk}/not-same/", {"reason": "再说一次"}, format="json").status_code == 409


def test_a_pair_across_villages_is_for_the_township(world, oc):
    first = reg(oc, world, name="陆金兰")
    reg(oc, world, world.lianfu, name="陆晶兰", id_number="", birth_date=first.birth_date)
    services.find_duplicate_pairs()
    pair = DuplicatePair.objects.get()
    assert ids(api(world.zhuren).get("/api/v1/duplicates/")) == []
    assert api(world.zhuren).get(f"/api/v1/duplicates/{pair.pk}/").status_code == 404
    assert api(world.dudao).get(f"/api/v1/duplicates/{pair.pk}/").status_code == 200


# -- out of scope: 404 on every endpoint and action ----------------------------------------------------
@pytest.mark.parametrize("who", OUTSIDERS)
def test_others_get_404_everywhere(world, twice, pair, who):
    first, second = twice
    issue = dup_issue(first)
    c = api(getattr(world, who))
    issues = c.get("/api/v1/quality-issues/?status=all")  # no list at all for those who read no records
    assert issues.status_code == 404 or issue.pk not in ids(issues)
    assert c.get(f"/api/v1/quality-issues/?region={world.guangrong.code}").status_code == 404
    assert c.get(f"/api/v1/quality-issues/{issue.pk}/").status_code == 404
    assert c.post(f"/api/v1/quality-issues/{issue.pk}/dismiss/", {"reason": "不是问题，已核对"}, format="json").status_code == 404
    pairs = c.get("/api/v1/duplicates/?status=all")
    assert pairs.status_code == 404 or pair.pk not in ids(pairs)
    assert c.get(f"/api/v1/duplicates/?region={world.guangrong.code}").status_code == 404
    assert c.get(f"/api/v1/duplicates/{pair.pk}/").status_code == 404
    assert c.post(f"/api/v1/duplicates/{pair.pk}/merge/", {"keep": "a"}, format="json").status_code == 404
    assert c.post(f"/api/v1/duplicates/{pair.pk}/not-same/", {"reason": "不是同一人"}, format="json").status_code == 404
    issue.refresh_from_db()
    pair.refresh_from_db()
    assert issue.status == "open" and pair.status == "open"
    assert not AccessLog.objects.filter(user=getattr(world, who), child__in=[first, second]).exists()
