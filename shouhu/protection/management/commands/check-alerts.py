from django.core.management.base import BaseCommand

from shouhu.protection.services import evaluate_all


class Command(BaseCommand):
    help = "预警排查：对全县在册儿童运行预警规则（每晚；导入后）"

    def handle(self, *args, **options):
        counts = evaluate_all(progress=lambda done, total: self.stdout.write(f"  已排查 {done}/{total} 名儿童"))
        self.stdout.write(f"新增预警 {counts['opened']} 条，情况消除 {counts['resolved']} 条，更新 {counts['updated']} 条")
