"""Reads of care activities and their participants, through the actor's scope."""
from django.db.models import Q, QuerySet

from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import scope_of
from shouhu.core.errors import NotFound
from shouhu.regions.models import code_range
from shouhu.registry.selectors import children_visible_to

from .models import Activity


def activities_visible_to(actor) -> QuerySet[Activity]:
    """Activities held in a region of the actor's scope, with a child of the actor's scope, or
    registered by the actor (a school's staff hold them in the school's township). Regions count
    only through roles that see children: an activity names its participants, and a
    statistics-only partner reads counts, not people (docs/domain.md, "Users and scopes")."""
    q = Q(participations__child__in=children_visible_to(actor).values("id")) | Q(created_by_id=actor.pk)
    for a in scope_of(actor).assignments:
        if not (a.region_id and ROLES[a.role].sees_children):
            continue
        r = a.region
        lo, hi = code_range(r.code)
        q |= Q(region__code__gte=r.code, region__code__lte=hi)
    return Activity.objects.filter(q).distinct()


def activity_for(actor, pk) -> Activity:
    try:
        return activities_visible_to(actor).get(pk=int(pk))
    except (ValueError, TypeError, Activity.DoesNotExist):
        raise NotFound("未找到该活动") from None
