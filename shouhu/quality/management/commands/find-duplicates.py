"""shouhu find-duplicates [--scope CODE] --report OUT.csv [--threshold 0.5]

Reads the children (under the region code CODE, else all) in chunks with `.values()`, one part
(two birth years) at a time, runs the duplicate finder (`shouhu.rules.dedupe`) on each part and writes one line per candidate pair, best first:
档案编号 of both records (the record's uid where it has none), score, reasons. Pairs a user
marked "not the same" and merged duplicates are left out. CSV in UTF-8 with
a BOM so that Excel opens it as Chinese text. The export is written to the access log."""
import csv

from django.core.management.base import BaseCommand, CommandError

from shouhu.audit.services import log_access
from shouhu.quality.selectors import not_same_pairs
from shouhu.quality.services import name_counts
from shouhu.regions.models import code_range
from shouhu.registry.models import Child
from shouhu.registry.selectors import dedupe_records
from shouhu.rules import dedupe


class Command(BaseCommand):
    help = "查找疑似重复的儿童档案（同音、形近字、改姓、缺身份证号、日月颠倒），输出 CSV 报告"

    def add_arguments(self, parser):
        parser.add_argument("--scope", help="区划代码（县、乡镇或村）；默认全部")
        parser.add_argument("--report", required=True, help="输出的 CSV 文件")
        parser.add_argument("--threshold", type=float, default=dedupe.THRESHOLD, help=f"得分阈值（默认 {dedupe.THRESHOLD}）")

    def handle(self, *args, scope, report, threshold, **opts):
        if scope and not scope.isdigit():
            raise CommandError(f"区划代码应为数字：{scope}")
        if not 0 < threshold <= 1:
            raise CommandError("阈值应在 0 到 1 之间")
        counts, not_same = name_counts(scope), not_same_pairs()
        n_records = sum(counts.name.values())
        found, compared = [], 0
        for part in dedupe.parts_of({"birth_date": d} for d in _years(scope)):
            stats: dict = {}
            found += dedupe.find_duplicates(dedupe_records(scope, born=(part, part + 1)), threshold=threshold, not_same=not_same,
                                            stats=stats, part=part, counts=counts)
            compared += stats.get("pairs", 0)
        found.sort(key=lambda c: -c.score)
        ids = sorted({x for c in found for x in (c.a, c.b)})
        label = {}
        for i in range(0, len(ids), 5000):  # SQLite takes at most 32,766 parameters
            label.update((k, a or str(u)) for k, a, u in Child.objects.filter(id__in=ids[i:i + 5000]).values_list("id", "archive_no", "uid"))
        with open(report, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["档案编号1", "档案编号2", "得分", "原因"])
            for c in found:
                w.writerow([label[c.a], label[c.b], f"{c.score:.3f}", "；".join(c.reasons)])
        log_access(actor=None, action="export", scope=scope or "全部", detail=f"命令行查找重复档案：{n_records} 人，{len(found)} 对")
        self.stdout.write(f"已比较 {n_records} 名儿童（{compared} 对候选），疑似重复 {len(found)} 对，已写入 {report}")


def _years(scope):
    qs = Child.objects.filter(merged_into__isnull=True)
    if scope:
        qs = qs.filter(village_code__range=code_range(scope))
    return qs.dates("birth_date", "year")
