"""Pages of the people and records of care work (DOMAIN §5): helpers (trainings, service hours),
pairing, micro-wishes, activities with their participants, counselling.

Every child and record comes through the scope selectors, so "missing" and "not yours" are the
same 404. Counselling pages exist only for counsellors. Writes go through `care.services`;
their ValidationErrors are shown beside the field they concern."""
import uuid
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.regions.models import Region, code_range
from shouhu.registry.models import Child
from shouhu.registry.selectors import regions_visible_to, schools_visible_to
from shouhu.rules import care as R

from . import selectors, services
from .forms import apply_errors
from .forms_records import (
    ActivityForm,
    CounsellingForm,
    HelperForm,
    PairingEndForm,
    PairingForm,
    ServiceForm,
    TrainingForm,
    WishClaimForm,
    WishForm,
    WishFulfilForm,
    activity_regions,
    region_label,
)
from .models import Activity, Helper, Pairing, Participation, ServiceRecord, Wish

PAGE_SIZE = 30


# -- small helpers ---------------------------------------------------------------------------------
def _page(request, qs, param: str = "page"):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get(param))


def _base_query(request, *drop: str) -> str:
    params = request.GET.copy()
    for k in ("page", *drop):
        params.pop(k, None)
    return params.urlencode()


def _code(v: str) -> str:
    return v if v.isdigit() and len(v) <= 12 else ""


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _region_q(code: str, region_field: str = "region__code", school_field: str | None = "school__region_code") -> Q:
    """Records of a region's subtree (codes are prefixes: `code` ≤ x ≤ code999…)."""
    hi = code_range(code)[1]
    q = Q(**{f"{region_field}__gte": code, f"{region_field}__lte": hi})
    if school_field:
        q |= Q(**{f"{school_field}__gte": code, f"{school_field}__lte": hi})
    return q


def _filter_regions(actor):
    """Townships and villages for a list's region filter."""
    if scope_of(actor).limited_fields:
        return Region.objects.none()
    return regions_visible_to(actor).filter(level__in=[4, 5]).select_related("parent")


def _children_with(actor, flag: str):
    return Child.objects.filter(scope_of(actor).children_q_with(flag)).values("id")


def _visible_children(actor):
    return Child.objects.filter(scope_of(actor).children_q()).values("id")


def _today() -> date:
    return timezone.localdate()


# -- helpers (帮扶人) --------------------------------------------------------------------------------
def _editable(actor, helper: Helper) -> bool:
    return Helper.objects.filter(services.helpers_editable_q(actor), pk=helper.pk).exists()


def _with_totals(qs):
    today = _today()
    pairs = (Pairing.objects.active_on(today).filter(helper=OuterRef("pk")).order_by().values("helper")
             .annotate(n=Count("pk")).values("n"))
    hours = ServiceRecord.objects.filter(helper=OuterRef("pk")).order_by().values("helper").annotate(s=Sum("hours")).values("s")
    return qs.annotate(
        n_pairs=Coalesce(Subquery(pairs, output_field=IntegerField()), Value(0)),
        n_hours=Coalesce(Subquery(hours, output_field=DecimalField(max_digits=9, decimal_places=1)), Value(0),
                         output_field=DecimalField(max_digits=9, decimal_places=1)),
    )


@login_required
def helper_list(request):
    scope = scope_of(request.user)
    if not scope.sees_children:
        raise Http404
    g = request.GET
    qs = selectors.helpers_visible_to(request.user)
    kind = g.get("kind", "")
    if kind in dict(Helper.KINDS):
        qs = qs.filter(kind=kind)
    region = _code(g.get("region", ""))
    if region:
        qs = qs.filter(_region_q(region))
    name = g.get("name", "").strip()[:32]
    if name:
        qs = qs.filter(name__contains=name)
    state = g.get("state", "active")
    if state == "active":
        qs = qs.filter(active=True)
    elif state == "inactive":
        qs = qs.filter(active=False)
    page = _page(request, _with_totals(qs).order_by("name", "id"))
    return render(request, "care/helper_list.html", {
        "page": page, "base_query": _base_query(request), "kinds": Helper.KINDS, "kind": kind, "region": region, "name": name,
        "state": state, "regions": _filter_regions(request.user), "can_create": scope.has("can_pair"),
    })


