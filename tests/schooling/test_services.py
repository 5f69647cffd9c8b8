"""学籍名册: upload (replace, bad rows reported, G-prefixed IDs), matching with child records, the
cross-line check wired into the quality rechecks, the 人籍一致 pages and exports, and 404s."""
import io
import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhu.audit.models import AccessLog
from shouhu.core.errors import NotFound, ServiceError
from shouhu.quality.models import Issue
from shouhu.registry.models import Child
from shouhu.registry.services import child_register, child_update
from shouhu.rules.idcard import make_id, mask_id
from shouhu.schooling import selectors, services
from shouhu.schooling.models import Roster, RosterEntry
from shouhu.schooling.sheet import HEADER, parse_row, split_student_no
from tests.factories import PASSWORD, child_values
from tests.sheet_util import far_cell_xlsx

HEAD = list(HEADER.values())  # 姓名 性别 出生日期 身份证号/学籍号 年级 班级 父亲姓名 母亲姓名 监护人 就学状态


def xlsx(rows, head=HEAD, title=None) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    r = 0
    if title:
        ws.write_string(0, 0, title)
        r = 1
    for c, h in enumerate(head):
        ws.write_string(r, c, h)
    for i, row in enumerate(rows, r + 1):
        for c, x in enumerate(row):
            if x is not None:
                ws.write(i, c, x)
    wb.close()
    return buf.getvalue()


def upload(actor, school, rows, name="名册.xlsx", **kw) -> Roster:
    return services.roster_upload(actor=actor, school=school, file=SimpleUploadedFile(name, xlsx(rows, **kw)))


def row(name="陆金兰", sex="女", birth="", idn="", grade="三年级", cls="1班", father="陆大军", mother="王小芳", carer="陆国华", status="在读"):
    return [name, sex, birth, idn, grade, cls, father, mother, carer, status]


def reg(world, village=None, **over) -> Child:
    over.setdefault("school", world.jinxing)
    over.setdefault("school_class", world.c31)
    return child_register(actor=world.admin, child=Child(**child_values(village or world.guangrong, **over)))


# -- the sheet ----------------------------------------------------------------------------------
def test_student_number_is_g_plus_id():
    idn = make_id("421088", date(2017, 8, 5), 124)
    assert split_student_no("G" + idn) == (idn, "G" + idn)
    assert split_student_no("g" + idn.replace("X", "x")) == (idn, ("G" + idn).upper())
    assert split_student_no(idn) == (idn, idn)
    assert split_student_no("L2017080512") == ("", "L2017080512")


def test_row_fills_birth_and_sex_from_the_id_and_reports_contradictions():
    idn = make_id("421088", date(2017, 8, 5), 124)  # even sequence: 女
    ok = parse_row(2, {"name": "陆金兰", "id_number": "G" + idn}, today=date(2026, 1, 1))
    assert not ok.problems and ok.values["birth_date"] == date(2017, 8, 5) and ok.values["sex"] == "女" and ok.values["status"] == "在读"
    odd = parse_row(3, {"name": "陆金兰", "id_number": idn, "sex": "男", "birth_date": "2017-08-06"}, today=date(2026, 1, 1))
    assert not odd.problems and {c for c, _ in odd.remarks} == {"性别", "出生日期"}       # kept as written, with remarks
    assert (odd.values["sex"], odd.values["birth_date"]) == ("男", date(2017, 8, 6))
    none = parse_row(4, {"name": "无证", "id_number": "L123"}, today=date(2026, 1, 1))
    assert [c for c, _ in none.problems] == ["出生日期"]


