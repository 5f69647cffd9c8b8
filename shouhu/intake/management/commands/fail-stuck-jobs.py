"""shouhu fail-stuck-jobs — run nightly (cron or a systemd timer beside `refresh-care`).

Marks register-sheet imports and exports whose worker died (no progress for
core.progress.STALE_SECONDS) as failed, as their pages would on the next view: an interrupted
check fails and its uploaded file is deleted; an interrupted write goes back to the preview
(its one transaction left the database unchanged)."""
from django.core.management.base import BaseCommand

from shouhu.intake.export import fail_stuck_exports
from shouhu.intake.services import fail_stuck_imports


class Command(BaseCommand):
    help = "把服务进程中断后停住的导入、导出标记为失败"

    def handle(self, *args, **opts):
        imports, exports = fail_stuck_imports(), fail_stuck_exports()
        self.stdout.write(f"中断的导入 {imports} 个、导出 {exports} 个已标记")
