from django.core.management.base import BaseCommand

from shouhu.quality.models import DuplicatePair, Issue
from shouhu.quality.services import recheck_all


class Command(BaseCommand):
    help = "Run every data-quality check over the county (nightly): record and cross-line checks, duplicates, the group checks (copied details, visit fabrication signals) and this month's trend point."

    def handle(self, *args, **opts):
        def progress(done: int, total: int, phase: str = "正在检查") -> None:
            if done == total:
                self.stdout.write(f"{phase}：{done}/{total}")

        n = recheck_all(progress=progress)
        self.stdout.write(f"数据质量检查完成：{n} 份档案，待处理问题 {Issue.objects.filter(status=Issue.Status.OPEN).count()} 个，"
                          f"疑似重复 {DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN).count()} 对")
