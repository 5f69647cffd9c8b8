"""Reads of counselling sessions: counsellors only, the children their counsellor role reaches."""
from django.db.models import QuerySet

from shouhu.accounts.scope import scope_of
from shouhu.registry.selectors import children_visible_to

from .models import CounsellingSession


def counselling_visible_to(actor) -> QuerySet[CounsellingSession]:
    """Counsellors only: the sessions of children their counsellor role reaches. Anyone else: none."""
    if not scope_of(actor).has("counsellor"):
        return CounsellingSession.objects.none()
    return CounsellingSession.objects.filter(child__in=children_visible_to(actor, flag="counsellor").values("id"))
