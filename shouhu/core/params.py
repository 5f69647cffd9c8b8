"""Request parameters: one way to read numbers and pages from a query string.

A value that is there but malformed (`?page=abc`, `?school=1x`) is a 400 with a sentence, not
silently "no filter": a list that ignored a typo would show more than the user asked for.
Ids are 64-bit: a longer number is refused here rather than overflowing the database driver
(SQLite and psycopg raise OverflowError, a 500). Errors are `BadParameter` (a `ServiceError` and
Django's `BadRequest`), so pages and the API answer 400 with the sentence."""
from .errors import BadParameter

# The range of a BigAutoField / bigint: every id and number a parameter is compared with.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def parse_int(raw, name: str) -> int:
    """`raw` (a string) as a 64-bit int; 400 when it is not one."""
    text = str(raw).strip()
    try:
        value = int(text)
    except ValueError:
        raise BadParameter(f"参数“{name}”应为整数", field=name) from None
    if not INT_MIN <= value <= INT_MAX:
        raise BadParameter(f"参数“{name}”的数值超出范围", field=name)
    return value


def int_param(params, name: str, *, default: int | None = None, min_value: int | None = None,
              max_value: int | None = None, choices: tuple[int, ...] | None = None) -> int | None:
    """`params[name]` as an int; `default` when absent or empty; 400 when malformed or out of range."""
    raw = params.get(name, "")
    if raw is None or str(raw).strip() == "":
        return default
    value = parse_int(raw, name)
    if min_value is not None and value < min_value:
        raise BadParameter(f"参数“{name}”不能小于 {min_value}", field=name)
    if max_value is not None and value > max_value:
        raise BadParameter(f"参数“{name}”不能大于 {max_value}", field=name)
    if choices is not None and value not in choices:
        raise BadParameter(f"参数“{name}”只能是 {'、'.join(map(str, choices))}", field=name)
    return value


# No list has a million pages; the bound keeps `(page - 1) * size` an offset the database takes.
MAX_PAGE = 1_000_000


def page_param(params, name: str = "page") -> int:
    """The page number, 1 when absent."""
    return int_param(params, name, default=1, min_value=1, max_value=MAX_PAGE)


def code_param(params, name: str = "region") -> str:
    """A region code (digits), "" when absent; 400 when it is not digits."""
    raw = str(params.get(name, "") or "").strip()
    if raw and not (raw.isdigit() and len(raw) <= 12):
        raise BadParameter(f"参数“{name}”应为区划代码（不超过 12 位数字）", field=name)
    return raw


def choice_param(params, name: str, choices, *, default: str = "") -> str:
    """One of `choices` (a collection of strings), `default` when absent; 400 for anything else."""
    raw = str(params.get(name, "") or "").strip()
    if not raw:
        return default
    if raw not in choices:
        raise BadParameter(f"参数“{name}”的值无效", field=name)
    return raw
