"""Reads of places: the regions, schools and classes a user answers for (out of scope: not there)."""
from django.db.models import QuerySet

from shouhu.accounts.scope import scope_of
from shouhu.core.errors import NotFound

from .models import Region, School, SchoolClass


def regions_visible_to(actor) -> QuerySet[Region]:
    return Region.objects.filter(scope_of(actor).regions_q())


def schools_visible_to(actor) -> QuerySet[School]:
    return School.objects.filter(scope_of(actor).schools_q()).select_related("township")


def classes_visible_to(actor) -> QuerySet[SchoolClass]:
    return SchoolClass.objects.filter(scope_of(actor).classes_q()).select_related("school")


def node_within(roots, code: str | None, *, none: str = "无可查看的范围") -> Region:
    """The region `code` if it lies within one of `roots` (the regions a page lets the actor read);
    the same 404 for unknown and out of reach. Without a code: the highest root."""
    if not roots:
        raise NotFound(none)
    if not code:
        return sorted(roots, key=lambda r: (len(r.code), r.code))[0]
    if not code.isdigit() or not any(code.startswith(r.code) for r in roots):
        raise NotFound("未找到该区域")
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise NotFound("未找到该区域") from None
