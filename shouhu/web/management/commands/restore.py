from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from shouhu.core import backup
from shouhu.core.errors import ServiceError


class Command(BaseCommand):
    help = "Restore an encrypted backup into the configured database (empty unless --force) and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="replace a database that already has tables")
        parser.add_argument("--no-media", action="store_true", help="the database only")

    def handle(self, *args, **opts):
        connections.close_all()  # our own connection must not hold the database while it is replaced
        try:
            key = backup.parse_key(settings.SHOUHU_BACKUP_KEY)
            manifest = backup.restore(opts["file"], key=key, db=connections["default"].settings_dict, force=opts["force"],
                                      media_root=None if opts["no_media"] else settings.MEDIA_ROOT)
        except ServiceError as e:
            raise CommandError(e.message) from e
        self.stdout.write(f"恢复完成（{manifest['engine']}）。请运行 shouhu migrate 以防备份来自较旧的版本。")
