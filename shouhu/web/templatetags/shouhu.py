from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import scope_of

register = template.Library()


@register.filter
def get(d, key):
    return d.get(key, "") if hasattr(d, "get") else getattr(d, key, "")


@register.filter
def yuan(value):
    """An amount of money as people write it: 6,050,000.00 (two decimals, thousands grouped)."""
    try:
        return f"{Decimal(value or 0):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return value


@register.filter
def getfield(form, name):
    """A form's bound field by a name held in a variable (`form|getfield:key`)."""
    return form[name]


@register.simple_tag
def list_url(link: dict, column: str = "") -> str:
    """The children list filtered to a stat row and column."""
    params = dict(link)
    if column == "exited":
        params["status"] = "exited"
    elif column and column != "total":
        params["category"] = column
    return reverse("registry:list") + ("?" + urlencode(params) if params else "")


@register.simple_tag(takes_context=True)
def page_url(context, page_number) -> str:
    base = context.get("base_query", "")
    return "?" + (base + "&" if base else "") + f"page={page_number}"


@register.filter
def pct(row, key):
    """A progress row's share (0–100) of `key` among its children."""
    return row.pct(key)


@register.filter
def missing(row, key):
    """How many of a progress row's children still lack `key`."""
    return (row.counts.get("total") or 0) - (row.counts.get(key) or 0)


@register.filter
def role_label(code):
    return ROLES[code].label if code in ROLES else code


@register.filter
def edits_child(user, child) -> bool:
    """The user may change this child's record (a button to an edit page shows only then: no link to a 404)."""
    return scope_of(user).can_edit(child)
