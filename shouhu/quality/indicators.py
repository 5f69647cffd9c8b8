"""The 考核 indicator this app holds (`rules.evaluation.INDICATORS["quality"]`): of the children in
the register, those without an open error-level issue — by village and by school, as of now (the
scoreboard freezes it at the period's end)."""
from django.db.models import Count, Q

from shouhu.registry.models import Child

from .models import Issue


def quality_counts(*, first, last, today) -> dict:
    bad = Issue.objects.filter(status=Issue.Status.OPEN, level="error").values("child_id")
    active = Child.objects.filter(status=Child.Status.ACTIVE, merged_into__isnull=True)
    agg = {"d": Count("id"), "n": Count("id", filter=~Q(id__in=bad))}
    places = {r["village_code"]: (r["n"], r["d"]) for r in active.values("village_code").annotate(**agg).order_by()}
    schools = {r["school_id"]: (r["n"], r["d"]) for r in active.filter(school__isnull=False).values("school_id").annotate(**agg).order_by()}
    return {"places": places, "schools": schools}
