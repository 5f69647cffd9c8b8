"""Request parameters: one way to read numbers and pages from a query string.

A value that is there but malformed (`?page=abc`, `?school=1x`) is a 400 with a sentence, not
silently "no filter": a list that ignored a typo would show more than the user asked for."""
from django.core.exceptions import BadRequest


def int_param(params, name: str, *, default: int | None = None, min_value: int | None = None,
              choices: tuple[int, ...] | None = None) -> int | None:
    """`params[name]` as an int; `default` when absent or empty; 400 when malformed or out of range."""
    raw = params.get(name, "")
    if raw is None or str(raw).strip() == "":
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise BadRequest(f"参数“{name}”应为整数") from None
    if min_value is not None and value < min_value:
        raise BadRequest(f"参数“{name}”不能小于 {min_value}")
    if choices is not None and value not in choices:
        raise BadRequest(f"参数“{name}”只能是 {'、'.join(map(str, choices))}")
    return value


def page_param(params, name: str = "page") -> int:
    """The page number, 1 when absent."""
    return int_param(params, name, default=1, min_value=1)


def code_param(params, name: str = "region") -> str:
    """A region code (digits), "" when absent; 400 when it is not digits."""
    raw = str(params.get(name, "") or "").strip()
    if raw and not raw.isdigit():
        raise BadRequest(f"参数“{name}”应为区划代码（数字）")
    return raw


def choice_param(params, name: str, choices, *, default: str = "") -> str:
    """One of `choices` (a collection of strings), `default` when absent; 400 for anything else."""
    raw = str(params.get(name, "") or "").strip()
    if not raw:
        return default
    if raw not in choices:
        raise BadRequest(f"参数“{name}”的值无效")
    return raw