# -- upload ----------------------------------------------------------------------------------------
def test_upload_stores_valid_rows_reports_bad_ones_and_keeps_g_prefixed_ids(world, oc):
    a = make_id("421088", date(2017, 3, 1), 12)
    b = make_id("421088", date(2017, 4, 2), 13)
    roster = oc(upload, world.xiaozhang, world.jinxing, [
        row(name="甲", idn="G" + a),                                    # 2: G + ID
        row(name="乙", sex="男", idn=b, cls="2班"),                      # 3: plain ID, class 3-2
        row(name="", idn=make_id("421088", date(2017, 5, 3), 14)),      # 4: no name
        row(name="丙", idn=a[:-1] + ("0" if a[-1] != "0" else "1")),     # 5: checksum
        row(name="丁", idn="G" + a),                                    # 6: same ID twice
        row(name="戊", birth="2016-13-40"),                              # 7: impossible date
        row(name="己", birth="2016-01-09", status="请假"),               # 8: unknown status
        row(name="庚", birth="2016-01-09", grade="五年级", cls="9班"),    # 9: class the school lacks: kept, no class
    ])
    entries = {e.name: e for e in RosterEntry.objects.filter(school=world.jinxing)}
    assert set(entries) == {"甲", "乙", "庚"}
    assert entries["甲"].id_number == a and entries["甲"].student_no == "G" + a and entries["甲"].school_class == world.c31
    assert entries["乙"].school_class == world.c32 and entries["乙"].sex == "男"
    assert entries["庚"].school_class is None and entries["庚"].grade == 5 and entries["庚"].class_name == "9班"
    assert (roster.rows_total, roster.rows_stored, roster.rows_rejected) == (8, 3, 5)
    rejected = {(p["row"], p["column"]) for p in roster.rejected}
    assert rejected == {(4, "姓名"), (5, "身份证号/学籍号"), (6, "身份证号/学籍号"), (7, "出生日期"), (8, "就学状态")}
    assert "第2行" in next(p["message"] for p in roster.rejected if p["row"] == 6)
    assert [p["row"] for p in roster.remarks] == [9]


def test_new_upload_replaces_the_entries_and_keeps_history(world, oc):
    first = oc(upload, world.xiaozhang, world.jinxing, [row(name="甲", birth="2017-01-01"), row(name="乙", birth="2017-01-02")])
    other = oc(upload, world.xiaozhang_zhuhe, world.zhuhe_school, [row(name="丙", birth="2016-01-01", grade="", cls="")])
    second = oc(upload, world.edu, world.jinxing, [row(name="丁", birth="2017-01-03")])
    assert list(RosterEntry.objects.filter(school=world.jinxing).values_list("name", flat=True)) == ["丁"]
    assert RosterEntry.objects.get(school=world.zhuhe_school).roster == other
    assert list(Roster.objects.filter(school=world.jinxing)) == [second, first]
    assert second.uploaded_by == world.edu


def test_unusable_file_changes_nothing(world, oc):
    oc(upload, world.xiaozhang, world.jinxing, [row(name="甲", birth="2017-01-01")])
    for content in (b"not a sheet at all", xlsx([row()], head=["学号", "成绩"]), xlsx([], head=HEAD)):
        with pytest.raises(ServiceError) as exc:
            services.roster_upload(actor=world.xiaozhang, school=world.jinxing, file=SimpleUploadedFile("x.xlsx", content))
        assert exc.value.field == "file"
    assert Roster.objects.filter(school=world.jinxing).count() == 1 and RosterEntry.objects.filter(school=world.jinxing).count() == 1


def test_header_below_a_title_and_extra_columns(world, oc):
    roster = oc(upload, world.xiaozhang, world.jinxing, [row(name="甲", birth="2017-01-01") + ["x"]], head=HEAD + ["家庭住址"],
                title="金星小学2025学年学籍名册")
    assert roster.rows_stored == 1 and "家庭住址" in roster.remarks[0]["message"]


def test_who_may_upload(world):
    for actor in (world.xiaozhang_zhuhe, world.zhuren, world.dudao, world.banzhuren, world.inspector, world.volunteer, world.partner):
        with pytest.raises(NotFound):
            upload(actor, world.jinxing, [row(birth="2017-01-01")])
    assert not Roster.objects.exists()
    for actor in (world.xiaozhang, world.edu, world.admin):
        assert selectors.can_upload(actor, world.jinxing)


# -- matching --------------------------------------------------------------------------------------
def _records(*children):
    from shouhu.quality.services import _records

    return _records(Child.objects.filter(id__in=[c.id for c in children]).order_by("id"))


def test_pairs_by_id_then_by_name_and_birth_date_in_the_school(world, oc):
    by_id = reg(world, name="陆金兰")
    by_nb = reg(world, name="王小明", sex="男", id_number=None, hukou_registered=False)
    other_school = reg(world, name="张三", school=world.zhuhe_school, school_class=world.z41, id_number=None, hukou_registered=False)
    nobody = reg(world, name="李四")
    oc(upload, world.admin, world.jinxing, [
        row(name="陆晶兰", idn="G" + by_id.id_number),                            # homophone, same ID
        row(name="王小明", sex="男", birth=by_nb.birth_date.isoformat()),          # no ID: name + birth date
        row(name="张三", birth=other_school.birth_date.isoformat()),               # same name and birth, but registered elsewhere
    ])
    pairs = {c["id"]: e for c, e in selectors.cross_line_pairs(_records(by_id, by_nb, other_school, nobody))}
    assert set(pairs) == {by_id.id, by_nb.id}
    assert pairs[by_id.id]["name"] == "陆晶兰" and pairs[by_id.id]["school"] == world.jinxing.id and pairs[by_id.id]["school_class"] == world.c31.id
    assert pairs[by_id.id]["schooling"] == "小学" and "father_situation" not in pairs[by_id.id]
    assert pairs[by_nb.id]["name"] == "王小明"
    assert selectors.cross_line_pairs([]) == []


