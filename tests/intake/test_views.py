"""Import/export pages and the export file: scope (404 for what is not yours), round trip,
who-and-when marks, formula neutralising, access log."""
import io

import pytest
import python_calamine
from django.urls import reverse

from shouhu.audit.models import AccessLog
from shouhu.intake.models import ExportJob, ImportBatch
from shouhu.intake.services import import_check, import_create
from shouhu.registry.models import Child
from tests.factories import PASSWORD, make_child
from tests.intake_util import boy, sheet_row, write_xlsx


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def upload(client, path):
    with open(path, "rb") as f:
        return client.post(reverse("intake:start"), {"file": f})


def read_xlsx(content: bytes) -> list[list]:
    wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    return wb.get_sheet_by_index(0).to_python()


def test_upload_preview_confirm_through_pages(client, world, tmp_path):
    login(client, world.zhuren)
    path = write_xlsx(tmp_path / "光荣村.xlsx", [sheet_row(), boy(**{"公民身份号码": "421088200001011234"})])
    r = upload(client, path)
    batch = ImportBatch.objects.get()
    assert r.status_code == 302 and r.url == reverse("intake:batch", args=[batch.uid])
    page = client.get(r.url).content.decode()
    assert "待确认" in page and 'id="n-new">1<' in page and 'id="n-rejected">1<' in page
    assert "公民身份号码" in page and "校验位" in page  # the rejected row's column and problem
    assert Child.objects.count() == 0
    errors = client.get(reverse("intake:errors", args=[batch.uid, "xlsx"]))
    rows = read_xlsx(b"".join(errors.streaming_content))
    assert rows[0][-1] == "问题" and rows[1][rows[0].index("姓名")] == "陈小虎" and "校验位" in rows[1][-1]
    report = client.get(reverse("intake:report", args=[batch.uid, "csv"]))
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == "行号,列,问题" and text.splitlines()[1].startswith("3,公民身份号码,")
    r = client.post(reverse("intake:confirm", args=[batch.uid]))
    assert r.status_code == 302
    assert "已导入 1 名儿童" in client.get(r.url).content.decode()
    assert Child.objects.get().name == "陆金兰"


def test_upload_errors_beside_the_field(client, world, tmp_path, settings):
    login(client, world.zhuren)
    r = client.post(reverse("intake:start"), {})
    assert "请选择要上传的登记表文件" in r.content.decode()
    settings.SHOUHU = {**settings.SHOUHU, "IMPORT_MAX_BYTES": 1000}
    path = write_xlsx(tmp_path / "a.xlsx", [sheet_row()])
    assert "超过上限" in upload(client, path).content.decode()
    settings.SHOUHU = {**settings.SHOUHU, "IMPORT_MAX_BYTES": 10**8}
    doc = tmp_path / "a.docx"
    doc.write_bytes(b"x")
    assert "请上传 .xlsx" in upload(client, doc).content.decode()
    assert not ImportBatch.objects.exists()


