from django.core.management.base import BaseCommand

from shouhu.core import backup


class Command(BaseCommand):
    help = "Remove shouhu-*.backup files older than --keep-days days from DIR."

    def add_arguments(self, parser):
        parser.add_argument("dir")
        parser.add_argument("--keep-days", type=int, required=True)

    def handle(self, *args, **opts):
        gone = backup.prune(opts["dir"], keep_days=opts["keep_days"])
        self.stdout.write(f"已删除 {len(gone)} 个超过 {opts['keep_days']} 天的备份")