def test_an_id_on_two_rosters_pairs_with_the_one_in_school(world, oc):
    kid = reg(world, school=world.zhuhe_school, school_class=world.z41)
    oc(upload, world.admin, world.jinxing, [row(idn=kid.id_number, status="转出")])
    oc(upload, world.admin, world.zhuhe_school, [row(idn=kid.id_number, grade="四年级")])
    ((_, entry),) = selectors.cross_line_pairs(_records(kid))
    assert entry["school"] == world.zhuhe_school.id and entry["school_class"] == world.z41.id


def test_schooling_vocabulary():
    assert selectors.registry_schooling("在读", 8, "九年一贯制") == "初中"
    assert selectors.registry_schooling("在读", None, "小学") == "小学"
    assert selectors.registry_schooling("在读", None, "九年一贯制") is None
    assert selectors.registry_schooling("辍学", 5, "小学") == "辍学"
    assert selectors.registry_schooling("休学", 5, "小学") is None
    assert selectors.registry_schooling("转出", 5, "小学") is None


# -- the quality wiring ----------------------------------------------------------------------------
def cross(child):
    return {i.field: i for i in Issue.objects.filter(child=child, code="cross_line_mismatch")}


def test_disagreement_opens_a_cross_line_issue_and_fixing_closes_it(world, oc):
    kid = oc(reg, world, name="陆金兰")
    assert not cross(kid)
    oc(upload, world.xiaozhang, world.jinxing, [row(name="陆晶兰", idn="G" + kid.id_number)])   # the upload rechecks
    issues = cross(kid)
    assert set(issues) == {"name"} and issues["name"].status == "open"
    assert "陆金兰" in issues["name"].message and "陆晶兰" in issues["name"].message
    kid.name = "陆晶兰"
    oc(child_update, actor=world.admin, child=kid)                                           # the village corrects its record
    assert cross(kid)["name"].status == "fixed"


def test_school_fixes_its_roster_and_the_issue_closes(world, oc):
    kid = oc(reg, world)
    birth = kid.birth_date.replace(day=1 if kid.birth_date.day != 1 else 2)
    oc(upload, world.xiaozhang, world.jinxing, [row(name=kid.name, birth=birth.isoformat(), idn="")])   # no ID: matched by name?
    assert not cross(kid)                                                                    # different birth date: no pair
    oc(upload, world.xiaozhang, world.jinxing, [row(name=kid.name, idn=kid.id_number, grade="三年级", cls="2班")])
    assert set(cross(kid)) == {"school_class"}
    oc(upload, world.xiaozhang, world.jinxing, [row(name=kid.name, idn=kid.id_number)])
    assert cross(kid)["school_class"].status == "fixed"


def test_large_upload_rechecks_in_the_background(world, oc, monkeypatch):
    calls = []
    monkeypatch.setattr("shouhu.quality.receivers.ROSTER_INLINE", 0)
    from types import SimpleNamespace

    monkeypatch.setattr("shouhu.quality.receivers.recheck", SimpleNamespace(enqueue=lambda codes: calls.append(codes)))
    kid = oc(reg, world)
    oc(upload, world.xiaozhang, world.jinxing, [row(idn=kid.id_number)])
    assert calls == [[world.guangrong.code]]


