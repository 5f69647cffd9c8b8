"""School rosters over the API: uploads (list, detail, multipart upload through the service, 400 on
an unusable file), the current roster's entries (filters, ID numbers masked for school staff), the
two 人籍一致 lists, access-log lines, and the same 404 as missing for everyone whose scope does not
cover the whole school (another school's staff, village directors, head teachers, helpers)."""
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhu.audit.models import AccessLog
from shouhu.registry.models import Child
from shouhu.registry.services import child_register
from shouhu.rules.idcard import make_id, mask_id
from shouhu.schooling import services
from shouhu.schooling.models import Roster, RosterEntry
from shouhu.schooling.sheet import HEADER
from tests.api_util import api, ids
from tests.factories import child_values

HEAD = list(HEADER.values())
OUTSIDERS = ["xiaozhang_zhuhe", "zhuren", "zhuren_hongxing", "banzhuren", "volunteer"]
STRANGER = make_id("421088", date(2016, 6, 6), 42)   # on the roster, no child record




def xlsx(rows, head=HEAD) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    for c, h in enumerate(head):
        ws.write_string(0, c, h)
    for i, r in enumerate(rows, 1):
        for c, x in enumerate(r):
            if x is not None:
                ws.write(i, c, x)
    wb.close()
    return buf.getvalue()


def row(name="陆金兰", sex="女", birth="", idn="", grade="三年级", cls="1班", father="陆大军", mother="王小芳", carer="陆国华", status="在读"):
    return [name, sex, birth, idn, grade, cls, father, mother, carer, status]


def sheet(rows, name="名册.xlsx", **kw):
    return SimpleUploadedFile(name, xlsx(rows, **kw))


def reg(oc, world, **over) -> Child:
    over.setdefault("school", world.jinxing)
    over.setdefault("school_class", world.c31)
    return oc(child_register, actor=world.admin, child=Child(**child_values(world.guangrong, **over)))


@pytest.fixture
def kids(world, oc):
    """陆金兰 on the roster (by ID number); 赵不在 registered at 金星小学 but not on it."""
    return reg(oc, world, name="陆金兰"), reg(oc, world, name="赵不在", sex="男")


@pytest.fixture
def roster(world, oc, kids):
    """金星小学's roster: 陆金兰 (G + her ID), 钱未建 (no record, 三年级2班), 孙休学 (休学, no ID), one bad row."""
    on_roster, _ = kids
    return oc(services.roster_upload, actor=world.xiaozhang, school=world.jinxing, file=sheet([
        row(name="陆金兰", idn="G" + on_roster.id_number),
        row(name="钱未建", sex="男", idn=STRANGER, cls="2班"),
        row(name="孙休学", birth="2016-02-03", status="休学"),
        row(name="", birth="2017-01-01"),
    ]))


# -- rosters -------------------------------------------------------------------------------------------
def test_upload_list_and_retrieve(world, kids, django_capture_on_commit_callbacks):
    c = api(world.xiaozhang)
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/api/v1/rosters/", {"school": world.jinxing.pk, "file": sheet([
            row(name="陆金兰", idn="G" + kids[0].id_number), row(name="钱未建", idn=STRANGER), row(name="", birth="2017-01-01")])},
            format="multipart")
    assert r.status_code == 201, r.content
    body = r.json()
    roster = Roster.objects.get()
    assert body["id"] == roster.pk and body["school"] == world.jinxing.pk and body["school_name"] == "金星小学"
    assert body["uploaded_by"] == str(world.xiaozhang) and body["file_name"] == "名册.xlsx"
    assert (body["rows_total"], body["rows_stored"], body["rows_rejected"]) == (3, 2, 1)
    assert body["problems"] == [{"row": 4, "column": "姓名", "message": roster.problems[0]["message"], "kept": False}]
    assert roster.uploaded_by == world.xiaozhang and RosterEntry.objects.filter(school=world.jinxing).count() == 2

    listed = c.get("/api/v1/rosters/")
    assert ids(listed) == [roster.pk] and "problems" not in listed.json()["results"][0]
    assert ids(c.get(f"/api/v1/rosters/?school={world.jinxing.pk}")) == [roster.pk]
    detail = c.get(f"/api/v1/rosters/{roster.pk}/")
    assert detail.status_code == 200 and detail.json() == body
    log = AccessLog.objects.get(user=world.xiaozhang, action="api_view")
    assert "金星小学" in log.scope and f"#{roster.pk}" in log.detail
    # the county sees every school's uploads and may upload for any of them; the township reads
    assert ids(api(world.edu).get("/api/v1/rosters/")) == [roster.pk]
    assert ids(api(world.dudao).get("/api/v1/rosters/")) == [roster.pk]
    r = api(world.edu).post("/api/v1/rosters/", {"school": world.zhuhe_school.pk, "file": sheet([row(birth="2016-01-01", grade="", cls="")])},
                            format="multipart")
    assert r.status_code == 201 and r.json()["uploaded_by"] == str(world.edu)
    assert len(ids(api(world.edu).get("/api/v1/rosters/"))) == 2
    assert ids(c.get("/api/v1/rosters/")) == [roster.pk]   # another school's upload is not the school's


