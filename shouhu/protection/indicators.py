"""The 考核 indicator protection holds (`rules.evaluation.INDICATORS["alerts"]`): of the red alerts
opened in the period, those acknowledged within the county's time limit — by village."""
from datetime import datetime, time, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from .models import Alert, AlertSetting


def alerts_counts(*, first, last, today) -> dict:
    limit = AlertSetting.current().red_ack
    tz = timezone.get_current_timezone()
    start, end = datetime.combine(first, time.min, tz), datetime.combine(last + timedelta(days=1), time.min, tz)
    rows = (Alert.objects.filter(level="red", opened_at__gte=start, opened_at__lt=end).values("village_code")
            .annotate(d=Count("id"), n=Count("id", filter=Q(acknowledged_at__lte=F("opened_at") + limit))).order_by())
    return {"places": {r["village_code"]: (r["n"], r["d"]) for r in rows}, "schools": {}}
