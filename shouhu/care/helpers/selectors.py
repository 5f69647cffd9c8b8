"""Reads of helpers and pairings, through the actor's scope."""
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import scope_of
from shouhu.regions.models import code_range
from shouhu.registry.selectors import children_visible_to

from .models import Helper, Pairing, ServiceRecord


def helpers_visible_to(actor) -> QuerySet[Helper]:
    """Helpers of the regions and schools in the actor's scope (and the actor's own record).
    Only through roles that see children: a helper's name and phone are personal data, and a
    statistics-only partner reads counts, not people (docs/domain.md, "Users and scopes")."""
    scope = scope_of(actor)
    q = Q(user_id=actor.pk)
    for a in scope.assignments:
        if not ROLES[a.role].sees_children:
            continue
        if a.region_id and not scope.limited_fields:
            lo, hi = code_range(a.region.code)
            q |= Q(region__code__gte=a.region.code, region__code__lte=hi) | Q(school__region_code__gte=a.region.code, school__region_code__lte=hi)
        school_id = a.school_id or (a.school_class.school_id if a.school_class_id else None)
        if school_id:
            q |= Q(school_id=school_id)
    return Helper.objects.filter(q).select_related("region", "school", "user")


def helpers_editable_q(actor) -> Q:
    """Helpers the actor may manage: those of regions / schools in the actor's can_pair scope."""
    q = Q(pk__in=[])
    for a in scope_of(actor).assignments_with("can_pair"):
        if a.region_id:
            lo, hi = code_range(a.region.code)
            q |= Q(region__code__range=(a.region.code, hi)) | Q(school__region_code__range=(a.region.code, hi))
        if a.school_id:
            q |= Q(school_id=a.school_id)
    return q


def helper_editable(actor, helper: Helper) -> bool:
    return Helper.objects.filter(helpers_editable_q(actor), pk=helper.pk).exists()


def helper_of(actor) -> Helper | None:
    """The actor's own helper record, if they are a helper with an account."""
    return Helper.objects.filter(user_id=getattr(actor, "pk", None)).first()


def with_totals(qs: QuerySet[Helper]) -> QuerySet[Helper]:
    """Helpers with their number of current pairings and their service hours."""
    today = timezone.localdate()
    pairs = (Pairing.objects.active_on(today).filter(helper=OuterRef("pk")).order_by().values("helper")
             .annotate(n=Count("pk")).values("n"))
    hours = ServiceRecord.objects.filter(helper=OuterRef("pk")).order_by().values("helper").annotate(s=Sum("hours")).values("s")
    return qs.annotate(
        n_pairs=Coalesce(Subquery(pairs, output_field=IntegerField()), Value(0)),
        n_hours=Coalesce(Subquery(hours, output_field=DecimalField(max_digits=9, decimal_places=1)), Value(0),
                         output_field=DecimalField(max_digits=9, decimal_places=1)),
    )


def pairings_visible_to(actor, *, flag: str | None = None) -> QuerySet[Pairing]:
    """Pairings of the children the actor sees (with `flag`: reaches through roles that have it)."""
    return Pairing.objects.filter(child__in=children_visible_to(actor, flag=flag).values("id"))


def paired_children_q(scope, assignment, child_field: str) -> Q:
    """The scope's "pairing" line (registered in `care.receivers`): a helper reaches the children
    paired with them today."""
    paired = Pairing.objects.active_on(timezone.localdate()).filter(helper__user_id=scope.user.pk).values("child_id")
    return Q(**{f"{child_field}__in": paired})
