"""The 考核 indicators care holds (`rules.evaluation.INDICATORS`): visits not overdue, family contact
not overdue, key children with a one-to-one helper — by village and by school, read from the
maintained due tables as of the period's end (or today, within the period)."""
from django.db.models import Count, Q

from .models import CareStatus, VisitDue


def _by(qs, n: Q) -> dict:
    agg = {"d": Count("pk"), "n": Count("pk", filter=n)}
    places = {r["village_code"]: (r["n"], r["d"]) for r in qs.values("village_code").annotate(**agg).order_by()}
    schools = {r["school_id"]: (r["n"], r["d"]) for r in qs.filter(school_id__isnull=False).values("school_id").annotate(**agg).order_by()}
    return {"places": places, "schools": schools}


def visits_counts(*, first, last, today) -> dict:
    return _by(VisitDue.objects.all(), Q(due__gte=min(today, last)))


def contact_counts(*, first, last, today) -> dict:
    return _by(CareStatus.objects.filter(active=True, needs_contact=True), Q(contact_due__gte=min(today, last)))


def one_to_one_counts(*, first, last, today) -> dict:
    return _by(CareStatus.objects.filter(active=True, needs_one_to_one=True), Q(has_one_to_one=True))
