from django.core.management.base import BaseCommand

from shouhu.registry.services import recompute_all


class Command(BaseCommand):
    help = "Recompute every child's derived categories as of today (run nightly: children turn 16 or 18, absences reach the threshold)."

    def handle(self, *args, **opts):
        changed = recompute_all()
        self.stdout.write(f"类别重算完成：{changed} 名儿童的类别发生变化")
