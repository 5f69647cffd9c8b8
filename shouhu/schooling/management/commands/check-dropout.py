from django.core.management.base import BaseCommand

from shouhu.rules.dropout import TRIGGERS
from shouhu.schooling.absences import open_due_cases


class Command(BaseCommand):
    help = "控辍保学：按连续旷课、学籍状态、人籍一致和走访发现开立疑似辍学个案（每晚；逾期步骤由 escalate 提示）"

    def handle(self, *args, **options):
        counts = open_due_cases()
        self.stdout.write("新开疑似辍学个案 " + "，".join(f"{TRIGGERS[k]} {v} 件" for k, v in counts.items()) + f"，合计 {sum(counts.values())} 件")
