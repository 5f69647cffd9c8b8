"""Reads across care's subpackages, always through the actor's scope (out of scope behaves like
missing): which of the actor's roles reach a child, a child for a care action, one record of a
scoped queryset, and the child page's care panel."""
import uuid

from django.db.models import Q, QuerySet
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.core.errors import NotFound
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to

from .activities.models import Activity
from .dues.models import CareStatus, VisitDue
from .helpers.models import Pairing
from .visits.models import FamilyContact, Visit
from .wishes.models import Wish

# When a user holds several roles that reach a child, a visit counts for the first of these.
ROLE_PRIORITY = ("helper", "village_director", "township_supervisor", "head_teacher", "school_staff", "counsellor", "county_admin")


def child_in(actor, uid, flag: str) -> Child:
    """The child if one of the actor's roles with `flag` reaches it; else the same 404 as missing."""
    try:
        uid = uuid.UUID(str(uid))
        return children_visible_to(actor, flag=flag).select_related("village__parent", "school", "school_class").get(uid=uid)
    except (ValueError, Child.DoesNotExist):
        raise NotFound("未找到该儿童") from None


def roles_for(actor, child: Child, flag: str = "can_care") -> list[str]:
    """The actor's roles (with `flag`) whose scope reaches this child, most specific first."""
    scope = scope_of(actor)
    roles = {a.role for a in scope.assignments_with(flag)
             if Child.objects.filter(scope.assignment_children_q(a), pk=child.pk).exists()}
    return [r for r in ROLE_PRIORITY if r in roles] + sorted(roles - set(ROLE_PRIORITY))


def require_roles(actor, child: Child, flag: str) -> list[str]:
    """`roles_for`, or the 404 of a missing child when no role with `flag` reaches it."""
    roles = roles_for(actor, child, flag)
    if not roles:
        raise NotFound("未找到该儿童")
    return roles


def record_for(qs: QuerySet, pk):
    """One record from a scoped queryset; missing and out of scope are the same 404."""
    try:
        return qs.get(pk=int(pk))
    except (ValueError, TypeError, qs.model.DoesNotExist):
        raise NotFound("未找到该记录") from None


def care_of_child(actor, child: Child) -> dict:
    """What the child page shows of care work (no counselling: that is for counsellors only)."""
    scope = scope_of(actor)
    today = timezone.localdate()
    visits, dues = Visit.objects.filter(child=child), VisitDue.objects.filter(child=child)
    if scope.limited_fields:  # a helper sees their own visits and dues, not the cadres' notes
        visits, dues = visits.filter(Q(visitor=actor) | Q(helper__user=actor)), dues.filter(helper__user=actor)
    return {
        "pairings": list(Pairing.objects.filter(child=child).select_related("helper").order_by("-start")),
        "visits": list(visits.prefetch_related("photos")[:10]),
        "contacts": list(FamilyContact.objects.filter(child=child)[:10]),
        "wishes": list(Wish.objects.filter(child=child)[:10]),
        "activities": list(Activity.objects.filter(participations__child=child)[:10]),
        "status": CareStatus.objects.filter(child=child).first(),
        "dues": list(dues.select_related("helper").order_by("due")),
        "can_care": scope.has("can_care"), "can_pair": bool(scope.assignments_with("can_pair")) and not scope.limited_fields,
        "is_counsellor": scope.has("counsellor"), "today": today,
    }
