from django.core.management.base import BaseCommand

from shouhu.protection.services import daily_digest


class Command(BaseCommand):
    help = "每日提醒：告诉每位处理人其逾期未处置的预警条数（每天早上一次）"

    def handle(self, *args, **options):
        self.stdout.write(f"已提醒 {daily_digest()} 人")
