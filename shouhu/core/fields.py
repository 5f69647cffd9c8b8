"""Model fields."""
import json

from django.db import models

from . import crypto


class JSONField(models.JSONField):
    """A JSONField that keeps bulk inserts on the plain VALUES path.

    Django 5.2 bulk-inserts on PostgreSQL through UNNEST(array parameters); psycopg then quotes
    every JSON document as an array literal with regular expressions, which made bulk inserts of
    children, their history and import rows several times slower. A field with a
    `get_placeholder` opts the whole insert out of UNNEST (see SQLInsertCompiler.assemble_as_sql)."""

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class _Encrypted:
    """Stored as AES-GCM ciphertext (`core.crypto`), read back as the plain value.

    Encryption happens in `get_db_prep_save` (inserts, updates, bulk_update), not in
    `get_prep_value`, which lookups use too: a ciphertext never equals another, so a lookup by
    value could only ever answer "none". Lookups other than `isnull` and "is empty" are refused
    outright so that no code silently searches ciphertext; exact search goes through the blind
    index column (`BlindIndexField`)."""

    encrypted = True

    def get_internal_type(self):
        return "TextField"  # the ciphertext is longer than the value: a text column whatever max_length says

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value)

    def get_db_prep_save(self, value, connection):
        value = super().get_db_prep_save(value, connection)
        if not value or hasattr(value, "as_sql"):  # an expression (bulk_update's CASE): its Values encrypt
            return value
        return crypto.encrypt(value)

    def stored(self, value):
        """What the column holds for `value` (`core.bulk` converts with this, skipping Django)."""
        return crypto.encrypt(value) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return EmptyOnlyExact
        return None

    def get_transform(self, lookup_name):
        return None


class EmptyOnlyExact(models.lookups.Exact):
    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise TypeError(f"{self.lhs.target.name} 已加密：按值查找请用其盲索引列")
        return super().get_prep_lookup()


class EncryptedCharField(_Encrypted, models.CharField):
    """A short personal value (an ID number). `max_length` checks the plain value (forms, API)."""


class EncryptedTextField(_Encrypted, models.TextField):
    """A long personal text (counselling notes)."""


class EncryptedJSONField(_Encrypted, models.TextField):
    """A JSON document stored encrypted (an import's staging rows: every field of a child as the
    sheet gave it, ID numbers included). Not searchable at all; read and written whole."""

    def __init__(self, *args, encoder=None, **kwargs):
        self.encoder = encoder
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(crypto.decrypt(value))

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        return value

    def get_db_prep_save(self, value, connection):
        if hasattr(value, "as_sql"):
            return value
        return self.stored(value)

    def stored(self, value):
        return None if value is None else crypto.encrypt(json.dumps(value, ensure_ascii=False, cls=self.encoder))

    def value_to_string(self, obj):
        return self.value_from_object(obj)


class BlindIndexField(models.CharField):
    """The keyed index (`core.crypto.blind`) of another field of the same model, kept by the
    field itself: `pre_save` computes it on every save and bulk insert (`core.bulk` calls it too),
    so no writer can forget it. `bulk_update` and `QuerySet.update` do not call `pre_save`: a
    caller that updates the source that way must name the index too (`refresh_indexes`)."""

    def __init__(self, *args, source: str = "", tail: int = 0, **kwargs):
        self.source, self.tail = source, tail
        kwargs.setdefault("max_length", 2 * (crypto.TAIL_BYTES if tail else crypto.INDEX_BYTES))
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.tail:
            kwargs["tail"] = self.tail
        return name, path, args, kwargs

    def compute(self, value) -> str | None:
        return crypto.blind_tail(value, self.tail) if self.tail else crypto.blind(value)

    def pre_save(self, model_instance, add):
        value = self.compute(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def refresh_indexes(obj) -> list[str]:
    """Recompute `obj`'s blind indexes from its current values; their names (for bulk_update)."""
    names = []
    for f in type(obj)._meta.concrete_fields:
        if isinstance(f, BlindIndexField):
            f.pre_save(obj, False)
            names.append(f.name)
    return names
