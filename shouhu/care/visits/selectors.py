"""Reads of visits and family contact, through the actor's scope."""
from django.db.models import Q, QuerySet
from django.utils import timezone

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


# -- a queued record meets the task done by someone else (docs/domain.md "Working without signal") --
def visit_conflict(visit: Visit, *, opened_at) -> str:
    """What someone else recorded for the same task after the form was opened (`opened_at`, the
    server's time when it rendered the form) and before this visit was saved: a visit of the same
    child counting for the same role (and the same helper). "" when none, or when the time is
    unknown. Visits are facts: both stay; the sentence tells the user theirs was not the first."""
    if opened_at is None:
        return ""
    others = Visit.objects.filter(child_id=visit.child_id, visitor_role=visit.visitor_role, created_at__gt=opened_at,
                                  created_at__lt=visit.created_at).exclude(visitor_id=visit.visitor_id)
    if visit.visitor_role == "helper":
        others = others.filter(helper_id=visit.helper_id)
    first = others.order_by("created_at").first()
    if first is None:
        return ""
    return (f"您打开表单后，{first.visitor_name}已于{timezone.localtime(first.created_at):%m-%d %H:%M}记录了"
            f"{ROLE_LABELS.get(first.visitor_role, '走访')}（走访日期{first.date:%Y-%m-%d}）。您的走访也已保存，两条记录都会保留。")


def contact_conflict(contact: FamilyContact, *, opened_at) -> str:
    """As `visit_conflict`, for family contact (owed per child, whoever records it)."""
    if opened_at is None:
        return ""
    first = (FamilyContact.objects.filter(child_id=contact.child_id, created_at__gt=opened_at, created_at__lt=contact.created_at)
             .exclude(recorded_by_id=contact.recorded_by_id).select_related("recorded_by").order_by("created_at").first())
    if first is None:
        return ""
    return (f"您打开表单后，{first.recorded_by or '他人'}已于{timezone.localtime(first.created_at):%m-%d %H:%M}记录了"
            f"亲情联系（{first.date:%Y-%m-%d}，{first.kind}）。您的记录也已保存，两条记录都会保留。")
