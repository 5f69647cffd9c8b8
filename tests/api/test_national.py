"""The 统计表 and the 户籍比对 over the API: the same answers as the pages for a small county, the
404 of another township's user and of a role without the need, and the lists in the access log."""
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shouhu.audit.models import AccessLog
from shouhu.quality.models import HukouCheck
from shouhu.reports import national, services
from tests.api_util import api
from tests.quality.test_hukou import extract_rows, registered, write_csv  # noqa: F401 (fixture)
from tests.reports.test_national import cutoff, kids, login  # noqa: F401 (fixtures)

STAT = "/api/v1/stat-tables/"
HUKOU = "/api/v1/hukou-checks/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


# -- 统计表 ----------------------------------------------------------------------------------------------
def test_the_stat_table_is_the_pages_table(world, kids, cutoff, client):  # noqa: F811
    r = api(world.admin).get(STAT, {"node": world.county.code, "cutoff": cutoff.isoformat()})
    assert r.status_code == 200, r.content
    body = r.json()
    view = national.national_report(world.admin, node_code=world.county.code, cutoff=cutoff)
    assert body["total"]["counts"] == view.figures["table"]["total"]["counts"] and body["total"]["counts"]["c1"] == 6
    assert [row["code"] for row in body["rows"]] == [row["code"] for row in view.figures["table"]["rows"]]
    assert {row["code"] for row in body["rows"]} == {world.zhuhe.code, world.maoshi.code}
    assert [c["no"] for c in body["columns"]] == list(range(1, 33))
    assert body["columns"][31] == {"no": 32, "key": "c32", "group": "监护情况评估", "label": "差"}
    assert body["all_hold"] is True and body["frozen"] is False and body["submission"] is None
    rel = {x["text"]: x for x in body["relations"] if x["where"] == "合计"}
    assert rel["1列=2列+5列+8列"] == {"where": "合计", "text": "1列=2列+5列+8列", "left": 6, "right": 6, "holds": True}
    page = login(client, world.admin).get(reverse("reports:national"), {"node": world.county.code, "cutoff": cutoff.isoformat()})
    assert "1列=2列+5列+8列（6 = 6）" in page.content.decode()


def test_a_statistics_only_reader_gets_small_counts_hidden_as_the_page(world, kids, cutoff):  # noqa: F811
    body = api(world.partner).get(STAT, {"node": world.county.code, "cutoff": cutoff.isoformat()}).json()
    view = national.national_report(world.partner, node_code=world.county.code, cutoff=cutoff)
    assert body["total"]["counts"] == view.figures["table"]["total"]["counts"] and body["total"]["counts"]["c1"] == 6
    assert body["total"]["counts"]["c20"] == "<5" and all(r["left"] == "" for r in body["relations"])


def test_a_submitted_township_table_is_frozen_with_its_submission(world, kids, cutoff):  # noqa: F811
    services.national_submit(actor=world.dudao, township=world.maoshi, cutoff=cutoff)
    body = api(world.dudao).get(STAT, {"node": world.maoshi.code, "cutoff": cutoff.isoformat()}).json()
    assert body["frozen"] is True and body["submission"]["submitted_by"] and body["can_submit"] is False
    assert body["total"]["counts"]["c1"] == 4
    assert api(world.dudao).get(STAT, {"node": world.maoshi.code, "cutoff": cutoff.isoformat(), "live": "1"}).json()["frozen"] is False


def test_stat_table_scope_and_parameters(world, kids, cutoff):  # noqa: F811
    other = api(world.dudao_zhuhe)
    assert other.get(STAT, {"node": world.maoshi.code, "cutoff": cutoff.isoformat()}).status_code == 404
    assert other.get(STAT, {"node": world.zhuhe.code, "cutoff": cutoff.isoformat()}).status_code == 200
    for user in (world.xiaozhang, world.volunteer):  # no region to answer for
        assert api(user).get(STAT).status_code == 404, user
    assert api(world.admin).get(STAT, {"cutoff": "2099-01-01"}).status_code == 400
    assert api(world.admin).get(STAT, {"cutoff": "31/07/2016"}).status_code == 400


