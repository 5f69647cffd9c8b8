from django.core.management.base import BaseCommand

from shouhu.care.dues.services import refresh_all


class Command(BaseCommand):
    help = ("Rewrite every child's visit due dates, family-contact flag, one-to-one gap and care-month marks "
            "(run nightly after recompute-categories: pairings start and end with the date).")

    def handle(self, *args, **opts):
        def tick(done, total):
            if done == total or done % 20000 == 0:
                self.stdout.write(f"{done}/{total}")

        n = refresh_all(progress=tick)
        self.stdout.write(f"关爱帮扶待办已更新：{n} 名儿童")
