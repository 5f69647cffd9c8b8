"""Rewrite encrypted columns and blind indexes in place: the migration that encrypts existing rows,
and `shouhu rotate-keys` after a new key is put first in SHOUHU_FIELD_KEYS or SHOUHU_INDEX_KEY
changes.

It reads the stored text with plain SQL (not through the fields, which would decrypt), so it can
tell which key each value is under, and writes only the rows that need it: a value in clear or
under an older key is re-encrypted under the current key, an index that differs from the current
key's is recomputed. Rows go in primary-key order, `chunk` at a time, each chunk in its own
transaction: stopped half-way, a second run skips what the first finished (resumable), and the
application keeps working meanwhile (every key listed still decrypts).

Encrypted data kept outside the tables (a kept 户籍 extract is a file) is rewritten by a function
its app registers here (`register_rewriter`, from its AppConfig.ready): core cannot know the
feature apps, and `rotate-keys` runs every registered rewriter after the tables.
"""
from collections.abc import Callable

from django.db import connections, models, transaction

from . import crypto
from .fields import BlindIndexField

# name -> fn(progress=None) -> (items read, items rewritten); each must skip what is already under
# the current key (so a second run after an interruption carries on) and write each item whole.
Rewriter = Callable[..., tuple[int, int]]
_REWRITERS: dict[str, Rewriter] = {}


def register_rewriter(name: str, fn: Rewriter) -> None:
    """Have `rotate-keys` bring encrypted data that is not a model field to the current key;
    `name` labels it in the command's report. Registering a name again replaces it (ready() may run
    twice in tests)."""
    _REWRITERS[name] = fn


def rewriters() -> dict[str, Rewriter]:
    return dict(_REWRITERS)


def needs_rewrite(value: str) -> bool:
    """Whether an encrypted value is under another key than the current one."""
    return crypto.is_encrypted(value) and crypto.encrypted_key_id(value) != crypto.current_key_id()


def encrypted_fields(model: type[models.Model]) -> list:
    return [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]


def index_fields(model: type[models.Model]) -> list:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def rekey(model: type[models.Model], *, chunk: int = 1000, decrypt: bool = False, using: str = "default",
          progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Bring every row of `model` to the current keys; `decrypt=True` writes the values back in
    clear instead (the migration's way back). Returns (rows read, rows rewritten)."""
    enc, idx = encrypted_fields(model), index_fields(model)
    if not enc and not idx:
        return 0, 0
    conn = connections[using]
    q = conn.ops.quote_name
    table, pk = q(model._meta.db_table), q(model._meta.pk.column)
    names = [f.attname for f in enc]
    select = ", ".join([pk, *(q(f.column) for f in enc), *(q(f.column) for f in idx)])
    update = f"UPDATE {table} SET " + ", ".join(f"{q(f.column)} = %s" for f in [*enc, *idx]) + f" WHERE {pk} = %s"
    current = crypto.current_key_id()
    last, seen, changed = None, 0, 0
    while True:
        with transaction.atomic(using=using), conn.cursor() as cur:
            if last is None:
                cur.execute(f"SELECT {select} FROM {table} ORDER BY {pk} LIMIT %s", [chunk])
            else:
                cur.execute(f"SELECT {select} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s", [last, chunk])
            rows = cur.fetchall()
            if not rows:
                break
            writes = []
            for row in rows:
                stored, indexes = row[1:1 + len(enc)], row[1 + len(enc):]
                plain = [crypto.decrypt(v) for v in stored]
                if decrypt:
                    new = plain
                else:
                    new = [v if not v or crypto.encrypted_key_id(v) == current else crypto.encrypt(p) for v, p in zip(stored, plain, strict=True)]
                values = dict(zip(names, plain, strict=True))
                new_idx = [f.compute(values[model._meta.get_field(f.source).attname]) for f in idx]
                if list(stored) != new or list(indexes) != new_idx:
                    writes.append([*new, *new_idx, row[0]])
            if writes:
                cur.executemany(update, writes)
            last = rows[-1][0]
            seen += len(rows)
            changed += len(writes)
        if progress:
            progress(seen, changed)
    return seen, changed


def rekey_migration(app_label: str, *model_names: str, decrypt: bool = False):
    """A RunPython function for a data migration over `model_names` of `app_label`."""

    def run(apps, schema_editor):
        for name in model_names:
            rekey(apps.get_model(app_label, name), decrypt=decrypt, using=schema_editor.connection.alias)

    return run
