"""shouhu import-register FILE [--dry-run] [--report OUT.csv|OUT.xlsx] [--user NAME]

The same service as the upload page: check every row, report the problems, and (without
--dry-run) write the accepted rows in one transaction. County-wide unless --user."""
import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from shouhu.core import progress
from shouhu.intake.models import ImportBatch
from shouhu.intake.reports import write_problem_report
from shouhu.intake.services import copy_for_upload, import_check, import_confirm, import_create, import_write


class Command(BaseCommand):
    help = "导入《摸底排查登记表》（.xlsx/.xls/.csv）"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--report", help="问题清单输出文件（.csv 或 .xlsx）：行号、列、问题")
        parser.add_argument("--user", help="以该用户的管辖范围导入（默认全县）")

    def handle(self, *args, file, dry_run, report, user, **opts):
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"没有用户 {user}") from None
        try:
            tmp = copy_for_upload(file)
        except OSError as e:
            raise CommandError(f"无法读取 {file}：{e.strerror}") from None
        batch = import_create(actor=actor, path=tmp, filename=file.rsplit("/", 1)[-1], run=False)
        tmp.unlink(missing_ok=True)
        started = time.monotonic()
        self._watch(batch, lambda: import_check(batch))
        if batch.status == ImportBatch.Status.FAILED:
            raise CommandError(batch.message)
        self.stdout.write(
            f"共 {batch.rows_total} 行：新增 {batch.new_count}，变更 {batch.changed_count}，未变 {batch.unchanged_count}，"
            f"有问题 {batch.rejected_count}（{batch.problem_count} 处）"
        )
        for written, ours in batch.mapped_columns:
            self.stdout.write(f"「{written}」→ {ours}")
        if batch.unknown_columns:
            self.stdout.write(f"未识别的列（已忽略）：{'、'.join(batch.unknown_columns)}")
        if report:
            write_problem_report(batch, report)
            self.stdout.write(f"问题清单已写入 {report}")
        if dry_run or not batch.accepted_count:
            self.stdout.write("未写入任何数据" + ("（--dry-run）" if dry_run else ""))
            return
        batch.created_by = actor
        import_confirm(actor=actor, batch=batch, run=False)
        self._watch(batch, lambda: import_write(batch))
        if batch.status != ImportBatch.Status.DONE:
            raise CommandError(batch.message)
        self.stdout.write(f"已写入 {batch.accepted_count} 名儿童（{time.monotonic() - started:.1f} 秒）")

    def _watch(self, batch, run) -> None:
        """Run the step, printing progress to stderr now and then."""
        import threading

        stop = threading.Event()

        def show():
            while not stop.wait(2):
                p = progress.read(batch.uid)
                if p:
                    sys.stderr.write(f"  {p['phase']} {p['done']}/{p['total']}\n")

        t = threading.Thread(target=show, daemon=True)
        t.start()
        try:
            run()
        finally:
            stop.set()
