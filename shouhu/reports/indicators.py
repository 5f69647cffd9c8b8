"""The 考核 indicator the monthly report holds (`rules.evaluation.INDICATORS["reports"]`): of the
months of the period whose deadline has passed, those each township submitted on time."""
from datetime import date

from django.utils import timezone

from shouhu.regions.models import Region

from . import rules
from .models import Submission
from .selectors import deadline_day


def _months(first: date, last: date):
    m = rules.month_start(first)
    while m <= last:
        yield m
        m = rules.add_months(m, 1)


def reports_counts(*, first, last, today) -> dict:
    day = deadline_day()
    due = [m for m in _months(first, last) if rules.deadline(m, day) < today]
    if not due:
        return {"places": {}, "schools": {}}
    on = {}
    for s in Submission.objects.filter(kind=Submission.Kind.MONTHLY, month__in=due).order_by("submitted_at").values("township__code", "month", "submitted_at"):
        on.setdefault((s["township__code"], s["month"]), timezone.localtime(s["submitted_at"]).date())  # the first submission counts
    places = {}
    for code in Region.objects.filter(level=4).values_list("code", flat=True):
        n = sum(1 for m in due if on.get((code, m)) is not None and on[(code, m)] <= rules.deadline(m, day))
        places[code.ljust(12, "0")] = (n, len(due))
    return {"places": places, "schools": {}}
