"""`shouhu rotate-keys`: after a new field key is put first in SHOUHU_FIELD_KEYS (the old one kept
after it), or SHOUHU_INDEX_KEY is replaced, re-encrypt every encrypted value under the current key
and recompute every blind index (core.rekey), then the encrypted files the apps registered (a kept
户籍 extract). Batched and resumable: run it again after an
interruption and it carries on where the rows are not yet current. When it reports nothing left,
the old key can be removed from SHOUHU_FIELD_KEYS. While the index key changes, exact searches by
ID number miss the rows not yet rewritten: run it in a quiet hour.

`shouhu rotate-keys --new-key` prints a fresh key to put in the environment."""
from django.apps import apps
from django.core.management.base import BaseCommand

from shouhu.core import crypto
from shouhu.core.rekey import encrypted_fields, index_fields, rekey, rewriters


class Command(BaseCommand):
    help = "Re-encrypt ID numbers and counselling notes under the current key and recompute blind indexes."

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=1000, help="rows per transaction (default 1000)")
        parser.add_argument("--new-key", action="store_true", help="only print a new random key (base64) and stop")

    def handle(self, *args, **opts):
        if opts["new_key"]:
            self.stdout.write(crypto.new_key())
            return
        self.stdout.write(f"当前字段密钥编号 {crypto.current_key_id()}")
        total = 0
        for model in apps.get_models():
            if not (encrypted_fields(model) or index_fields(model)):
                continue
            label = model._meta.label

            def report(seen: int, changed: int, label: str = label) -> None:
                self.stdout.write(f"  {label}: 已检查 {seen} 行，已重写 {changed} 行")

            seen, changed = rekey(model, chunk=opts["chunk"], progress=report)
            total += changed
            self.stdout.write(f"{label}: 共 {seen} 行，重写 {changed} 行")
        for name, fn in rewriters().items():  # encrypted data outside the tables (core.rekey.register_rewriter)

            def report_items(seen: int, changed: int, name: str = name) -> None:
                self.stdout.write(f"  {name}: 已检查 {seen} 个，已重写 {changed} 个")

            seen, changed = fn(progress=report_items)
            total += changed
            self.stdout.write(f"{name}: 共 {seen} 个，重写 {changed} 个")
        self.stdout.write(self.style.SUCCESS(f"完成：重写 {total} 行（个）；所有值均在当前密钥下，旧密钥可从 SHOUHU_FIELD_KEYS 中移除"))
