"""Bulk inserts for imports of tens of thousands of rows.

On PostgreSQL, `COPY … FROM STDIN`: Django's bulk_create makes psycopg build and parse one huge
parameterised statement per batch (client-side binding), which costs more than the database's
own work; COPY streams the rows instead, several times faster. Primary keys are taken from the
table's sequence first, so callers get ids as with bulk_create. Elsewhere (SQLite: one county on
one machine), plain bulk_create.

The rows stream: with `prepare`, each object is made (derived, checked …) just before its row is
sent, so the database inserts and indexes the rows already sent while Python works on the next
ones, instead of the two taking turns. `history=` also writes one simple-history row per object
(what simple-history's `bulk_history_create` writes) from the same converted values.
"""
import json
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter, itemgetter

from django.db import connection, models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .fields import BlindIndexField


def _json_dumper(field):
    # One encoder per field, not json.dumps(…, ensure_ascii=False) per value: with any non-default
    # argument json.dumps builds a new JSONEncoder on every call. Same text either way.
    encode = (field.encoder or json.JSONEncoder)(ensure_ascii=False).encode

    def dump(v):
        if v is None:
            return None
        if not v and (type(v) is list or type(v) is dict):
            return "[]" if type(v) is list else "{}"
        return encode(v)

    return dump


def _file_name(v):
    return (v.name if hasattr(v, "name") else v) or ""


def _converter(field):
    """Python value → what COPY takes. psycopg adapts str, int, bool, date, datetime, UUID and
    None itself; going through Field.get_db_prep_save for each of a million values costs more
    than the insert, so only the types that need it are converted."""
    if getattr(field, "encrypted", False):
        return field.stored  # what get_db_prep_save stores ("" and None stay as they are)
    if isinstance(field, models.JSONField):
        return _json_dumper(field)
    if isinstance(field, models.FileField):
        return _file_name
    return None


def _rows(objs: Iterable, fields: list) -> Iterable[list]:
    """The COPY rows of `objs`, values in `fields` order (auto_now stamps set on the objects, as
    save() would)."""
    attnames = [f.attname for f in fields]
    converters = [(i, c) for i, f in enumerate(fields) if (c := _converter(f)) is not None]
    # blind indexes are computed from their source on the object, as save() would (pre_save)
    indexes = [f for f in fields if isinstance(f, BlindIndexField)]
    now_fields = [f.attname for f in fields if getattr(f, "auto_now", False)]
    add_fields = [f.attname for f in fields if getattr(f, "auto_now_add", False) and not getattr(f, "auto_now", False)]
    one = len(attnames) == 1
    by_attr = attrgetter(*attnames)
    # A model instance keeps its field values in __dict__ under their attnames. Reading them
    # there is quicker, and a file field read through its descriptor would leave a FieldFile
    # pointing back at the instance: a reference cycle per object that only the cyclic collector
    # frees (an import pauses it; 100,000 children then stayed in memory).
    by_key = itemgetter(*attnames)
    now = timezone.now()
    for obj in objs:
        for a in now_fields:
            setattr(obj, a, now)
        for a in add_fields:
            if getattr(obj, a, None) is None:
                setattr(obj, a, now)
        for f in indexes:
            f.pre_save(obj, True)
        model = isinstance(obj, models.Model)
        try:
            values = by_key(obj.__dict__) if model else by_attr(obj)
        except KeyError:  # a deferred field: loaded through its descriptor
            values = by_attr(obj)
        row = [values] if one else list(values)
        for i, convert in converters:
            row[i] = convert(row[i])
        if not model:  # a light object may carry a file into a text column
            row = [(v.name or "") if isinstance(v, FieldFile) else v for v in row]
        yield row


def allocate_ids(model: type[models.Model], n: int) -> list[int]:
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n])
        return [r[0] for r in cur.fetchall()]


def _copy(model: type[models.Model], fields: list, rows: Iterable) -> None:
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cur:
        with cur.cursor.copy(sql) as copy:
            write = copy.write_row
            for row in rows:
                write(row)


