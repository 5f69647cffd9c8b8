"""Reads of care activities and their participants, through the actor's scope."""
from django.db.models import Q, QuerySet

from shouhu.accounts.scope import scope_of
from shouhu.core.errors import NotFound
from shouhu.regions.models import code_range
from shouhu.registry.selectors import children_visible_to

from .models import Activity


def activities_visible_to(actor) -> QuerySet[Activity]:
    """Activities held in a region of the actor's scope, with a child of the actor's scope, or
    registered by the actor (a school's staff hold them in the school's township)."""
    q = Q(participations__child__in=children_visible_to(actor).values("id")) | Q(created_by_id=actor.pk)
    for r in scope_of(actor).region_nodes():
        lo, hi = code_range(r.code)
        q |= Q(region__code__gte=r.code, region__code__lte=hi)
    return Activity.objects.filter(q).distinct()


def activity_for(actor, pk) -> Activity:
    try:
        return activities_visible_to(actor).get(pk=int(pk))
    except (ValueError, TypeError, Activity.DoesNotExist):
        raise NotFound("未找到该活动") from None
