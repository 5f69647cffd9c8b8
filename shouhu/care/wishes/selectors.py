"""Reads of micro-wishes, through the actor's scope."""
from django.db.models import QuerySet

from shouhu.registry.selectors import children_visible_to

from .models import Wish


def wishes_visible_to(actor, *, flag: str | None = None) -> QuerySet[Wish]:
    """Wishes of the children the actor sees (with `flag`: reaches through roles that have it)."""
    return Wish.objects.filter(child__in=children_visible_to(actor, flag=flag).values("id"))