def test_bad_file_is_a_400_on_the_field_and_changes_nothing(world, roster):
    c = api(world.xiaozhang)
    for f, words in ((sheet([], name="x.xlsx"), "只有表头"), (SimpleUploadedFile("x.xlsx", b"not a sheet"), ""),
                     (sheet([row()], head=["学号", "成绩"]), "")):  # the service's error: a code, a sentence, the field
        r = c.post("/api/v1/rosters/", {"school": world.jinxing.pk, "file": f}, format="multipart")
        assert r.status_code == 400, r.content
        assert r.json()["field"] == "file" and r.json()["code"] in ("invalid", "required") and words in r.json()["detail"]
    r = c.post("/api/v1/rosters/", {"school": world.jinxing.pk, "file": SimpleUploadedFile("名册.pdf", b"x")}, format="multipart")
    assert r.status_code == 400 and list(r.json()) == ["file"] and "请上传Excel文件" in r.json()["file"][0]  # the form's check
    r = c.post("/api/v1/rosters/", {"school": world.jinxing.pk}, format="multipart")
    assert r.status_code == 400 and "file" in r.json()
    r = c.post("/api/v1/rosters/", {"file": sheet([row(birth="2017-01-01")])}, format="multipart")
    assert r.status_code == 400 and "school" in r.json()
    assert list(Roster.objects.all()) == [roster] and RosterEntry.objects.filter(school=world.jinxing).count() == 3


def test_readers_who_may_not_upload_get_404(world, roster):
    for user in (world.dudao, world.inspector):
        c = api(user)
        assert c.get(f"/api/v1/rosters/{roster.pk}/").status_code == 200
        r = c.post("/api/v1/rosters/", {"school": world.jinxing.pk, "file": sheet([row(birth="2017-01-01")])}, format="multipart")
        assert r.status_code == 404
    assert api(world.admin).post("/api/v1/rosters/", {"school": 999999, "file": sheet([row(birth="2017-01-01")])},
                                 format="multipart").status_code == 404
    assert list(Roster.objects.all()) == [roster]


# -- roster entries -------------------------------------------------------------------------------------
def test_entries_filters_and_default_school(world, roster, kids):
    c = api(world.xiaozhang)
    r = c.get("/api/v1/roster-entries/")   # one school: no need to name it
    assert r.status_code == 200 and r.json()["count"] == 3
    e = next(x for x in r.json()["results"] if x["name"] == "钱未建")
    entry = RosterEntry.objects.get(name="钱未建")
    assert set(e) == {"id", "roster", "school", "school_class", "row_no", "name", "sex", "birth_date", "id_number", "student_no", "grade",
                      "class_name", "class_label", "father_name", "mother_name", "carer_name", "status"}
    assert (e["id"], e["roster"], e["school"], e["school_class"], e["row_no"]) == (entry.pk, roster.pk, world.jinxing.pk, world.c32.pk, 3)
    assert (e["grade"], e["class_name"], e["class_label"], e["status"], e["sex"]) == (3, "2班", "三年级2班", "在读", "男")
    assert [x["name"] for x in c.get("/api/v1/roster-entries/?status=休学").json()["results"]] == ["孙休学"]
    assert [x["name"] for x in c.post("/api/v1/roster-entries/search/", {"name": "未建"}, format="json").json()["results"]] == ["钱未建"]
    assert c.get("/api/v1/roster-entries/?status=请假").status_code == 400
    assert c.get(f"/api/v1/roster-entries/?school={world.jinxing.pk}").json()["count"] == 3
    logs = list(AccessLog.objects.filter(user=world.xiaozhang, action__in=["api_list", "search"]))
    assert len(logs) == 4                                         # one a read, none for the 400
    assert logs[0].scope == "/api/v1/roster-entries/" and "3 条" in logs[0].detail
    # the name searched for is not in the log
    assert logs[1].action == "search" and "name=<已隐去>" in logs[1].detail and "未建" not in logs[1].detail and "1 条" in logs[1].detail
    # several schools: name one
    edu = api(world.edu)
    assert edu.get("/api/v1/roster-entries/").status_code == 400
    assert edu.get(f"/api/v1/roster-entries/?school={world.jinxing.pk}").json()["count"] == 3
    assert edu.get(f"/api/v1/roster-entries/?school={world.zhuhe_school.pk}").json()["count"] == 0
    assert edu.get("/api/v1/roster-entries/?school=999999").status_code == 404
    assert edu.get("/api/v1/roster-entries/?school=x").status_code == 404


