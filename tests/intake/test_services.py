"""Register-sheet import: preview, confirm, cancel, idempotence, bad files, interrupted jobs."""
import pytest

from shouhu.intake.models import ImportBatch, ImportRow
from shouhu.intake.services import import_cancel, import_check, import_confirm, import_create, import_write
from shouhu.registry.models import Child
from tests.intake_util import boy, sheet_row, write_csv, write_xlsx


def preview(actor, path):
    batch = import_create(actor=actor, path=path, filename=path.name, run=False)
    return import_check(batch)


def confirm(actor, batch):
    import_confirm(actor=actor, batch=batch, run=False)
    return import_write(batch)


def test_preview_writes_nothing_then_confirm_writes_all(world, tmp_path):
    path = write_xlsx(tmp_path / "光荣村.xlsx", [sheet_row(), boy(), sheet_row(**{"姓名": "", "公民身份号码": "123"})])
    batch = preview(world.zhuren, path)
    assert batch.status == ImportBatch.Status.PREVIEW, batch.message
    assert (batch.new_count, batch.changed_count, batch.unchanged_count, batch.rejected_count) == (2, 0, 0, 1)
    assert Child.objects.count() == 0
    bad = batch.rows.get(kind=ImportRow.Kind.REJECTED)
    assert bad.row_no == 4
    assert ["姓名", "必填，不能为空"] in bad.problems
    assert any(col == "公民身份号码" and "18位" in msg for col, msg in bad.problems)
    batch = confirm(world.zhuren, batch)
    assert batch.status == ImportBatch.Status.DONE, batch.message
    girl = Child.objects.get(name="陆金兰")
    assert girl.is_left_behind and girl.left_behind_kind == "双亲留守"
    assert girl.school_class == world.c31 and girl.village == world.guangrong
    assert girl.history.first().history_change_reason == "导入登记表：光荣村.xlsx"
    assert girl.events.get().kind == "enter"


def test_reimport_changes_nothing(world, tmp_path):
    rows = [sheet_row(), boy()]
    confirm(world.zhuren, preview(world.zhuren, write_xlsx(tmp_path / "a.xlsx", rows)))
    before = Child.history.count()
    again = preview(world.zhuren, write_xlsx(tmp_path / "b.xlsx", rows))
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 2)
    assert again.accepted_count == 0
    assert Child.objects.count() == 2 and Child.history.count() == before


def test_changed_row_updates_the_child_with_field_diff(world, tmp_path):
    row = sheet_row()
    confirm(world.zhuren, preview(world.zhuren, write_xlsx(tmp_path / "a.xlsx", [row])))
    child = Child.objects.get()
    row2 = {**row, "母亲状况": "在家", "母亲务工地点": "", "母亲外出时间": ""}
    batch = preview(world.zhuren, write_xlsx(tmp_path / "b.xlsx", [row2]))
    assert batch.changed_count == 1 and batch.new_count == 0
    diff = {col: (old, new) for col, old, new in batch.rows.get().diff}
    assert diff["母亲状况"] == ("外出务工", "在家")
    assert diff["母亲务工地点"] == ("浙江 宁波市", "")
    confirm(world.zhuren, batch)
    child.refresh_from_db()
    # a parent at home: no longer left behind, so the child exits the register, with the event
    assert child.mother_situation == "在家" and not child.is_left_behind and child.status == Child.Status.EXITED
    assert child.events.filter(kind="exit").exists()
    assert Child.objects.count() == 1 and child.history.count() == 2


def test_cancel_writes_nothing(world, tmp_path):
    batch = preview(world.zhuren, write_xlsx(tmp_path / "a.xlsx", [sheet_row()]))
    import_cancel(actor=world.zhuren, batch=batch)
    assert batch.status == ImportBatch.Status.CANCELLED
    assert Child.objects.count() == 0 and not batch.rows.exists()


def test_gbk_csv(world, tmp_path):
    path = write_csv(tmp_path / "gbk.csv", [sheet_row(), boy()], encoding="gbk")
    batch = preview(world.zhuren, path)
    assert batch.status == ImportBatch.Status.PREVIEW, batch.message
    assert batch.new_count == 2
    assert set(ImportRow.objects.values_list("name", flat=True)) == {"陆金兰", "陈小虎"}


