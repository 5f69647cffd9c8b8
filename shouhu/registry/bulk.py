"""Bulk inserts for imports of tens of thousands of rows.

On PostgreSQL, `COPY … FROM STDIN`: Django's bulk_create makes psycopg build and parse one huge
parameterised statement per batch (client-side binding), which costs more than the database's
own work; COPY streams the rows instead, several times faster. Primary keys are taken from the
table's sequence first, so callers get ids as with bulk_create. Elsewhere (SQLite: one county on
one machine), plain bulk_create.
"""
import json
from collections.abc import Sequence

from django.db import connection, models
from django.db.models.fields.files import FieldFile
from django.utils import timezone


def _converter(field):
    """Python value → what COPY takes. psycopg adapts str, int, bool, date, datetime, UUID and
    None itself; going through Field.get_db_prep_save for each of a million values costs more
    than the insert, so only the types that need it are converted."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False, cls=encoder)
    if isinstance(field, models.FileField):
        return lambda v: (v.name if hasattr(v, "name") else v) or ""
    return None


def _copy_values(model: type[models.Model], objs: Sequence, fields: list):
    getters = [(f.attname, _converter(f), "now" if getattr(f, "auto_now", False) else "add" if getattr(f, "auto_now_add", False) else "")
               for f in fields]
    now = timezone.now()
    for obj in objs:
        row = []
        for attname, convert, auto in getters:
            if auto == "now" or auto == "add" and getattr(obj, attname, None) is None:
                setattr(obj, attname, now)  # as save() would: the caller's objects carry the stamp
            v = getattr(obj, attname)
            row.append(convert(v) if convert else (v.name or "") if isinstance(v, FieldFile) else v)
        yield row


def allocate_ids(model: type[models.Model], n: int) -> list[int]:
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n])
        return [r[0] for r in cur.fetchall()]


def insert(model: type[models.Model], objs: Sequence, *, need_ids: bool = False, batch_size: int = 1000) -> Sequence:
    """Insert `objs` (model instances, or any objects with the fields as attributes when
    need_ids is False) and return them; with need_ids, their pk is set."""
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        if isinstance(objs[0], model):
            return model.objects.bulk_create(objs, batch_size=batch_size)
        return model.objects.bulk_create([model(**{f.attname: getattr(o, f.attname) for f in model._meta.concrete_fields
                                                    if hasattr(o, f.attname)}) for o in objs], batch_size=batch_size)
    pk = model._meta.pk
    auto_pk = isinstance(pk, models.AutoField)  # a pk that is a relation (CareStatus.child) is a column like the others
    fields = [f for f in model._meta.concrete_fields if f is not pk or not auto_pk]
    if need_ids and auto_pk:
        for obj, new_id in zip(objs, allocate_ids(model, len(objs)), strict=True):
            setattr(obj, pk.attname, new_id)
        fields = [pk, *fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cur:
        with cur.cursor.copy(sql) as copy:
            for row in _copy_values(model, objs, fields):
                copy.write_row(row)
    if need_ids:
        for obj in objs:
            if isinstance(obj, models.Model):
                obj._state.adding = False
    return objs
