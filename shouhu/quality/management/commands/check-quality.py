from django.core.management.base import BaseCommand

from shouhu.quality.services import recheck_all


class Command(BaseCommand):
    help = "Run every data-quality check over the county (nightly): record checks and the group checks (copied details, visit fabrication signals)."

    def handle(self, *args, **opts):
        n = recheck_all(progress=lambda done, total: done == total and self.stdout.write(f"{done}/{total}"))
        self.stdout.write(f"数据质量检查完成：{n} 份档案")
