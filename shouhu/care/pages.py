"""View helpers every care subpackage's pages use: paging, the query string of a filtered list,
a region filter, and where to return after a form."""
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from shouhu.accounts.scope import scope_of
from shouhu.core.params import parse_int
from shouhu.regions.models import Region, code_range
from shouhu.regions.selectors import regions_visible_to

PAGE_SIZE = 30


def next_url(request, default: str) -> str:
    """`?next=` if it points to this site, else `default`."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return nxt if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else default


def local_next(request) -> str:
    """A local page to return to (the list with its filters), never another site."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return nxt if nxt.startswith("/") and not nxt.startswith("//") and "\\" not in nxt else ""


def page_of(request, qs, param: str = "page"):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get(param))


def base_query(request, *drop: str) -> str:
    params = request.GET.copy()
    for k in ("page", *drop):
        params.pop(k, None)
    return params.urlencode()


def code_param(v: str) -> str:
    return v if v.isdigit() and len(v) <= 12 else ""


def int_param(v):
    """A filter's number, None when absent or not a number; 400 past 64 bits (core.params)."""
    try:
        int(v)
    except (TypeError, ValueError):
        return None
    return parse_int(v, "")


def region_q(code: str, region_field: str = "region__code", school_field: str | None = "school__region_code") -> Q:
    """Records of a region's subtree (codes are prefixes: `code` ≤ x ≤ code999…)."""
    hi = code_range(code)[1]
    q = Q(**{f"{region_field}__gte": code, f"{region_field}__lte": hi})
    if school_field:
        q |= Q(**{f"{school_field}__gte": code, f"{school_field}__lte": hi})
    return q


def filter_regions(actor):
    """Townships and villages for a list's region filter."""
    if scope_of(actor).limited_fields:
        return Region.objects.none()
    return regions_visible_to(actor).filter(level__in=[4, 5]).select_related("parent")


def today() -> date:
    return timezone.localdate()