# -- bad files: a clear message, nothing written ---------------------------------------------------
def _failed(world, path) -> str:
    batch = preview(world.zhuren, path)
    assert batch.status == ImportBatch.Status.FAILED
    assert Child.objects.count() == 0 and not batch.rows.exists()
    return batch.message


def test_word_document_is_refused(world, tmp_path):
    import zipfile

    path = tmp_path / "登记表.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert "不是Excel表格" in _failed(world, path)


def test_pdf_is_refused(world, tmp_path):
    path = tmp_path / "登记表.csv"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert "无法识别的文件类型" in _failed(world, path)


def test_no_header_row(world, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("这是一份说明\n没有表头\n", encoding="utf-8")
    assert "找不到表头行" in _failed(world, path)


def test_missing_header_columns(world, tmp_path):
    from tests.intake_util import HEADERS

    headers = [h for h in HEADERS if h not in ("公民身份号码", "村（社区）")]
    msg = _failed(world, write_xlsx(tmp_path / "a.xlsx", [sheet_row()], headers=headers))
    assert "缺少表头列" in msg and "公民身份号码" in msg and "村（社区）" in msg


def test_duplicate_header_column(world, tmp_path):
    from tests.intake_util import HEADERS

    msg = _failed(world, write_xlsx(tmp_path / "a.xlsx", [sheet_row()], headers=[*HEADERS, "姓名"]))
    assert "表头“姓名”出现了两次" in msg


def test_unknown_columns_are_reported_not_fatal(world, tmp_path):
    from tests.intake_util import HEADERS

    batch = preview(world.zhuren, write_xlsx(tmp_path / "a.xlsx", [sheet_row()], headers=[*HEADERS, "备注"]))
    assert batch.status == ImportBatch.Status.PREVIEW and batch.unknown_columns == ["备注"] and batch.new_count == 1


def test_too_big_a_file(world, tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "wb") as f:
        f.truncate(100 * 1024 * 1024)  # 100 MB, sparse: cheap to make
    msg = _failed(world, path)
    assert "超过上限" in msg and "100.0 MB" in msg


def test_empty_sheet_below_header(world, tmp_path):
    assert "没有任何数据行" in _failed(world, write_xlsx(tmp_path / "a.xlsx", []))


def test_merged_cells_reject_the_rows_they_cover(world, tmp_path):
    import xlsxwriter

    from tests.intake_util import HEADERS

    path = tmp_path / "merged.xlsx"
    rows = [sheet_row(), boy(), boy(**{"姓名": "陈小龙"})]
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADERS)
    for i, r in enumerate(rows, 1):
        ws.write_row(i, 0, [r.get(h, "") for h in HEADERS])
    col = HEADERS.index("村（社区）")
    ws.merge_range(2, col, 3, col, "光荣村")  # rows 3 and 4 share one village cell
    wb.close()
    batch = preview(world.zhuren, path)
    assert batch.new_count == 1
    rejected = {r.row_no: r.problems for r in batch.rows.filter(kind=ImportRow.Kind.REJECTED)}
    assert set(rejected) == {3, 4}
    assert all(p[0][0] == "村（社区）" and "合并单元格" in p[0][1] for p in rejected.values())


def test_formula_cells_are_rejected(world, tmp_path):
    import xlsxwriter

    from tests.intake_util import HEADERS

    path = tmp_path / "formula.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADERS)
    ws.write_row(1, 0, [sheet_row().get(h, "") for h in HEADERS])
    r = boy()
    ws.write_row(2, 0, [r.get(h, "") for h in HEADERS])
    ws.write_formula(2, HEADERS.index("姓名"), '="陈"&"小虎"', None, "陈小虎")
    wb.close()
    batch = preview(world.zhuren, path)
    assert batch.new_count == 1
    bad = batch.rows.get(kind=ImportRow.Kind.REJECTED)
    assert bad.row_no == 3 and bad.problems[0][0] == "姓名" and "公式" in bad.problems[0][1]


