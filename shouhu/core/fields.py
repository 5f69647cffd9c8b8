"""Model fields."""
from django.db import models


class JSONField(models.JSONField):
    """A JSONField that keeps bulk inserts on the plain VALUES path.

    Django 5.2 bulk-inserts on PostgreSQL through UNNEST(array parameters); psycopg then quotes
    every JSON document as an array literal with regular expressions, which made bulk inserts of
    children, their history and import rows several times slower. A field with a
    `get_placeholder` opts the whole insert out of UNNEST (see SQLInsertCompiler.assemble_as_sql)."""

    def get_placeholder(self, value, compiler, connection):
        return "%s"
