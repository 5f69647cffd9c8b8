from datetime import datetime, time

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.accounts.permissions import requires

from .models import AccessLog


def _date(s):
    try:
        return datetime.strptime(s, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        return None


@requires("manages_county")
def access_log(request):
    """County admin only: who viewed or exported which child, filterable."""
    g = request.GET
    qs = AccessLog.objects.select_related("user", "child").order_by("-at", "-id")
    if g.get("user"):
        qs = qs.filter(user__username=g["user"])
    if g.get("action") in AccessLog.Action.values:
        qs = qs.filter(action=g["action"])
    start, end = _date(g.get("from")), _date(g.get("to"))
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(at__gte=datetime.combine(start, time.min, tz))
    if end:
        qs = qs.filter(at__lte=datetime.combine(end, time.max, tz))
    if g.get("child"):
        qs = qs.filter(child__uid=g["child"]) if len(g["child"]) == 36 else qs.filter(child__name=g["child"])
    page = Paginator(qs, 50).get_page(g.get("page"))
    params = g.copy()
    params.pop("page", None)
    return render(request, "audit/log.html", {
        "page": page, "actions": AccessLog.Action.choices, "users": User.objects.order_by("username").values_list("username", flat=True),
        "f": g, "base_query": params.urlencode(),
    })
