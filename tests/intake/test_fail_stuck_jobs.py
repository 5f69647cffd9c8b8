"""`shouhu fail-stuck-jobs`, the nightly sweep: checks and exports whose worker died are marked
failed (a check's file deleted), a write goes back to its preview, live jobs are left alone."""
from io import StringIO

from django.core.cache import cache
from django.core.management import call_command

from shouhu.core import progress
from shouhu.intake.models import ExportJob, ImportBatch
from shouhu.intake.services import import_create
from tests.intake_util import sheet_row, write_xlsx


def test_sweep_marks_dead_jobs_only(world, tmp_path):
    dead = import_create(actor=world.zhuren, path=write_xlsx(tmp_path / "a.xlsx", [sheet_row()]), filename="a.xlsx", run=False)
    writing = import_create(actor=world.zhuren, path=write_xlsx(tmp_path / "b.xlsx", [sheet_row()]), filename="b.xlsx", run=False)
    queued = import_create(actor=world.zhuren, path=write_xlsx(tmp_path / "c.xlsx", [sheet_row()]), filename="c.xlsx", run=False)
    long_ago = dead.updated_at.replace(year=2000)
    ImportBatch.objects.filter(pk=dead.pk).update(status=ImportBatch.Status.READING, updated_at=long_ago)
    ImportBatch.objects.filter(pk=writing.pk).update(status=ImportBatch.Status.WRITING, updated_at=long_ago)
    job = ExportJob.objects.create(created_by=world.zhuren, node="r:421088", node_label="监利市", kind_label="县数据库",
                                   status=ExportJob.Status.RUNNING)
    ExportJob.objects.filter(pk=job.pk).update(updated_at=long_ago)
    live = ExportJob.objects.create(created_by=world.zhuren, node="r:421088", node_label="监利市", kind_label="县数据库",
                                    status=ExportJob.Status.RUNNING)
    progress.report(live.uid, done=1, total=10, phase="正在生成")
    cache.delete(progress.key(dead.uid))
    out = StringIO()
    call_command("fail-stuck-jobs", stdout=out)
    assert "导入 2 个、导出 1 个" in out.getvalue()
    dead.refresh_from_db(), writing.refresh_from_db(), queued.refresh_from_db(), job.refresh_from_db(), live.refresh_from_db()
    assert dead.status == ImportBatch.Status.FAILED and not dead.file
    assert writing.status == ImportBatch.Status.PREVIEW and "中断" in writing.message
    assert queued.status == ImportBatch.Status.QUEUED  # waiting for a worker is not an interruption
    assert job.status == ExportJob.Status.FAILED and live.status == ExportJob.Status.RUNNING
