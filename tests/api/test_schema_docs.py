"""The API description (/api/docs/) speaks Chinese: every operation has a Chinese summary and a
Chinese tag, and the generator reports nothing to fix (`spectacular --validate`)."""
import re

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

CJK = re.compile(r"[\u4e00-\u9fff]")
METHODS = {"get", "post", "put", "patch", "delete"}


def _schema():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return schema, GENERATOR_STATS


def test_every_operation_has_a_chinese_summary_and_tag():
    schema, _ = _schema()
    ops = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items() if method in METHODS]
    assert len(ops) > 90  # the whole API, not an empty schema
    missing = [f"{method.upper()} {path}" for path, method, op in ops if not CJK.search(op.get("summary", ""))]
    assert not missing, "operations without a Chinese summary (add them to shouhu/api/docs.py): " + ", ".join(missing)
    untagged = [f"{method.upper()} {path}" for path, method, op in ops if not all(CJK.search(t) for t in op.get("tags", [""]))]
    assert not untagged, "operations without a Chinese tag: " + ", ".join(untagged)
    english = [f"{method.upper()} {path}" for path, method, op in ops if not CJK.search(op.get("description", ""))]
    assert not english, "operations whose description is not in Chinese: " + ", ".join(english)


def test_the_schema_generates_without_warnings_and_validates():
    schema, stats = _schema()
    validate_schema(schema)
    assert not stats, (dict(stats._warn_cache), dict(stats._error_cache))  # what `spectacular --validate` would print
