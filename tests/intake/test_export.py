"""Register exports on disk: owner-only files, a link for the owner alone that expires after
EXPORT_HOURS, the nightly purge, one access-log line per download."""
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.intake.export import export_create, purge_exports
from shouhu.intake.models import ExportJob, ImportBatch
from shouhu.intake.services import import_check, import_confirm, import_create, import_write
from tests.factories import PASSWORD, make_child
from tests.intake_util import sheet_row, write_xlsx


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def job(world, media):
    make_child(world.zhuren, world.guangrong)
    old_umask = os.umask(0o022)  # a usual umask: files would be 0644 without our modes
    try:
        job = export_create(actor=world.zhuren, node=f"r:{world.guangrong.code}")
    finally:
        os.umask(old_umask)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.message
    return job


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_export_file_is_owner_only(job, media):
    """Reproduces: exports were written 0644 (readable by every account on the server)."""
    path = Path(job.file.path)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert mode(Path(media) / "tmp") == 0o700 and not list((Path(media) / "tmp").iterdir())


def test_only_the_owner_downloads_and_each_download_is_logged(client, world, job):
    for other in (world.dudao, world.admin, world.zhuren_lianfu):  # even a wider scope: the file is the owner's
        login(client, other)
        assert client.get(reverse("intake:export", args=[job.uid])).status_code == 404
        assert client.get(reverse("intake:export_file", args=[job.uid])).status_code == 404
    login(client, world.zhuren)
    for _ in range(2):
        r = client.get(reverse("intake:export_file", args=[job.uid]))
        assert r.status_code == 200 and b"".join(r.streaming_content)
    assert AccessLog.objects.filter(action="export", user=world.zhuren).count() == 2


def test_link_expires_after_the_hours_and_the_page_offers_to_export_again(client, world, job, settings):
    """Reproduces: the download link worked forever."""
    login(client, world.zhuren)
    page = client.get(reverse("intake:export", args=[job.uid])).content.decode()
    assert 'id="download"' in page and "前有效" in page
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(hours=settings.SHOUHU["EXPORT_HOURS"], minutes=1))
    r = client.get(reverse("intake:export_file", args=[job.uid]))
    assert r.status_code == 302 and r.url == reverse("intake:export", args=[job.uid])
    page = client.get(r.url).content.decode()
    assert "已过期" in page and 'id="download"' not in page and f'value="{job.node}"' in page
    assert "已过期" in client.get(reverse("intake:start")).content.decode()
    r = client.post(reverse("intake:export_start"), {"node": job.node, "fmt": job.fmt})  # export again
    assert r.status_code == 302 and ExportJob.objects.count() == 2


def test_purge_deletes_old_exports_and_leftovers(world, job, media, settings):
    """Reproduces: exports stayed on disk forever."""
    fresh = export_create(actor=world.zhuren, node=f"r:{world.guangrong.code}")
    fresh.refresh_from_db()
    leftover = Path(media) / "tmp" / "crashed.xlsx"
    leftover.write_bytes(b"x")
    leftover.chmod(0o644)
    day_ago = (timezone.now() - timedelta(hours=25)).timestamp()
    os.utime(leftover, (day_ago, day_ago))
    young = Path(media) / "tmp" / "running.xlsx"
    young.write_bytes(b"y")
    young.chmod(0o644)
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(hours=25))
    old_path = Path(job.file.path)
    Path(media).chmod(0o755)  # a media directory made before these modes
    call_command("purge-exports", stdout=open(os.devnull, "w"))
    assert mode(media) == 0o700
    assert not old_path.exists() and not leftover.exists()
    job.refresh_from_db()
    assert not job.file and job.expired
    assert Path(fresh.file.path).exists() and young.exists() and mode(young) == 0o600  # kept, and tightened
    assert purge_exports() == 0


def test_purge_deletes_uploads_once_their_check_is_long_over(world, media, tmp_path):
    """An unconfirmed preview kept its uploaded sheet (every child's data) on disk for good."""
    batch = import_check(import_create(actor=world.zhuren, path=write_xlsx(tmp_path / "a.xlsx", [sheet_row()]), filename="a.xlsx", run=False))
    assert batch.status == ImportBatch.Status.PREVIEW and batch.file
    path = Path(batch.file.path)
    assert mode(path) == 0o600
    assert purge_exports() == 0 and path.exists()  # a fresh preview keeps its file
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=timezone.now() - timedelta(hours=25))
    assert purge_exports() == 1 and not path.exists()
    batch.refresh_from_db()
    assert not batch.file and batch.status == ImportBatch.Status.PREVIEW
    import_confirm(actor=world.zhuren, batch=batch, run=False)  # still confirmable: the write reads the stored rows
    assert import_write(batch).status == ImportBatch.Status.DONE


def test_nightly_unit_and_readme_run_the_purge():
    root = Path(__file__).resolve().parents[2]
    assert "shouhu purge-exports" in (root / "deploy" / "shouhu-nightly.service").read_text()
    assert "purge-exports" in (root / "README.md").read_text()


def test_command_line_export_is_owner_only(world, tmp_path):
    """Reproduces: `shouhu export-register` left the whole register (full ID numbers) 0644."""
    make_child(world.zhuren, world.guangrong)
    out = tmp_path / "county.csv"
    old_umask = os.umask(0o022)
    try:
        call_command("export-register", str(out), stdout=open(os.devnull, "w"))
    finally:
        os.umask(old_umask)
    assert mode(out) == 0o600 and "陆金兰" in out.read_text(encoding="utf-8-sig")
