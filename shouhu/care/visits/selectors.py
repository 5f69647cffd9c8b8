"""Reads of visits and family contact, through the actor's scope."""
from django.db.models import Q, QuerySet

from shouhu.accounts.scope import scope_of
from shouhu.registry.selectors import children_visible_to

from .models import FamilyContact, Visit

ROLE_LABELS = {"township_supervisor": "督导员走访", "village_director": "儿童主任走访", "head_teacher": "班主任家访", "helper": "结对帮扶走访",
               "school_staff": "学校走访", "counsellor": "辅导员走访", "county_admin": "县级走访"}


def visits_visible_to(actor) -> QuerySet[Visit]:
    qs = Visit.objects.filter(child__in=children_visible_to(actor).values("id"))
    if scope_of(actor).limited_fields:  # helpers: only the visits they made or that were recorded for them
        qs = qs.filter(Q(visitor=actor) | Q(helper__user=actor))
    return qs


def contacts_visible_to(actor) -> QuerySet[FamilyContact]:
    return FamilyContact.objects.filter(child__in=children_visible_to(actor).values("id"))
