"""Reads of places: the regions, schools and classes a user answers for (out of scope: not there)."""
from django.db.models import Q, QuerySet

from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.core.errors import NotFound

from .models import Place, Region, School, SchoolClass, code_range


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


def places_q(actor, *, flag: str | None = None) -> Q:
    """The places an actor answers for (docs/domain.md, "Places"): on the administrative line those
    under its region (a township's supervisor: the township's and its villages' and schools');
    on the education line those of its school (a class: the class's school; county education: the
    places of the schools in its region). With `flag`, only through roles that have it."""
    scope = scope_of(actor)
    q = NOTHING
    for a in scope.assignments_with(flag) if flag else scope.assignments:
        line = ROLES[a.role].line
        if a.region_id and line == "admin":
            q |= Q(code__range=code_range(a.region.code))
        elif a.region_id and line == "education":
            q |= Q(school__region_code__startswith=a.region.code)
        school_id = a.school_id or (a.school_class.school_id if a.school_class_id else None)
        if school_id:
            q |= Q(school_id=school_id)
    return q


def places_visible_to(actor, *, flag: str | None = None) -> QuerySet[Place]:
    return Place.objects.filter(places_q(actor, flag=flag)).select_related("region", "school")


def place_for(actor, pk, *, flag: str | None = None) -> Place:
    """The place if the actor answers for it; the same 404 for missing and another township's."""
    try:
        return places_visible_to(actor, flag=flag).get(pk=int(pk))
    except (ValueError, TypeError, Place.DoesNotExist):
        raise NotFound("未找到该场所") from None