# -- 户籍比对 --------------------------------------------------------------------------------------------
def upload(user, tmp_path, registered, **extra):  # noqa: F811
    data = write_csv(tmp_path / "a.csv", extract_rows(registered), "gbk")
    return api(user).post(HUKOU, {"file": SimpleUploadedFile("户籍.csv", data, content_type="text/csv"), **extra}, format="multipart")


def test_upload_starts_the_comparison_and_the_lists_answer_as_the_page(world, registered, tmp_path, client):  # noqa: F811
    r = upload(world.admin, tmp_path, registered, delete_after="false")
    assert r.status_code == 201, r.content
    body = r.json()
    check = HukouCheck.objects.get()
    assert body["id"] == str(check.uid) and body["status"] == "done" and body["file_kept"] is True
    assert (body["rows_total"], body["matched_count"], body["mismatch_count"], body["unregistered_count"], body["missing_count"]) == (3, 1, 1, 1, 1)
    listed = api(world.admin).get(HUKOU).json()["results"]
    assert [c["id"] for c in listed] == [str(check.uid)] and "rows_total" not in listed[0]
    assert not AccessLog.objects.filter(action="api_list").exists()  # the comparisons name nobody

    c = api(world.admin)
    [cand] = c.get(f"{HUKOU}{check.uid}/unregistered/").json()["results"]
    assert (cand["name"], cand["village"], cand["village_name"]) == ("新生", world.hongxing.code, "红星村")
    [miss] = c.get(f"{HUKOU}{check.uid}/missing/").json()["results"]
    assert (miss["id"], miss["name"]) == (str(registered[1].uid), "张广")
    [issue] = c.get(f"{HUKOU}{check.uid}/mismatches/").json()["results"]
    assert (issue["child"], issue["field"], issue["code"]) == (str(registered[0].uid), "name", "hukou_mismatch")
    assert c.get(f"{HUKOU}{check.uid}/unregistered/", {"village": world.guangrong.code}).json()["count"] == 0
    assert c.get(f"{HUKOU}{check.uid}/missing/", {"village": "x"}).status_code == 400
    logged = AccessLog.objects.filter(action="api_list")
    assert logged.count() == 4 and all(str(check.uid) in row.scope for row in logged)
    assert not any("新生" in (row.detail + row.scope) or registered[0].id_number in row.detail for row in logged)

    login(client, world.admin)  # the page lists the same children
    page = client.get(reverse("quality:hukou_check", args=[check.uid])).content.decode()
    assert "新生" in page
    assert "张广" in client.get(reverse("quality:hukou_check", args=[check.uid]), {"list": "missing"}).content.decode()


def test_upload_checks_and_the_default_deletes_the_extract(world, registered, tmp_path):  # noqa: F811
    assert api(world.admin).post(HUKOU, {}, format="multipart").status_code == 400
    empty = api(world.admin).post(HUKOU, {"file": SimpleUploadedFile("a.csv", b"")}, format="multipart")
    assert empty.status_code == 400 and "file" in empty.json()
    r = upload(world.admin, tmp_path, registered)
    assert r.status_code == 201 and r.json()["file_kept"] is False
    assert not any((Path(tmp_path) / "media" / "hukou").iterdir())


def test_hukou_checks_are_404_for_anyone_but_the_county_admin(world, registered, tmp_path):  # noqa: F811
    check = HukouCheck.objects.get(uid=upload(world.admin, tmp_path, registered, delete_after="false").json()["id"])
    for user in (world.dudao, world.dudao_zhuhe, world.zhuren, world.edu, world.xiaozhang):
        c = api(user)
        assert c.get(HUKOU).status_code == 404, user
        for tail in ("", "unregistered/", "missing/", "mismatches/"):
            assert c.get(f"{HUKOU}{check.uid}/{tail}").status_code == 404, (user, tail)
        assert upload(user, tmp_path, registered).status_code == 404
    assert HukouCheck.objects.count() == 1
    assert api(world.admin).get(f"{HUKOU}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert api(world.admin).get(f"{HUKOU}nope/missing/").status_code == 404