# -- pages -------------------------------------------------------------------------------------------
def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_pages_upload_lists_and_logged_export(world, client, django_capture_on_commit_callbacks):
    on_roster = reg(world, name="陆金兰")
    missing = reg(world, name="赵不在", sex="男")
    stranger = make_id("421088", date(2016, 6, 6), 42)
    login(client, world.xiaozhang)
    r = client.get("/schooling/")
    assert r.status_code == 302 and r["Location"] == f"/schooling/schools/{world.jinxing.pk}/"     # one school: straight to it
    page = client.get(f"/schooling/schools/{world.jinxing.pk}/")
    assert "上传学籍名册" in page.content.decode() and "尚未上传" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/schooling/schools/{world.jinxing.pk}/", {"file": SimpleUploadedFile("名册.xlsx", xlsx([
            row(name="陆金兰", idn="G" + on_roster.id_number), row(name="钱未建", idn=stranger), row(name="", birth="2017-01-01")]))})
    assert r.status_code == 302
    html = client.get(r["Location"]).content.decode()
    assert "已导入 2 名学生" in html and "第 4 行" in html and "姓名不能为空" in html
    assert "钱未建" in html and mask_id(stranger) in html and stranger not in html          # school staff: masked
    assert "陆金兰" not in html.split('id="rows"')[1]
    html = client.get(f"/schooling/schools/{world.jinxing.pk}/?list=missing").content.decode()
    assert "赵不在" in html.split('id="rows"')[1] and missing.uid.hex not in "" and "陆金兰" not in html.split('id="rows"')[1]
    found = client.post(f"/schooling/schools/{world.jinxing.pk}/", {"filter": "1", "list": "unregistered", "q": "陆"}, follow=True)
    assert "钱未建" not in found.content.decode().split('id="rows"')[1]
    r = client.get(f"/schooling/schools/{world.jinxing.pk}/export/?list=unregistered")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    log = AccessLog.objects.get(action="export", user=world.xiaozhang)
    assert "金星小学" in log.scope and "1 条" in log.detail
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "钱未建" and rows[1][3] == mask_id(stranger) and "xiaozhang" in rows[-1][0]
    # the county sees full ID numbers in the export
    login(client, world.edu)
    r = client.get(f"/schooling/schools/{world.jinxing.pk}/export/?list=unregistered")
    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert rows[1][3] == stranger
    r = client.get(f"/schooling/schools/{world.jinxing.pk}/export/?list=missing")
    assert r.status_code == 200 and AccessLog.objects.filter(action="export", user=world.edu).count() == 2


def test_upload_page_shows_file_error_next_to_the_field(world, client):
    login(client, world.xiaozhang)
    r = client.post(f"/schooling/schools/{world.jinxing.pk}/", {"file": SimpleUploadedFile("名册.xlsx", b"garbage")})
    assert r.status_code == 200 and 'id="err-file"' in r.content.decode() and not Roster.objects.exists()
    r = client.post(f"/schooling/schools/{world.jinxing.pk}/", {"file": SimpleUploadedFile("名册.pdf", b"x")})
    assert "请上传Excel文件" in r.content.decode()


def test_template_download(world, client):
    import python_calamine

    login(client, world.xiaozhang)
    r = client.get("/schooling/template.xlsx")
    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert rows[0] == HEAD
    assert not parse_row(2, dict(zip(HEADER, rows[1], strict=True)), today=date(2026, 1, 1)).problems


def test_index_lists_the_schools_in_scope(world, client, oc):
    oc(upload, world.admin, world.jinxing, [row(birth="2017-01-01")])
    html = login(client, world.edu).get("/schooling/").content.decode()
    assert "金星小学" in html and "朱河小学" in html and "尚未上传" in html
    html = login(client, world.dudao).get("/schooling/")
    assert html.status_code == 302 and html["Location"].endswith(f"/{world.jinxing.pk}/")   # 毛市镇 has one school
    html = login(client, world.zhuren).get("/schooling/").content.decode()
    assert "没有可核对学籍的学校" in html


