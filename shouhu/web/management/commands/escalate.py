import time

from django.core.management.base import BaseCommand

from shouhu.benefits.services import escalate_applications
from shouhu.protection.cases import escalate_cases
from shouhu.protection.services import escalate_due
from shouhu.schooling.dropout import escalate_dropouts
from shouhu.staffing.services import staffing_clock
from shouhu.supervision.services import escalate_findings


class Command(BaseCommand):
    help = "时限：逾期未签收或未处置的预警逐级上报，超过时限的保护个案、辍学个案、督查问题和兜底保障申请告知经办人，岗位空缺每周提醒县级管理员（每5分钟；可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="每隔多少秒运行一次（不停止；用于没有定时器的环境，如演示）")

    def handle(self, *args, every: int = 0, **options):
        while True:
            self.stdout.write(f"逐级上报 {escalate_due()} 条预警；{escalate_cases()} 件保护个案、{escalate_dropouts()} 件辍学个案、"
                              f"{escalate_findings()} 项督查问题、{escalate_applications()} 件兜底保障申请超过时限；"
                              f"{staffing_clock()} 个岗位空缺")
            if every <= 0:
                return
            time.sleep(every)
