from datetime import datetime, time

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from shouhu.accounts.permissions import allowed, requires
from shouhu.accounts.roles import CONFIDENTIAL_ROLES
from shouhu.core.searches import redirect_to_search, refuse_in_url, searched

from .models import AccessLog


def _date(s):
    try:
        return datetime.strptime(s, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        return None


@requires("manages_county")
def access_log(request):
    """County admin only: who viewed or exported which child, who signed in, who changed roles.

    Rows marked confidential (counselling) name the child only to a counsellor: for anyone else
    the row shows who read how much, not which child is in counselling (docs/domain.md, "Privacy"),
    and the child filter does not reach them."""
    if request.method == "POST":  # a child's name is searched for by POST (core.searches); a uid may stay in the URL
        return redirect_to_search(request, reverse("audit:log"), personal=("child",))
    g = request.GET
    child = g.get("child", "").strip()
    if len(child) != 36:
        refuse_in_url(request, ("child",))
        child = searched(request, "child")
    names_confidential = allowed(request.user, "counsellor")
    qs = AccessLog.objects.select_related("child").order_by("-at", "-id")
    if g.get("user"):
        qs = qs.filter(username=g["user"])
    if g.get("action") in AccessLog.Action.values:
        qs = qs.filter(action=g["action"])
    start, end = _date(g.get("from")), _date(g.get("to"))
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(at__gte=datetime.combine(start, time.min, tz))
    if end:
        qs = qs.filter(at__lte=datetime.combine(end, time.max, tz))
    if child:
        qs = qs.filter(child__uid=child) if len(child) == 36 else qs.filter(child__name=child)
        if not names_confidential:
            qs = qs.filter(confidential=False)
    page = Paginator(qs, 50).get_page(g.get("page"))
    params = g.copy()
    params.pop("page", None)
    # every grant and removal of a confidential role, newest first: the county sees who can read what
    confidential_changes = AccessLog.objects.filter(
        action__in=[AccessLog.Action.ROLE_GRANT, AccessLog.Action.ROLE_REVOKE], scope__in=CONFIDENTIAL_ROLES,
    ).order_by("-at", "-id")[:20]
    return render(request, "audit/log.html", {
        "page": page, "actions": AccessLog.Action.choices,
        "users": AccessLog.objects.exclude(username="").order_by("username").values_list("username", flat=True).distinct(),
        "f": {**g.dict(), "child": child}, "base_query": params.urlencode(), "names_confidential": names_confidential,
        "confidential_changes": confidential_changes,
    })