def test_fifty_thousand_trailing_blank_rows(world, tmp_path):
    import xlsxwriter

    from tests.intake_util import HEADERS

    path = tmp_path / "blank-tail.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    fmt = wb.add_format({"border": 1})
    ws.write_row(0, 0, HEADERS)
    for i, r in enumerate([sheet_row(), boy()], 1):
        ws.write_row(i, 0, [r.get(h, "") for h in HEADERS])
    for i in range(3, 50_003):  # formatted, empty: what "select all, add borders" leaves behind
        ws.write_blank(i, 0, None, fmt)
        ws.write_string(i, 1, "")
    wb.close()
    batch = preview(world.zhuren, path)
    assert batch.status == ImportBatch.Status.PREVIEW, batch.message
    assert batch.rows_total == 2 and batch.new_count == 2


# -- interrupted and conflicting writes ---------------------------------------------------------------
def test_failure_midway_writes_nothing(world, tmp_path, monkeypatch):
    """A write that dies after some rows leaves no child, no history, no count behind."""
    from shouhu.intake import services

    rows = [sheet_row(), boy(), boy(**{"姓名": "陈小龙"})]
    batch = preview(world.zhuren, write_xlsx(tmp_path / "a.xlsx", rows))
    real = services.children_bulk_write
    calls = []

    def dying(**kw):
        calls.append(1)
        real(**kw)  # the first chunk is written inside the transaction …
        raise RuntimeError("worker lost")  # … then the process "dies"

    monkeypatch.setattr(services, "children_bulk_write", dying)
    batch = confirm(world.zhuren, batch)
    assert calls
    assert batch.status == ImportBatch.Status.PREVIEW and "没有写入任何数据" in batch.message
    assert Child.objects.count() == 0 and Child.history.count() == 0
    from shouhu.registry.models import StatCell

    assert not StatCell.objects.filter(total__gt=0).exists()


def test_killed_worker_is_noticed_and_can_be_retried(world, tmp_path):
    from shouhu.core import progress
    from shouhu.intake.services import notice_interrupted

    batch = preview(world.zhuren, write_xlsx(tmp_path / "a.xlsx", [sheet_row()]))
    import_confirm(actor=world.zhuren, batch=batch, run=False)
    assert notice_interrupted(batch).status == ImportBatch.Status.CONFIRMED  # waiting for a worker is not an interruption
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.WRITING)  # the worker starts, then is killed
    batch.refresh_from_db()
    progress.report(batch.uid, done=0, total=1, phase="正在写入")
    assert notice_interrupted(batch).status == ImportBatch.Status.WRITING  # a live job is left alone
    from django.core.cache import cache

    cache.delete(progress.key(batch.uid))
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=batch.updated_at.replace(year=2000))
    batch.refresh_from_db()
    batch = notice_interrupted(batch)
    assert batch.status == ImportBatch.Status.PREVIEW and "中断" in batch.message
    assert Child.objects.count() == 0
    assert confirm(world.zhuren, batch).status == ImportBatch.Status.DONE and Child.objects.count() == 1


def test_change_after_preview_is_not_overwritten(world, tmp_path):
    from shouhu.registry.services import child_update

    row = sheet_row()
    confirm(world.zhuren, preview(world.zhuren, write_xlsx(tmp_path / "a.xlsx", [row])))
    batch = preview(world.zhuren, write_xlsx(tmp_path / "b.xlsx", [{**row, "详细地址": "3组"}]))
    child = Child.objects.get()
    child.address_detail = "5组"
    child_update(actor=world.zhuren, child=child)  # someone edits the record between preview and confirm
    batch = confirm(world.zhuren, batch)
    assert batch.status == ImportBatch.Status.PREVIEW and "被他人修改" in batch.message
    child.refresh_from_db()
    assert child.address_detail == "5组"


def test_confirm_is_only_for_the_uploader_and_only_once(world, tmp_path):
    from shouhu.core.errors import Conflict, Forbidden

    batch = preview(world.zhuren, write_xlsx(tmp_path / "a.xlsx", [sheet_row()]))
    with pytest.raises(Forbidden):
        import_confirm(actor=world.dudao, batch=batch, run=False)
    confirm(world.zhuren, batch)
    with pytest.raises(Conflict):
        import_confirm(actor=world.zhuren, batch=batch, run=False)
    assert import_write(batch).status == ImportBatch.Status.DONE  # a second delivery of the job writes nothing
    assert Child.objects.count() == 1 and Child.history.count() == 1


