"""What care work knows about a child that the early-warning rules read (`rules.alerts`, the
facts list): recent visits' concerns, counselling sessions assessed 高 (the date only, never the
notes), family contact gaps and overdue visits; and for the 控辍保学 check (docs/domain.md, "Keeping
children in school") `dropout_sign`: (visit id, date) of the latest visit of the last
`DROPOUT_SIGN_DAYS` days that noted 辍学迹象. Registered with the registry's fact hooks, so the
protection app reads them without importing care."""
from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Min

from shouhu.rules import alerts as A
from shouhu.rules import care as R

from .counselling.models import CounsellingSession
from .dues.models import CareStatus, VisitDue
from .visits.models import Visit

DROPOUT_SIGN = "辍学迹象"
DROPOUT_SIGN_DAYS = 30
assert DROPOUT_SIGN in R.CONCERNS


def dropout_signs(*, today: date, child_ids=None) -> dict[int, tuple[int, date]]:
    """{child id: (visit id, date)}: the latest visit of the last 30 days noting 辍学迹象 (the
    concerns are a JSON list: read and filtered here, the same on SQLite and PostgreSQL)."""
    qs = Visit.objects.filter(date__gte=today - timedelta(days=DROPOUT_SIGN_DAYS), date__lte=today)
    if child_ids is not None:
        qs = qs.filter(child_id__in=list(child_ids))
    out: dict[int, tuple[int, date]] = {}
    for visit_id, child_id, on, concerns in qs.order_by("date", "id").values_list("id", "child_id", "date", "concerns").iterator(5000):
        if concerns and DROPOUT_SIGN in concerns:
            out[child_id] = (visit_id, on)
    return out


def care_facts(child_ids, *, today: date) -> dict[int, dict]:
    ids = list(child_ids)
    since = today - timedelta(days=A.EVENT_WINDOW_DAYS)
    out: dict[int, dict] = defaultdict(dict)
    latest_seen: set[int] = set()
    rows = (Visit.objects.filter(child_id__in=ids, date__gte=since).order_by("child_id", "-date", "-id")
            .values_list("id", "child_id", "date", "concerns"))
    for visit_id, child_id, on, concerns in rows:
        concerns = concerns or []
        facts = out[child_id]
        if child_id not in latest_seen:  # the latest visit says whether the housing is (still) unsafe
            latest_seen.add(child_id)
            if A.HOUSING_CONCERN in concerns:
                facts["housing_unsafe"] = (visit_id, on)
        if DROPOUT_SIGN in concerns and (today - on).days <= DROPOUT_SIGN_DAYS and on <= today:
            facts.setdefault("dropout_sign", (visit_id, on))  # recent first: the latest
        if any(c in A.RED_CONCERNS for c in concerns):
            facts.setdefault("visit_concerns", []).append((visit_id, on, concerns))
    for session_id, child_id, on in (CounsellingSession.objects.filter(child_id__in=ids, risk="高", date__gte=since)
                                     .order_by("child_id", "-date").values_list("id", "child_id", "date")):
        out[child_id].setdefault("counselling_high", []).append((session_id, on))
    for child_id, active, needs, last, started in (CareStatus.objects.filter(child_id__in=ids)
                                                   .values_list("child_id", "active", "needs_contact", "last_contact", "since")):
        base = last or started
        out[child_id]["contact_gap_days"] = (today - base).days if active and needs and base else None
    for child_id, due in (VisitDue.objects.filter(child_id__in=ids, helper__isnull=True, due__lt=today)
                          .values("child_id").annotate(first=Min("due")).values_list("child_id", "first").order_by()):
        out[child_id]["visit_overdue_days"] = (today - due).days
    for child_id in ids:
        out[child_id].setdefault("visit_overdue_days", None)
        out[child_id].setdefault("contact_gap_days", None)
    return dict(out)