def test_someone_elses_import_is_404(client, world, tmp_path):
    login(client, world.zhuren)
    upload(client, write_xlsx(tmp_path / "a.xlsx", [sheet_row()]))
    batch = ImportBatch.objects.get()
    client.logout()
    login(client, world.zhuren_lianfu)
    for name, args in (("batch", [batch.uid]), ("errors", [batch.uid, "xlsx"]), ("report", [batch.uid, "csv"])):
        assert client.get(reverse(f"intake:{name}", args=args)).status_code == 404
    for name in ("confirm", "cancel"):
        assert client.post(reverse(f"intake:{name}", args=[batch.uid])).status_code == 404
    assert client.get("/intake/import/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert Child.objects.count() == 0


def test_readers_export_but_cannot_import_and_helpers_see_nothing(client, world, tmp_path):
    login(client, world.banzhuren)
    page = client.get(reverse("intake:start")).content.decode()
    assert 'id="export"' in page and 'id="upload"' not in page
    assert upload(client, write_xlsx(tmp_path / "a.xlsx", [sheet_row()])).status_code == 404
    client.logout()
    login(client, world.volunteer)
    assert client.get(reverse("intake:start")).status_code == 404


def _export(client, node, fmt="xlsx"):
    r = client.post(reverse("intake:export_start"), {"node": node, "fmt": fmt})
    assert r.status_code == 302, r.status_code
    job = ExportJob.objects.order_by("-id").first()
    assert job.status == ExportJob.Status.DONE, job.message
    return job, b"".join(client.get(reverse("intake:export_file", args=[job.uid])).streaming_content)


@pytest.fixture
def village_children(world):
    make_child(world.zhuren, world.guangrong, school=world.jinxing, school_class=world.c31, benefits=["教育资助", "低保"],
               address_detail="=HYPERLINK(\"http://x\")")
    make_child(world.zhuren, world.guangrong, name="陈小虎", sex="男", id_number=None, hukou_registered=False, archive_no="GR-002")
    make_child(world.zhuren_lianfu, world.lianfu, name="莲福娃")
    make_child(world.zhuren_hongxing, world.hongxing, name="红星娃")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_imports_back_unchanged(client, world, village_children, tmp_path, fmt):
    login(client, world.admin)
    job, content = _export(client, f"r:{world.county.code}", fmt)
    assert job.kind_label == "县数据库" and job.rows_total == 4
    path = tmp_path / f"county.{fmt}"
    path.write_bytes(content)

    batch = import_check(import_create(actor=world.admin, path=path, filename=path.name, run=False))
    assert batch.status == ImportBatch.Status.PREVIEW, batch.message
    assert (batch.new_count, batch.changed_count, batch.unchanged_count, batch.rejected_count) == (0, 0, 4, 0), list(
        batch.rows.values_list("row_no", "diff", "problems"))


def test_a_record_predating_a_rule_imports_back_and_its_change_is_taken(client, world, tmp_path):
    """A record the registry holds but a rule made since refuses (已登记户口, no ID number) is a
    quality issue, not an import rejection: unchanged it is nothing to do; changed elsewhere, the
    change is taken; only a fault the change brings refuses the row."""
    make_child(world.zhuren, world.guangrong, name="陈老档", sex="男", id_number=None, hukou_registered=True, archive_no="GR-009")
    login(client, world.zhuren)
    job, content = _export(client, f"r:{world.guangrong.code}")
    rows = read_xlsx(content)
    head, row = rows[0], rows[1]
    path = write_xlsx(tmp_path / "same.xlsx", [dict(zip(head, row, strict=True))], head)

    batch = import_check(import_create(actor=world.zhuren, path=path, filename=path.name, run=False))
    assert (batch.new_count, batch.changed_count, batch.unchanged_count, batch.rejected_count) == (0, 0, 1, 0)
    changed = dict(zip(head, row, strict=True), **{"父亲联系电话": "13800138000"})
    batch = import_check(import_create(actor=world.zhuren, path=write_xlsx(tmp_path / "phone.xlsx", [changed], head),
                                       filename="phone.xlsx", run=False))
    assert (batch.changed_count, batch.rejected_count) == (1, 0), list(batch.rows.values_list("problems", flat=True))
    worse = dict(changed, **{"父亲联系电话": "12345"})
    batch = import_check(import_create(actor=world.zhuren, path=write_xlsx(tmp_path / "bad.xlsx", [worse], head),
                                       filename="bad.xlsx", run=False))
    assert batch.rejected_count == 1
    assert [p[0] for p in batch.rows.get().problems] == ["父亲联系电话"]


def test_export_marks_who_and_when_and_neutralises_formulas(client, world, village_children):
    login(client, world.zhuren)
    job, content = _export(client, f"r:{world.guangrong.code}")
    assert job.kind_label == "村簿" and job.rows_total == 2
    rows = read_xlsx(content)
    header = rows[0]
    cell = next(r[header.index("详细地址")] for r in rows[1:] if r[header.index("详细地址")])
    assert cell.startswith("'=")  # text, never a formula
    assert rows[-1][0].startswith("导出：") and "zhuren" in rows[-1][0] and "共2人" in rows[-1][0]
    import zipfile

    core = zipfile.ZipFile(io.BytesIO(content)).read("docProps/core.xml").decode()
    assert "zhuren" in core
    log = AccessLog.objects.get(action="export")
    assert log.user == world.zhuren and "光荣村" in log.scope


def test_export_scope(client, world, village_children):
    login(client, world.zhuren)
    for node in (f"r:{world.lianfu.code}", f"r:{world.maoshi.code}", f"s:{world.jinxing.pk}", "r:999", "x:1", ""):
        assert client.post(reverse("intake:export_start"), {"node": node}).status_code == 404
    job, _ = _export(client, f"r:{world.guangrong.code}")
    client.logout()
    login(client, world.zhuren_lianfu)
    assert client.get(reverse("intake:export", args=[job.uid])).status_code == 404
    assert client.get(reverse("intake:export_file", args=[job.uid])).status_code == 404


def test_class_export_masks_ids_for_teachers(client, world, village_children):
    login(client, world.banzhuren)
    job, content = _export(client, f"c:{world.c31.pk}")
    assert job.kind_label == "校册" and job.rows_total == 1
    rows = read_xlsx(content)
    number = rows[1][rows[0].index("公民身份号码")]
    assert "*" in number and len(number) == 18
    assert client.post(reverse("intake:export_start"), {"node": f"c:{world.c32.pk}"}).status_code == 404


def test_template_download(client, world):
    login(client, world.zhuren)
    rows = read_xlsx(b"".join(client.get(reverse("intake:template")).streaming_content))
    assert rows[0][:3] == ["档案编号", "姓名", "性别"] and len(rows) == 1


def test_progress_partial_then_refresh(client, world, tmp_path):
    """While a job runs the bar polls a partial; once it ends the page is refreshed whole."""
    from shouhu.intake.services import import_create

    login(client, world.zhuren)
    batch = import_create(actor=world.zhuren, path=write_xlsx(tmp_path / "a.xlsx", [sheet_row()]), filename="a.xlsx", run=False)
    url = reverse("intake:batch", args=[batch.uid])
    r = client.get(url, headers={"HX-Request": "true"})
    assert 'id="progress"' in r.content.decode() and "every 1s" in r.content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED, message="x")
    r = client.get(url, headers={"HX-Request": "true"})
    assert r["HX-Refresh"] == "true"


