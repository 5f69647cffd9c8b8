"""shouhu purge-exports — run nightly (deploy/shouhu-nightly.service, after fail-stuck-jobs).

Deletes register exports older than SHOUHU_EXPORT_HOURS (24), uploaded sheets whose check ended
as long ago, and leftover files of interrupted runs in media/exports, media/imports and
media/tmp; what stays is made owner-only (0600 files, 0700 directories). The export's page then
says 已过期 and offers to export again."""
from django.core.management.base import BaseCommand

from shouhu.intake.export import purge_exports


class Command(BaseCommand):
    help = "删除超过保留时间的导出文件和已检查完的上传文件"

    def handle(self, *args, **opts):
        self.stdout.write(f"已删除过期的导出和上传文件 {purge_exports()} 个")