def test_same_id_twice_rejects_both_rows_whatever_they_were(world, tmp_path):
    """The first row of a repeated number may already be new, changed or unchanged when the
    repeat is met further down: it is rejected all the same, with its cells for the error sheet."""
    known = sheet_row()
    confirm(world.zhuren, preview(world.zhuren, write_xlsx(tmp_path / "a.xlsx", [known])))
    fresh = boy()
    rows = [known, fresh, sheet_row(), {**fresh, "姓名": "陈小龙"}, {**known, "姓名": "陆金花"}]
    batch = preview(world.zhuren, write_xlsx(tmp_path / "b.xlsx", rows))
    rejected = {r.row_no: r for r in batch.rows.filter(kind=ImportRow.Kind.REJECTED)}
    assert set(rejected) == {2, 3, 5, 6}
    assert rejected[2].problems == [["公民身份号码", "同一身份证号码在本表中出现多次（另见第6行）"]]
    assert rejected[6].problems == [["公民身份号码", "同一身份证号码在本表中出现多次（另见第2行）"]]
    assert rejected[3].cells[batch.headers.index("姓名")] == "陈小虎" and rejected[3].name == "陈小虎"
    assert (batch.new_count, batch.changed_count, batch.unchanged_count, batch.rejected_count) == (1, 0, 0, 4)


def test_hostile_sheet_fails_the_batch_deletes_the_file_and_the_next_job_runs(world, tmp_path):
    """Reproduces the finding: one cell at XFD1048576 (with and without a declared range) killed the
    worker, the batch stayed 正在检查 with its file in media/imports/. Now: a failed batch with the
    reason, the file deleted, and the next upload checked as usual."""
    from pathlib import Path

    from tests.sheet_util import far_cell_xlsx

    for dimension in (True, False):
        batch = import_create(actor=world.zhuren, path=far_cell_xlsx(tmp_path / f"h{dimension}.xlsx", dimension=dimension),
                              filename="光荣村.xlsx", run=False)
        stored = Path(batch.file.path)
        assert stored.exists()
        batch = import_check(batch)
        assert batch.status == ImportBatch.Status.FAILED
        assert "表格范围异常" in batch.message
        assert not stored.exists() and not batch.file
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.FAILED and batch.finished_at is not None
    assert preview(world.zhuren, write_xlsx(tmp_path / "ok.xlsx", [sheet_row()])).status == ImportBatch.Status.PREVIEW


def test_stuck_checks_are_failed_in_bulk_and_live_ones_left_alone(world, tmp_path):
    """A check whose worker died stayed 正在检查 until someone opened that very batch; the list page
    and the nightly command now fail it (and delete its file)."""
    from pathlib import Path

    from django.core.cache import cache

    from shouhu.core import progress
    from shouhu.intake.services import fail_stuck_imports

    stuck = import_create(actor=world.zhuren, path=write_xlsx(tmp_path / "a.xlsx", [sheet_row()]), filename="a.xlsx", run=False)
    live = import_create(actor=world.zhuren, path=write_xlsx(tmp_path / "b.xlsx", [sheet_row()]), filename="b.xlsx", run=False)
    ImportBatch.objects.filter(pk__in=[stuck.pk, live.pk]).update(status=ImportBatch.Status.READING, updated_at=stuck.updated_at.replace(year=2000))
    progress.report(live.uid, done=0, total=0, phase="正在读取文件")
    cache.delete(progress.key(stuck.uid))
    file = Path(stuck.file.path)
    assert fail_stuck_imports(created_by=world.zhuren_lianfu) == 0  # someone else's list touches nothing
    assert fail_stuck_imports() == 1
    stuck.refresh_from_db()
    live.refresh_from_db()
    assert stuck.status == ImportBatch.Status.FAILED and "中断" in stuck.message and not file.exists()
    assert live.status == ImportBatch.Status.READING