def test_id_numbers_masked_without_full_id(world, roster, kids):
    masked = next(x for x in api(world.xiaozhang).get("/api/v1/roster-entries/").json()["results"] if x["name"] == "陆金兰")
    idn = kids[0].id_number
    assert masked["id_number"] == mask_id(idn) and masked["student_no"] == "G" + mask_id(idn)
    full = next(x for x in api(world.edu).get(f"/api/v1/roster-entries/?school={world.jinxing.pk}").json()["results"]
                if x["name"] == "陆金兰")
    assert full["id_number"] == idn and full["student_no"] == "G" + idn
    body = api(world.xiaozhang).get(f"/api/v1/consistency/{world.jinxing.pk}/unregistered/").content.decode()
    assert mask_id(STRANGER) in body and STRANGER not in body
    body = api(world.xiaozhang).get(f"/api/v1/consistency/{world.jinxing.pk}/missing/").content.decode()
    assert mask_id(kids[1].id_number) in body and kids[1].id_number not in body
    assert STRANGER in api(world.edu).get(f"/api/v1/consistency/{world.jinxing.pk}/unregistered/").content.decode()


# -- 人籍一致 ----------------------------------------------------------------------------------------
def test_consistency_schools_and_lists_are_logged(world, roster, kids):
    c = api(world.xiaozhang)
    r = c.get("/api/v1/consistency/")
    assert r.status_code == 200 and [s["name"] for s in r.json()["results"]] == ["金星小学"]
    s = r.json()["results"][0]
    assert s["id"] == world.jinxing.pk and s["roster_entries"] == 3 and s["roster_at"] and s["can_upload"] is True
    assert c.get(f"/api/v1/consistency/{world.jinxing.pk}/").json() == s
    assert api(world.dudao).get(f"/api/v1/consistency/{world.jinxing.pk}/").json()["can_upload"] is False
    assert {x["name"] for x in api(world.edu).get("/api/v1/consistency/").json()["results"]} == {"金星小学", "朱河小学"}

    r = c.get(f"/api/v1/consistency/{world.jinxing.pk}/unregistered/")
    assert r.status_code == 200 and r.json()["count"] == 2
    assert {x["name"] for x in r.json()["results"]} == {"钱未建", "孙休学"}     # 陆金兰 has a record
    log = AccessLog.objects.get(user=world.xiaozhang, action="api_view")
    assert log.scope == "金星小学 学籍在册但未建档" and "2 条" in log.detail
    assert [x["name"] for x in c.get(f"/api/v1/consistency/{world.jinxing.pk}/unregistered/?status=休学").json()["results"]] == ["孙休学"]
    assert [x["name"] for x in c.get(f"/api/v1/consistency/{world.jinxing.pk}/unregistered/?class={world.c32.pk}").json()["results"]] == ["钱未建"]
    assert c.post(f"/api/v1/consistency/{world.jinxing.pk}/unregistered/", {"q": "钱"}, format="json").json()["count"] == 1
    assert c.get(f"/api/v1/consistency/{world.jinxing.pk}/unregistered/?status=请假").status_code == 400

    r = c.get(f"/api/v1/consistency/{world.jinxing.pk}/missing/")
    assert r.status_code == 200 and r.json()["count"] == 1
    m = r.json()["results"][0]
    missing = kids[1]
    assert (m["id"], m["name"], m["school_class"], m["class_label"]) == (str(missing.uid), "赵不在", world.c31.pk, str(world.c31))
    assert (m["village"], m["village_name"], m["township"]) == (world.guangrong.code, "光荣村", "毛市镇")
    assert AccessLog.objects.filter(user=world.xiaozhang, scope="金星小学 建档在该校但学籍名册中没有").count() == 1
    assert c.post(f"/api/v1/consistency/{world.jinxing.pk}/missing/", {"q": "陆"}, format="json").json()["count"] == 0
    # a name in the query string is refused (it would sit in the logs), on every list that takes one
    for url in ("/api/v1/roster-entries/?name=钱未建", f"/api/v1/consistency/{world.jinxing.pk}/unregistered/?q=钱",
                f"/api/v1/consistency/{world.jinxing.pk}/missing/?q=陆"):
        r = c.get(url)
        assert r.status_code == 400 and r.json()["code"] == "search_by_post", url
    other = api(world.xiaozhang_zhuhe)  # another school's staff: the same 404 over POST
    assert other.post(f"/api/v1/consistency/{world.jinxing.pk}/unregistered/", {"q": "钱"}, format="json").status_code == 404
    assert other.post("/api/v1/roster-entries/search/", {"school": world.jinxing.pk, "name": "钱"}, format="json").status_code == 404
    assert api(world.admin).get("/api/v1/consistency/999999/missing/").status_code == 404


