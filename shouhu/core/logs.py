"""Log lines carry no query strings (docs/decisions.md 51). Searches are POSTed and URLs hold only
tokens, but an old bookmark or a hand-typed `?q=<name>` still arrives once (and is refused): the
development server (`runserver`, used by `make demo`) would write it in its request line. gunicorn
logs the path alone by its format (`web/management/commands/serve.py`)."""
import logging
import re

_QUERY = re.compile(r"^(\S+ [^?\s]*)\?\S*")


class NoQueryString(logging.Filter):
    """Cuts the query string out of runserver's `"GET /path?… HTTP/1.1"` request line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            record.args = (_QUERY.sub(r"\1", record.args[0]), *record.args[1:])
        if isinstance(record.msg, str) and "?" in record.msg and not record.args:
            record.msg = _QUERY.sub(r"\1", record.msg)
        return True