@login_required
def helper_create(request):
    if not scope_of(request.user).has("can_pair"):
        raise Http404
    form = HelperForm(request.POST or None, actor=request.user, initial={"registered_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            helper = services.helper_save(actor=request.user, helper=form.save(commit=False))
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc, "region")
        else:
            messages.success(request, f"已登记帮扶人：{helper.name}")
            return redirect("care:helper_detail", pk=helper.pk)
    return render(request, "care/helper_form.html", {"form": form, "creating": True})


@login_required
def helper_edit(request, pk):
    qs = selectors.helpers_visible_to(request.user).filter(services.helpers_editable_q(request.user))
    helper = selectors.record_for(request.user, qs, pk)
    form = HelperForm(request.POST or None, instance=helper, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            helper = services.helper_save(actor=request.user, helper=form.save(commit=False))
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc, "region")
        else:
            messages.success(request, f"已保存：{helper.name}")
            return redirect("care:helper_detail", pk=helper.pk)
    return render(request, "care/helper_form.html", {"form": form, "helper": helper, "creating": False})


def _helper_page(request, helper: Helper, *, training_form=None, service_form=None, status=200):
    actor = request.user
    can_edit = _editable(actor, helper)
    can_log = can_edit or helper.user_id == actor.pk
    pairings = list(selectors.pairings_visible_to(actor).filter(helper=helper)
                    .select_related("child__village", "child__school", "child__school_class").order_by("-start", "-id"))
    today = _today()
    active = [p for p in pairings if p.start <= today and (p.end is None or p.end >= today)]
    other = [p for p in pairings if p not in active]
    totals = helper.services.aggregate(hours=Sum("hours"), n=Count("pk"))
    trainings = helper.trainings.all()
    ctx = {
        "helper": helper, "can_edit": can_edit, "can_log": can_log, "active_pairings": active, "other_pairings": other,
        "trainings": trainings[:PAGE_SIZE], "n_trainings": trainings.count(),
        "training_hours": trainings.aggregate(s=Sum("hours"))["s"] or 0,
        "services": _page(request, helper.services.select_related("created_by")), "base_query": _base_query(request),
        "service_hours": totals["hours"] or 0, "n_services": totals["n"],
        "can_pair": scope_of(actor).has("can_pair"),
        "training_form": training_form or (TrainingForm(initial={"training_date": today}) if can_edit else None),
        "service_form": service_form or (ServiceForm(initial={"service_date": today}) if can_log else None),
    }
    return render(request, "care/helper_detail.html", ctx, status=status)


@login_required
def helper_detail(request, pk):
    helper = selectors.record_for(request.user, selectors.helpers_visible_to(request.user), pk)
    return _helper_page(request, helper)


@login_required
@require_POST
def training_add(request, pk):
    qs = selectors.helpers_visible_to(request.user).filter(services.helpers_editable_q(request.user))
    helper = selectors.record_for(request.user, qs, pk)
    form = TrainingForm(request.POST)
    if form.is_valid():
        try:
            services.training_add(actor=request.user, helper=helper, **form.values())
        except ValidationError as exc:
            apply_errors(form, exc, "topic")
        else:
            messages.success(request, f"已记录培训：{form.cleaned_data['topic']}")
            return redirect(reverse("care:helper_detail", args=[helper.pk]) + "#trainings")
    return _helper_page(request, helper, training_form=form)


@login_required
@require_POST
def service_add(request, pk):
    helper = selectors.record_for(request.user, selectors.helpers_visible_to(request.user), pk)
    if not (_editable(request.user, helper) or helper.user_id == request.user.pk):
        raise Http404("未找到该记录")
    form = ServiceForm(request.POST)
    if form.is_valid():
        try:
            services.service_add(actor=request.user, helper=helper, **form.values())
        except ValidationError as exc:
            apply_errors(form, exc, "content")
        else:
            messages.success(request, f"已记录服务时长 {form.cleaned_data['service_hours']} 小时")
            return redirect(reverse("care:helper_detail", args=[helper.pk]) + "#services")
    return _helper_page(request, helper, service_form=form)


# -- pairing (结对帮扶) ------------------------------------------------------------------------------
@login_required
def pairing_create(request, uid):
    actor = request.user
    child = services.child_in(actor, uid, "can_pair")
    helpers = (selectors.helpers_visible_to(actor).filter(services.helpers_editable_q(actor) | Q(user_id=actor.pk), active=True)
               .order_by("name", "id"))
    groups = services.groups_of(child)
    key = sorted(R.ONE_TO_ONE_GROUPS & groups)
    initial = {"start": _today(), "mode": "一对一"}
    form = PairingForm(request.POST or None, helpers=helpers, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = services.pairing_create(actor=actor, child=child, helper=d["helper"], mode=d["mode"], start=d["start"], note=d["note"])
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc, "helper")
        else:
            messages.success(request, f"已结对：{result.pairing.helper.name}（{result.pairing.mode}）帮扶 {child.name}")
            if result.warning:
                messages.warning(request, result.warning)
            return redirect("registry:detail", uid=child.uid)
    current = Pairing.objects.active_on(_today()).filter(child=child).select_related("helper").order_by("start")
    return render(request, "care/pairing_form.html", {
        "form": form, "child": child, "current": current, "key_groups": [R.GROUPS[g] for g in key],
        "no_helpers": not helpers.exists(),
    })


@login_required
def pairing_end(request, pk):
    actor = request.user
    qs = selectors.pairings_visible_to(actor).filter(child__in=_children_with(actor, "can_pair")).select_related("helper", "child")
    pairing = selectors.record_for(actor, qs, pk)
    form = PairingEndForm(request.POST or None, initial={"end": _today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if pairing.end and pairing.end <= _today():
            form.add_error("end", f"该结对已于{pairing.end:%Y-%m-%d}结束")
        else:
            try:
                services.pairing_end(actor=actor, pairing=pairing, end=d["end"], reason=d["reason"])
            except ValidationError as exc:
                apply_errors(form, exc, "end")
            else:
                messages.success(request, f"已结束结对：{pairing.helper.name} 帮扶 {pairing.child.name}")
                return redirect("registry:detail", uid=pairing.child.uid)
    return render(request, "care/pairing_end.html", {"form": form, "pairing": pairing, "child": pairing.child})


# -- micro-wishes (微心愿) ---------------------------------------------------------------------------
WISH_STATUSES = [(s.value, s.label) for s in Wish.Status]


@login_required
def wish_list(request):
    actor = request.user
    scope = scope_of(actor)
    if not scope.sees_children:
        raise Http404
    qs = selectors.wishes_visible_to(actor).select_related("child__village__parent", "child__school")
    status = request.GET.get("status", "")
    if status in dict(WISH_STATUSES):
        qs = qs.filter(status=status)
    region = _code(request.GET.get("region", ""))
    if region:
        qs = qs.filter(child__village_code__range=code_range(region))
    page = _page(request, qs.order_by("-created_on", "-id"))
    mine = set()
    if scope.has("can_care"):
        mine = set(Child.objects.filter(scope.children_q_with("can_care"), pk__in=[w.child_id for w in page])
                   .values_list("pk", flat=True))
    counts = dict(selectors.wishes_visible_to(actor).values_list("status").annotate(n=Count("pk")).order_by())
    return render(request, "care/wish_list.html", {
        "page": page, "base_query": _base_query(request), "status": status, "statuses": WISH_STATUSES, "region": region,
        "regions": _filter_regions(actor), "mine": mine, "counts": counts, "can_care": scope.has("can_care"),
    })


@login_required
def wish_create(request, uid):
    child = services.child_in(request.user, uid, "can_care")
    form = WishForm(request.POST or None, initial={"created_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            wish = services.wish_create(actor=request.user, child=child, text=form.cleaned_data["text"],
                                        created_on=form.cleaned_data["created_on"])
        except ValidationError as exc:
            apply_errors(form, exc, "text")
        else:
            messages.success(request, f"已登记 {child.name} 的微心愿：{wish.text}")
            return redirect("registry:detail", uid=child.uid)
    wishes = Wish.objects.filter(child=child).order_by("-created_on", "-id")[:PAGE_SIZE]
    return render(request, "care/wish_form.html", {"form": form, "child": child, "wishes": wishes})


def _care_wish(actor, pk) -> Wish:
    qs = selectors.wishes_visible_to(actor).filter(child__in=_children_with(actor, "can_care")).select_related("child__village")
    return selectors.record_for(actor, qs, pk)


def _wish_action(request, pk, *, form_class, initial, save, title: str, done: str, default_field: str):
    wish = _care_wish(request.user, pk)
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(wish, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc, default_field)
        else:
            messages.success(request, f"{done}：{wish.child.name} 的心愿“{wish.text}”")
            return redirect(_next(request) or reverse("care:wishes"))
    return render(request, "care/wish_action.html", {"form": form, "wish": wish, "title": title, "next": _next(request),
                                                     "back": _next(request) or reverse("care:wishes")})


def _next(request) -> str:
    """A local page to return to (the list with its filters), never another site."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return nxt if nxt.startswith("/") and not nxt.startswith("//") and "\\" not in nxt else ""


@login_required
def wish_claim(request, pk):
    def save(wish, d):
        services.wish_claim(actor=request.user, wish=wish, donor_name=d["donor_name"], donor_phone=d["donor_phone"],
                            donor_unit=d["donor_unit"], on=d["claimed_on"])

    return _wish_action(request, pk, form_class=WishClaimForm, initial={"claimed_on": _today()}, save=save, title="认领心愿",
                        done="已认领", default_field="donor_name")


@login_required
def wish_fulfil(request, pk):
    def save(wish, d):
        services.wish_fulfil(actor=request.user, wish=wish, on=d["fulfilled_on"], note=d["note"])

    return _wish_action(request, pk, form_class=WishFulfilForm, initial={"fulfilled_on": _today()}, save=save, title="心愿已实现",
                        done="已实现", default_field="fulfilled_on")


@login_required
@require_POST
def wish_cancel(request, pk):
    wish = _care_wish(request.user, pk)
    try:
        services.wish_cancel(actor=request.user, wish=wish)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已取消：{wish.child.name} 的心愿“{wish.text}”")
    return redirect(_next(request) or reverse("care:wishes"))


# -- activities (关爱活动) ---------------------------------------------------------------------------
@login_required
def activity_list(request):
    actor = request.user
    scope = scope_of(actor)
    if not scope.sees_children:
        raise Http404
    qs = selectors.activities_visible_to(actor).select_related("region")
    kind = request.GET.get("kind", "")
    if kind in dict(Activity.KINDS):
        qs = qs.filter(kind=kind)
    region = _code(request.GET.get("region", ""))
    if region:
        qs = qs.filter(_region_q(region, school_field=None))
    year = _int(request.GET.get("year"))
    if year:
        qs = qs.filter(date__year=year)
    n = Participation.objects.filter(activity=OuterRef("pk")).order_by().values("activity").annotate(n=Count("pk")).values("n")
    qs = qs.annotate(n_children=Coalesce(Subquery(n, output_field=IntegerField()), Value(0))).order_by("-date", "-id")
    this_year = _today().year
    return render(request, "care/activity_list.html", {
        "page": _page(request, qs), "base_query": _base_query(request), "kinds": Activity.KINDS, "kind": kind, "region": region,
        "regions": _filter_regions(actor), "year": year, "years": range(this_year, this_year - 5, -1),
        "can_create": scope.has("can_care") and activity_regions(actor).exists(),
    })


@login_required
def activity_create(request):
    actor = request.user
    regions = activity_regions(actor)
    if not scope_of(actor).has("can_care") or not regions.exists():
        raise Http404
    initial = {"date": _today(), "region": regions.first()}  # the widest region first (codes are prefixes)
    form = ActivityForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_save(actor=actor, activity=form.save(commit=False))
        except (ValidationError, PermissionDenied) as exc:
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
    shown = parts.filter(child__in=_visible_children(actor)).select_related("child__village", "child__school", "child__school_class")
    shown = shown.order_by("child__village_code", "child__name_pinyin", "child_id")
    total = parts.count()
    people = _page(request, shown, "ppage")
    ctx = {"activity": activity, "people": people, "n_total": total, "n_other": total - people.paginator.count,
           "people_query": _base_query(request, "ppage", "part"), "can_add": scope.has("can_care")}
    if ctx["can_add"]:
        g = request.GET
        village = _code(g.get("village", ""))
        school = _int(g.get("school"))
        qs = Child.objects.filter(scope.children_q_with("can_care"), status=Child.Status.ACTIVE)
        if village:
            qs = qs.filter(village_code__range=code_range(village))
        if school:
            qs = qs.filter(school_id=school)
        qs = qs.select_related("village", "school", "school_class").order_by("village_code", "name_pinyin", "id")
        cands = _page(request, qs, "cpage")
        have = set(parts.filter(child_id__in=[c.pk for c in cands]).values_list("child_id", flat=True))
        villages = [] if scope.limited_fields else regions_visible_to(actor).filter(level=5).select_related("parent")
        schools = [] if scope.limited_fields else schools_visible_to(actor)
        params = g.copy()
        for k in ("cpage", "ppage", "page", "part"):
            params.pop(k, None)
        ctx.update(cands=cands, have=have, village=village, school=school, villages=villages, schools=schools,
                   cand_query=params.urlencode(), region_label=region_label)
    return ctx


@login_required
def activity_detail(request, pk):
    activity = selectors.activity_for(request.user, pk)
    ctx = _activity_ctx(request, activity)
    if request.htmx and request.GET.get("part") == "candidates" and ctx["can_add"]:
        return render(request, "care/activity_candidates.html", ctx)
    if request.htmx and request.GET.get("part") == "people":
        return render(request, "care/activity_people.html", ctx)
    return render(request, "care/activity_detail.html", ctx)


@login_required
@require_POST
def activity_participants(request, pk):
    actor = request.user
    activity = selectors.activity_for(actor, pk)
    scope = scope_of(actor)
    if not scope.has("can_care"):
        raise Http404("未找到该活动")
    uids = set()
    for v in request.POST.getlist("child"):
        try:
            uids.add(uuid.UUID(v))
        except ValueError:
            raise Http404("未找到该儿童") from None
    children = list(Child.objects.filter(scope.children_q_with("can_care"), uid__in=uids))
    if len(children) != len(uids):
        raise Http404("未找到该儿童")
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


# -- counselling (心理辅导): counsellors only --------------------------------------------------------
def _counsellor(actor) -> None:
    if not scope_of(actor).has("counsellor"):
        raise Http404


@login_required
def counselling_list(request):
    actor = request.user
    _counsellor(actor)
    qs = selectors.counselling_visible_to(actor).select_related("child__village", "child__school", "child__school_class", "counsellor")
    risk = request.GET.get("risk", "")
    if risk in ("低", "中", "高"):
        qs = qs.filter(risk=risk)
    child = None
    uid = request.GET.get("child", "")
    if uid:
        child = services.child_in(actor, uid, "counsellor")
        qs = qs.filter(child=child)
    mine = request.GET.get("mine") == "1"
    if mine:
        qs = qs.filter(counsellor=actor)
    return render(request, "care/counselling_list.html", {
        "page": _page(request, qs.order_by("-date", "-id")), "base_query": _base_query(request), "risk": risk, "child": child,
        "mine": mine,
    })


@login_required
def counselling_create(request, uid):
    actor = request.user
    _counsellor(actor)
    child = services.child_in(actor, uid, "counsellor")
    form = CounsellingForm(request.POST or None, initial={"date": _today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s = services.counselling_record(actor=actor, child=child, date=d["date"], topic=d["topic"], notes=d["notes"], risk=d["risk"],
                                            next_date=d["next_date"])
        except ValidationError as exc:
            apply_errors(form, exc, "notes")
        else:
            messages.success(request, f"已保存 {child.name} 的辅导记录")
            return redirect("care:counselling_detail", pk=s.pk)
    previous = selectors.counselling_visible_to(actor).filter(child=child).order_by("-date", "-id")[:10]
    return render(request, "care/counselling_form.html", {"form": form, "child": child, "previous": previous})


@login_required
def counselling_detail(request, pk):
    actor = request.user
    _counsellor(actor)
    qs = selectors.counselling_visible_to(actor).select_related("child__village", "child__school", "child__school_class", "counsellor")
    s = selectors.record_for(actor, qs, pk)
    log_access(actor=actor, action="view", child=s.child, detail="查看心理辅导记录", request=request)
    others = selectors.counselling_visible_to(actor).filter(child=s.child).exclude(pk=s.pk).order_by("-date", "-id")[:10]
    return render(request, "care/counselling_detail.html", {"s": s, "child": s.child, "others": others})

