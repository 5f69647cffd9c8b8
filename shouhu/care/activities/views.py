"""Pages of care activities (关爱活动): the list, registering one, and its participants (care roles
tick the children of their scope)."""
import uuid

from django.contrib import messages
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import allowed, requires
from shouhu.accounts.scope import scope_of
from shouhu.core.errors import NotFound, ServiceError
from shouhu.core.forms import apply_errors
from shouhu.regions.models import code_range
from shouhu.regions.selectors import regions_visible_to, schools_visible_to
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to

from ..forms import region_label
from ..pages import base_query, code_param, filter_regions, int_param, page_of, region_q, today
from . import selectors, services
from .forms import ActivityForm, activity_regions
from .models import Activity, Participation


@requires("sees_children")
def activity_list(request):
    actor = request.user
    qs = selectors.activities_visible_to(actor).select_related("region")
    kind = request.GET.get("kind", "")
    if kind in dict(Activity.KINDS):
        qs = qs.filter(kind=kind)
    region = code_param(request.GET.get("region", ""))
    if region:
        qs = qs.filter(region_q(region, school_field=None))
    year = int_param(request.GET.get("year"))
    if year:
        qs = qs.filter(date__year=year)
    n = Participation.objects.filter(activity=OuterRef("pk")).order_by().values("activity").annotate(n=Count("pk")).values("n")
    qs = qs.annotate(n_children=Coalesce(Subquery(n, output_field=IntegerField()), Value(0))).order_by("-date", "-id")
    this_year = today().year
    return render(request, "care/activity_list.html", {
        "page": page_of(request, qs), "base_query": base_query(request), "kinds": Activity.KINDS, "kind": kind, "region": region,
        "regions": filter_regions(actor), "year": year, "years": range(this_year, this_year - 5, -1),
        "can_create": allowed(actor, "can_care") and activity_regions(actor).exists(),
    })


@requires("can_care")
def activity_create(request):
    actor = request.user
    regions = activity_regions(actor)
    if not regions.exists():
        raise Http404
    initial = {"date": today(), "region": regions.first()}  # the widest region first (codes are prefixes)
    form = ActivityForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_save(actor=actor, activity=form.save(commit=False))
        except ServiceError as exc:
            apply_errors(form, exc, "title")
        else:
            messages.success(request, f"已登记活动：{activity.title}。请勾选参加的儿童。")
            return redirect("care:activity_detail", pk=activity.pk)
    return render(request, "care/activity_form.html", {"form": form})


def _activity_ctx(request, activity: Activity) -> dict:
    """The participants the actor may see (others are only counted) and, for care roles, the
    children to tick: the actor's care scope filtered by village / school."""
    actor = request.user
    scope = scope_of(actor)
    parts = Participation.objects.filter(activity=activity)
    shown = parts.filter(child__in=children_visible_to(actor).values("id")).select_related("child__village", "child__school", "child__school_class")
    shown = shown.order_by("child__village_code", "child__name_pinyin", "child_id")
    total = parts.count()
    people = page_of(request, shown, "ppage")
    ctx = {"activity": activity, "people": people, "n_total": total, "n_other": total - people.paginator.count,
           "people_query": base_query(request, "ppage", "part"), "can_add": scope.has("can_care")}
    if ctx["can_add"]:
        g = request.GET
        village = code_param(g.get("village", ""))
        school = int_param(g.get("school"))
        qs = children_visible_to(actor, flag="can_care").filter(status=Child.Status.ACTIVE)
        if village:
            qs = qs.filter(village_code__range=code_range(village))
        if school:
            qs = qs.filter(school_id=school)
        qs = qs.select_related("village", "school", "school_class").order_by("village_code", "name_pinyin", "id")
        cands = page_of(request, qs, "cpage")
        have = set(parts.filter(child_id__in=[c.pk for c in cands]).values_list("child_id", flat=True))
        villages = [] if scope.limited_fields else regions_visible_to(actor).filter(level=5).select_related("parent")
        schools = [] if scope.limited_fields else schools_visible_to(actor)
        params = g.copy()
        for k in ("cpage", "ppage", "page", "part"):
            params.pop(k, None)
        ctx.update(cands=cands, have=have, village=village, school=school, villages=villages, schools=schools,
                   cand_query=params.urlencode(), region_label=region_label)
    return ctx


# An activity names its participants: whoever sees children may open one the selector lets
# through (its region, a child of theirs, or their own).
@requires("sees_children")
def activity_detail(request, pk):
    activity = selectors.activity_for(request.user, pk)
    ctx = _activity_ctx(request, activity)
    if request.htmx and request.GET.get("part") == "candidates" and ctx["can_add"]:
        return render(request, "care/activity_candidates.html", ctx)
    if request.htmx and request.GET.get("part") == "people":
        return render(request, "care/activity_people.html", ctx)
    return render(request, "care/activity_detail.html", ctx)


@requires("can_care")
@require_POST
def activity_participants(request, pk):
    actor = request.user
    activity = selectors.activity_for(actor, pk)
    uids = set()
    for v in request.POST.getlist("child"):
        try:
            uids.add(uuid.UUID(v))
        except ValueError:
            raise NotFound("未找到该儿童") from None
    children = list(children_visible_to(actor, flag="can_care").filter(uid__in=uids))
    if len(children) != len(uids):
        raise NotFound("未找到该儿童")
    if not children:
        messages.warning(request, "请先勾选参加活动的儿童")
    else:
        added = services.add_participants(actor=actor, activity=activity, children=children)
        messages.success(request, f"已添加 {added} 名参加儿童" + (f"（{len(children) - added} 名已在名单中）" if added < len(children) else ""))
    if request.htmx:
        ctx = _activity_ctx(request, activity)
        ctx["flash"] = True
        return render(request, "care/activity_people.html", ctx)
    return redirect(reverse("care:activity_detail", args=[activity.pk]) + "#people")