def test_no_roster_yet(world, kids):
    c = api(world.xiaozhang)
    s = c.get(f"/api/v1/consistency/{world.jinxing.pk}/").json()
    assert s["roster_entries"] == 0 and s["roster_at"] is None
    assert c.get("/api/v1/rosters/").json()["count"] == 0
    assert c.get("/api/v1/roster-entries/").json()["count"] == 0


# -- out of scope ------------------------------------------------------------------------------------
@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_out_of_scope_is_404_everywhere(world, roster, outsider):
    c = api(getattr(world, outsider))
    pk, school = roster.pk, world.jinxing.pk
    for url in (f"/api/v1/rosters/{pk}/", f"/api/v1/rosters/?school={school}", f"/api/v1/roster-entries/?school={school}",
                f"/api/v1/consistency/{school}/", f"/api/v1/consistency/{school}/unregistered/", f"/api/v1/consistency/{school}/missing/"):
        assert c.get(url).status_code == 404, url
    r = c.post("/api/v1/rosters/", {"school": school, "file": sheet([row(birth="2017-01-01")])}, format="multipart")
    assert r.status_code == 404
    # the lists hold nothing of the school (no list at all for those who read no records)
    rosters, schools = c.get("/api/v1/rosters/"), c.get("/api/v1/consistency/")
    assert rosters.status_code == 404 or pk not in ids(rosters)
    assert schools.status_code == 404 or school not in ids(schools)
    entries = c.get("/api/v1/roster-entries/")
    assert entries.status_code == 404 or not [e for e in entries.json()["results"] if e["school"] == school]
    assert list(Roster.objects.all()) == [roster]
    assert not AccessLog.objects.filter(user=getattr(world, outsider), scope__contains="金星小学").exists()


def test_another_schools_upload_is_404_and_unauthenticated_is_refused(world, oc, roster):
    other = oc(services.roster_upload, actor=world.admin, school=world.zhuhe_school, file=sheet([row(birth="2016-01-01", grade="", cls="")]))
    c = api(world.xiaozhang)
    assert c.get(f"/api/v1/rosters/{other.pk}/").status_code == 404
    assert c.get(f"/api/v1/rosters/?school={world.zhuhe_school.pk}").status_code == 404
    assert c.get("/api/v1/rosters/999999/").status_code == 404
    for url in ("/api/v1/rosters/", "/api/v1/roster-entries/", "/api/v1/consistency/", f"/api/v1/consistency/{world.jinxing.pk}/missing/"):
        assert api().get(url).status_code in (401, 403)