def test_hostile_upload_ends_in_a_message_and_the_next_upload_runs(client, world, tmp_path, settings):
    """Reproduces the finding through the page: the 1.7 KB workbook with one cell at XFD1048576
    used to kill the worker. Now the batch page says why it failed, its file is gone, and the
    next upload is checked."""
    from pathlib import Path

    from tests.sheet_util import far_cell_xlsx

    login(client, world.zhuren)
    r = upload(client, far_cell_xlsx(tmp_path / "光荣村.xlsx"))
    batch = ImportBatch.objects.get()
    assert r.status_code == 302 and r.url == reverse("intake:batch", args=[batch.uid])
    page = client.get(r.url).content.decode()
    assert "未能导入" in page and "表格范围异常" in page
    assert batch.status == ImportBatch.Status.FAILED and not batch.file
    assert not list((Path(settings.MEDIA_ROOT) / "imports").glob(f"{batch.uid}*"))
    upload(client, write_xlsx(tmp_path / "b.xlsx", [sheet_row()]))
    assert ImportBatch.objects.order_by("-pk").first().status == ImportBatch.Status.PREVIEW


def test_list_page_fails_a_stuck_check(client, world, tmp_path):
    from shouhu.intake.services import import_create

    login(client, world.zhuren)
    batch = import_create(actor=world.zhuren, path=write_xlsx(tmp_path / "a.xlsx", [sheet_row()]), filename="a.xlsx", run=False)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.READING, updated_at=batch.updated_at.replace(year=2000))
    page = client.get(reverse("intake:start")).content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and not batch.file
    assert "未能导入" in page