def insert(model: type[models.Model], objs: Sequence, *, need_ids: bool = False, batch_size: int = 1000,
           history: dict | None = None, prepare: Callable | None = None) -> list:
    """Insert `objs` (model instances, or any objects with the fields as attributes when
    need_ids is False) and return them as a list; with need_ids, their pk is set.

    `prepare(item)`: called for each item of `objs` just before its row is sent; returns the
    object to insert (or None: nothing for this item). It must not query the database (the COPY
    is open on the connection). `history`: the history row's own values
    (history_date, history_change_reason, history_type, history_user_id, …): one row per object
    in the model's simple-history table too."""
    if not objs:
        return []
    if connection.vendor != "postgresql":
        if prepare is not None:
            objs = [o for o in map(prepare, objs) if o is not None]
        if objs and isinstance(objs[0], model):
            model.objects.bulk_create(objs, batch_size=batch_size)
        elif objs:
            model.objects.bulk_create([model(**{f.attname: getattr(o, f.attname) for f in model._meta.concrete_fields
                                                 if hasattr(o, f.attname)}) for o in objs], batch_size=batch_size)
        if history is not None:
            insert_history(model, objs, history)
        return list(objs)
    pk = model._meta.pk
    auto_pk = isinstance(pk, models.AutoField)  # a pk that is a relation (CareStatus.child) is a column like the others
    fields = [f for f in model._meta.concrete_fields if f is not pk or not auto_pk]
    ids = iter(allocate_ids(model, len(objs))) if need_ids and auto_pk else None
    if ids is not None:
        fields = [pk, *fields]
    done: list = []

    def made() -> Iterable:
        for item in objs:
            obj = prepare(item) if prepare is not None else item
            if obj is None:
                continue
            if ids is not None:
                setattr(obj, pk.attname, next(ids))
            done.append(obj)
            yield obj

    rows = [] if history is not None else None

    def kept(rs: Iterable[list]) -> Iterable[list]:
        for r in rs:
            rows.append(r)
            yield r

    stream = _rows(made(), fields)
    _copy(model, fields, kept(stream) if rows is not None else stream)
    if need_ids:
        for obj in done:
            if isinstance(obj, models.Model):
                obj._state.adding = False
    if history is not None and done:
        _copy_history(model, fields, rows, history)
    return done


def insert_history(model: type[models.Model], objs: Sequence, meta: dict) -> None:
    """One simple-history row per saved object of `model`, with `meta` for the history row's own
    fields (history_date, history_change_reason, history_type, history_user_id, …)."""
    if not objs:
        return
    history_model = model.history.model
    if connection.vendor != "postgresql":
        tracked = [f.attname for f in history_model.tracked_fields]
        history_model.objects.bulk_create(
            [history_model(**{a: (v.name or "") if isinstance(v := getattr(o, a), FieldFile) else v for a in tracked}, **meta)
             for o in objs], batch_size=1000)
        return
    fields = list(model._meta.concrete_fields)
    _copy_history(model, fields, list(_rows(objs, fields)), meta)


def _copy_history(model: type[models.Model], fields: list, rows: list[list], meta: dict) -> None:
    """COPY the history rows of `rows` (the model's own COPY rows, in `fields` order)."""
    history_model = model.history.model
    position = {f.attname: i for i, f in enumerate(fields)}
    tracked = {f.attname for f in history_model.tracked_fields}
    hpk = history_model._meta.pk
    hfields = [f for f in history_model._meta.concrete_fields if f is not hpk]
    extra = [f for f in hfields if f.attname not in tracked]
    missing = [f.attname for f in extra if f.attname not in meta]
    if missing:
        raise ValueError(f"history values missing: {missing}")
    hfields = [f for f in hfields if f.attname in tracked] + extra
    pick = itemgetter(*[position[f.attname] for f in hfields if f.attname in tracked])
    tail = tuple(c(meta[f.attname]) if (c := _converter(f)) else meta[f.attname] for f in extra)
    _copy(history_model, hfields, (pick(row) + tail for row in rows))
