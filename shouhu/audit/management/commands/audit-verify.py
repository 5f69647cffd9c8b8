import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from shouhu.audit.services import verify_chain


class Command(BaseCommand):
    help = "Walk the access log's hash chain in id order; print the first broken link (id, time) or 完整. Exit 1 on a break."

    def handle(self, *args, **opts):
        broken = verify_chain()
        if broken is None:
            self.stdout.write("完整")
            return
        at = timezone.localtime(broken.at).strftime("%Y-%m-%d %H:%M:%S")
        self.stdout.write(f"链断裂：#{broken.id}（{at}）")
        sys.exit(1)
