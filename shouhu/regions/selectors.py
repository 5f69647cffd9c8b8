"""Reads of places: the regions, schools and classes a user answers for (out of scope: not there)."""
from django.db.models import QuerySet

from shouhu.accounts.scope import scope_of

from .models import Region, School, SchoolClass


def regions_visible_to(actor) -> QuerySet[Region]:
    return Region.objects.filter(scope_of(actor).regions_q())


def schools_visible_to(actor) -> QuerySet[School]:
    return School.objects.filter(scope_of(actor).schools_q()).select_related("township")


def classes_visible_to(actor) -> QuerySet[SchoolClass]:
    return SchoolClass.objects.filter(scope_of(actor).classes_q()).select_related("school")
