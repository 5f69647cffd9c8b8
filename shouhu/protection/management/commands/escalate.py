from django.core.management.base import BaseCommand

from shouhu.protection.services import escalate_due


class Command(BaseCommand):
    help = "预警时限：逾期未签收或未处置的预警逐级上报（每5分钟；可重复运行）"

    def handle(self, *args, **options):
        self.stdout.write(f"逐级上报 {escalate_due()} 条预警")