def test_every_school_url_is_404_outside_scope(world, client, oc):
    roster = oc(upload, world.admin, world.jinxing, [row(birth="2017-01-01")])
    pk = world.jinxing.pk
    urls = [f"/schooling/schools/{pk}/", f"/schooling/schools/{pk}/?list=missing", f"/schooling/schools/{pk}/export/?list=unregistered",
            f"/schooling/schools/{pk}/export/?list=missing", f"/schooling/schools/{pk}/rosters/{roster.pk}/"]
    for user in (world.xiaozhang_zhuhe, world.zhuren, world.banzhuren, world.dudao_zhuhe):
        login(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(urls[0], {"file": SimpleUploadedFile("x.xlsx", xlsx([row(birth="2017-01-01")]))}).status_code == 404
    for user in (world.zhuren, world.volunteer, world.partner):
        assert login(client, user).get("/schooling/template.xlsx").status_code == 404
    assert login(client, world.volunteer).get("/schooling/").status_code == 404
    # a roster of another school under this school's URL is a 404 too
    other = oc(upload, world.admin, world.zhuhe_school, [row(birth="2017-01-01")])
    assert login(client, world.xiaozhang).get(f"/schooling/schools/{pk}/rosters/{other.pk}/").status_code == 404
    # a township supervisor and an inspector read, but may not upload
    for user in (world.dudao, world.inspector):
        login(client, user)
        assert client.get(urls[0]).status_code == 200 and "上传学籍名册" not in client.get(urls[0]).content.decode()
        assert client.post(urls[0], {"file": SimpleUploadedFile("x.xlsx", xlsx([row(birth="2017-01-01")]))}).status_code == 404
    assert RosterEntry.objects.filter(school=world.jinxing).count() == 1


def test_roster_birth_date_typed_apart_from_the_id_is_a_cross_line_disagreement(world, oc):
    kid = oc(reg, world)
    other = kid.birth_date.replace(day=1 if kid.birth_date.day != 1 else 2)
    roster = oc(upload, world.xiaozhang, world.jinxing, [row(name=kid.name, birth=other.isoformat(), idn="G" + kid.id_number)])
    assert roster.rows_stored == 1 and roster.remarks[0]["column"] == "出生日期"
    assert set(cross(kid)) == {"birth_date"}


def test_the_consistency_page_is_access_logged(world, client):
    from shouhu.audit.models import AccessLog

    upload(world.xiaozhang, world.jinxing, [row(name="未建档", birth="2017-08-05")])
    client.force_login(world.xiaozhang)
    r = client.post(f"/schooling/schools/{world.jinxing.pk}/", {"filter": "1", "list": "unregistered", "q": "未建档"}, follow=True)
    assert r.status_code == 200
    log = AccessLog.objects.get(user=world.xiaozhang, action="search")
    assert "金星小学" in log.scope and "1 条" in log.detail


def test_hostile_roster_is_refused_beside_the_field_and_the_process_lives(world, client, oc):
    """Reproduces the finding on the roster page, which reads in the web request: one cell at
    XFD1048576 made calamine abort the web worker. Now the upload is refused with the reason on
    the file field and the school's roster is unchanged."""
    oc(upload, world.xiaozhang, world.jinxing, [row(name="甲", birth="2017-01-01")])
    with tempfile.TemporaryDirectory() as d:
        for dimension in (True, False):
            content = far_cell_xlsx(Path(d) / "h.xlsx", header=["姓名", "性别", "出生日期", "身份证号"], dimension=dimension).read_bytes()
            with pytest.raises(ServiceError) as exc:
                services.roster_upload(actor=world.xiaozhang, school=world.jinxing, file=SimpleUploadedFile("名册.xlsx", content))
            assert exc.value.field == "file" and "表格范围异常" in exc.value.message
        login(client, world.xiaozhang)
        r = client.post(f"/schooling/schools/{world.jinxing.pk}/", {"file": SimpleUploadedFile("名册.xlsx", content)})
    assert r.status_code == 200 and 'id="err-file"' in r.content.decode() and "表格范围异常" in r.content.decode()
    assert RosterEntry.objects.filter(school=world.jinxing).count() == 1


def test_roster_numbers_are_not_stored_in_clear_and_still_match(world, oc):
    """Reproduces clear pupils' ID numbers (and 学籍号 = G + number) in schooling_rosterentry."""
    from django.db import connection

    child = reg(world, name="陆金兰")
    oc(upload, world.admin, world.jinxing, [row(name="陆金兰", idn="G" + child.id_number)])
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, student_no FROM schooling_rosterentry")
        text = repr(cur.fetchall())
    assert child.id_number not in text and child.id_number[-6:] not in text
    entry = RosterEntry.objects.get()
    assert entry.id_number == child.id_number and entry.student_no == "G" + child.id_number
    assert selectors.unregistered_entries(world.jinxing) == []  # matched through the shared blind index
    assert [c["id"] for c, _ in selectors.cross_line_pairs(_records(child))] == [child.id]


def test_page_name_filter_is_posted_and_kept_out_of_the_url(client, world, oc):
    """Reproduces `/schooling/schools/<id>/?q=<pupil's name>`: the name reached the URL and logs."""
    oc(upload, world.admin, world.jinxing, [row(name="钱未建", birth="2016-03-01"), row(name="孙休学", birth="2016-04-01")])
    assert client.login(username=world.xiaozhang.username, password=PASSWORD)
    url = f"/schooling/schools/{world.jinxing.pk}/"
    r = client.post(url, {"filter": "1", "list": "unregistered", "q": "钱未建"})
    assert r.status_code == 302 and "钱" not in r["Location"] and "list=unregistered" in r["Location"] and "s=" in r["Location"]
    html = client.get(r["Location"]).content.decode()
    assert "钱未建" in html and "孙休学" not in html
    assert client.get(url, {"q": "钱未建"}).status_code == 400
    assert client.login(username=world.xiaozhang_zhuhe.username, password=PASSWORD)  # another school: 404
    assert client.post(url, {"filter": "1", "q": "钱未建"}).status_code == 404
