from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shouhu.core import backup
from shouhu.core.errors import ServiceError


class Command(BaseCommand):
    help = ("Write an encrypted backup (database and uploaded files) to FILE, or into DIR as "
            "shouhu-YYYYmmdd-HHMMSS.backup with --dir; --keep-days N then removes older backups there.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")
        parser.add_argument("--dir", help="write shouhu-<time>.backup into this directory")
        parser.add_argument("--keep-days", type=int, help="with --dir: remove backups older than N days")
        parser.add_argument("--no-media", action="store_true", help="the database only")

    def handle(self, *args, **opts):
        if bool(opts["file"]) == bool(opts["dir"]):
            raise CommandError("请给出备份文件名，或用 --dir 指定目录")
        if opts["dir"]:
            Path(opts["dir"]).mkdir(parents=True, exist_ok=True)
            out = Path(opts["dir"]) / f"shouhu-{datetime.now():%Y%m%d-%H%M%S}.backup"
        else:
            out = Path(opts["file"])
        try:
            key = backup.parse_key(settings.SHOUHU_BACKUP_KEY)
            manifest = backup.backup(out, key=key, media_root=None if opts["no_media"] else settings.MEDIA_ROOT)
        except ServiceError as e:
            raise CommandError(e.message) from e
        self.stdout.write(f"备份完成：{out}（{manifest['engine']}，{out.stat().st_size / 1e6:.1f} MB）")
        if opts["dir"] and opts["keep_days"] is not None:
            gone = backup.prune(opts["dir"], keep_days=opts["keep_days"])
            self.stdout.write(f"已删除 {len(gone)} 个超过 {opts['keep_days']} 天的备份")
