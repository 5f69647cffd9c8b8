from django.core.management.base import BaseCommand

from shouhu.audit.services import purge_expired, retention_days


class Command(BaseCommand):
    help = "Remove access-log rows older than SHOUHU_AUDIT_RETENTION_DAYS (oldest first) and append a checkpoint row so the chain still verifies."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="override the retention setting (days)")

    def handle(self, *args, days=None, **opts):
        n = purge_expired(days=days)
        self.stdout.write(f"已清理 {n} 条超过 {days or retention_days()} 天的访问日志")
