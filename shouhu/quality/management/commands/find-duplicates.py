"""shouhu find-duplicates [--scope CODE] --report OUT.csv [--threshold 0.5]

Reads the children (under the region code CODE, else all) in chunks with `.values()`, runs the
duplicate finder (`shouhu.rules.dedupe`) and writes one line per candidate pair, best first:
档案编号 of both records (the record's uid where it has none), score, reasons. Pairs a user
marked "not the same" and merged duplicates are left out. CSV in UTF-8 with
a BOM so that Excel opens it as Chinese text. The export is written to the access log."""
import csv

from django.core.management.base import BaseCommand, CommandError

from shouhu.audit.services import log_access
from shouhu.quality.selectors import not_same_pairs
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
        label = {}
        records = []
        for row in dedupe_records(scope):
            label[row["id"]] = row["archive_no"] or str(row["uid"])
            records.append(row)
        stats: dict = {}
        found = dedupe.find_duplicates(records, threshold=threshold, not_same=not_same_pairs(), stats=stats)
        with open(report, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["档案编号1", "档案编号2", "得分", "原因"])
            for c in found:
                w.writerow([label[c.a], label[c.b], f"{c.score:.3f}", "；".join(c.reasons)])
        log_access(actor=None, action="export", scope=scope or "全部", detail=f"命令行查找重复档案：{len(records)} 人，{len(found)} 对")
        self.stdout.write(f"已比较 {len(records)} 名儿童（{stats.get('pairs', 0)} 对候选），疑似重复 {len(found)} 对，已写入 {report}")
