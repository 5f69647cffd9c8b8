"""Pages of helpers (帮扶人) with their trainings and service hours, and of pairing. Every helper and
pairing comes through the scope selectors, so "missing" and "not yours" are the same 404."""
from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import allowed, requires
from shouhu.core.errors import NotFound, ServiceError
from shouhu.core.forms import apply_errors
from shouhu.core.searches import redirect_to_search, refuse_in_url, searched
from shouhu.core.versions import Stale
from shouhu.rules import care as R

from ..common import groups_of
from ..pages import PAGE_SIZE, base_query, code_param, filter_regions, page_of, region_q, today
from ..selectors import child_in, record_for
from . import selectors, services
from .forms import HelperForm, PairingEndForm, PairingForm, ServiceForm, TrainingForm
from .models import Helper, Pairing


@requires("sees_children")
def helper_list(request):
    if request.method == "POST":  # a helper's name is searched for by POST: never in the URL (core.searches)
        return redirect_to_search(request, reverse("care:helpers"), personal=("name",))
    refuse_in_url(request, ("name",))
    g = request.GET
    qs = selectors.helpers_visible_to(request.user)
    kind = g.get("kind", "")
    if kind in dict(Helper.KINDS):
        qs = qs.filter(kind=kind)
    region = code_param(g.get("region", ""))
    if region:
        qs = qs.filter(region_q(region))
    name = searched(request, "name").strip()[:32]
    if name:
        qs = qs.filter(name__contains=name)
    state = g.get("state", "active")
    if state == "active":
        qs = qs.filter(active=True)
    elif state == "inactive":
        qs = qs.filter(active=False)
    page = page_of(request, selectors.with_totals(qs).order_by("name", "id"))
    return render(request, "care/helper_list.html", {
        "page": page, "base_query": base_query(request), "kinds": Helper.KINDS, "kind": kind, "region": region, "name": name,
        "state": state, "regions": filter_regions(request.user), "can_create": allowed(request.user, "can_pair"),
    })


@requires("can_pair")
def helper_create(request):
    form = HelperForm(request.POST or None, actor=request.user, initial={"registered_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            helper = services.helper_save(actor=request.user, helper=form.save(commit=False))
        except ServiceError as exc:
            apply_errors(form, exc, "region")
        else:
            messages.success(request, f"已登记帮扶人：{helper.name}")
            return redirect("care:helper_detail", pk=helper.pk)
    return render(request, "care/helper_form.html", {"form": form, "creating": True})


@requires("can_pair")
def helper_edit(request, pk):
    qs = selectors.helpers_visible_to(request.user).filter(selectors.helpers_editable_q(request.user))
    helper = record_for(qs, pk)
    form = HelperForm(request.POST or None, instance=helper, actor=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            helper = services.helper_save(actor=request.user, helper=form.save(commit=False), expected_version=form.expected_version())
        except Stale:
            # saved by someone else since this form was opened: keep what was typed, show what is
            # saved now where it differs, and base the form on the new version
            current = Helper.objects.get(pk=helper.pk)
            conflict = form.differences(current)
            form.rebase(current.version)
        except ServiceError as exc:
            apply_errors(form, exc, "region")
        else:
            messages.success(request, f"已保存：{helper.name}")
            return redirect("care:helper_detail", pk=helper.pk)
    return render(request, "care/helper_form.html", {"form": form, "helper": helper, "creating": False, "conflict": conflict},
                  status=409 if conflict is not None else 200)


def _helper_page(request, helper: Helper, *, training_form=None, service_form=None, status=200):
    actor = request.user
    can_edit = selectors.helper_editable(actor, helper)
    can_log = can_edit or helper.user_id == actor.pk
    pairings = list(selectors.pairings_visible_to(actor).filter(helper=helper)
                    .select_related("child__village", "child__school", "child__school_class").order_by("-start", "-id"))
    day = today()
    active = [p for p in pairings if p.start <= day and (p.end is None or p.end >= day)]
    other = [p for p in pairings if p not in active]
    totals = helper.services.aggregate(hours=Sum("hours"), n=Count("pk"))
    trainings = helper.trainings.all()
    ctx = {
        "helper": helper, "can_edit": can_edit, "can_log": can_log, "active_pairings": active, "other_pairings": other,
        "trainings": trainings[:PAGE_SIZE], "n_trainings": trainings.count(),
        "training_hours": trainings.aggregate(s=Sum("hours"))["s"] or 0,
        "services": page_of(request, helper.services.select_related("created_by")), "base_query": base_query(request),
        "service_hours": totals["hours"] or 0, "n_services": totals["n"],
        "can_pair": allowed(actor, "can_pair"),
        "training_form": training_form or (TrainingForm(initial={"training_date": day}) if can_edit else None),
        "service_form": service_form or (ServiceForm(initial={"service_date": day}) if can_log else None),
    }
    return render(request, "care/helper_detail.html", ctx, status=status)


# Helpers' records are care records: whoever sees children (a helper with an account among them,
# who opens their own); the selector decides which.
@requires("sees_children")
def helper_detail(request, pk):
    helper = record_for(selectors.helpers_visible_to(request.user), pk)
    return _helper_page(request, helper)


@requires("can_pair")
@require_POST
def training_add(request, pk):
    qs = selectors.helpers_visible_to(request.user).filter(selectors.helpers_editable_q(request.user))
    helper = record_for(qs, pk)
    return _helper_record(request, helper, TrainingForm(request.POST), services.training_add, "training_form", "topic", "trainings",
                          lambda d: f"已记录培训：{d['topic']}")


# Whoever manages the helper, or the helper themself: decided on the record below.
@requires("care_work")
@require_POST
def service_add(request, pk):
    helper = record_for(selectors.helpers_visible_to(request.user), pk)
    if not (selectors.helper_editable(request.user, helper) or helper.user_id == request.user.pk):
        raise NotFound("未找到该记录")
    return _helper_record(request, helper, ServiceForm(request.POST), services.service_add, "service_form", "content", "services",
                          lambda d: f"已记录服务时长 {d['service_hours']} 小时")


def _helper_record(request, helper, form, write, form_name: str, error_field: str, anchor: str, done):
    """A training or service-hours line added on the helper's page: saved, or the page again with the form's errors."""
    if form.is_valid():
        try:
            write(actor=request.user, helper=helper, **form.values())
        except ServiceError as exc:
            apply_errors(form, exc, error_field)
        else:
            messages.success(request, done(form.cleaned_data))
            return redirect(reverse("care:helper_detail", args=[helper.pk]) + f"#{anchor}")
    return _helper_page(request, helper, **{form_name: form})


@requires("can_pair")
def pairing_create(request, uid):
    actor = request.user
    child = child_in(actor, uid, "can_pair")
    helpers = (selectors.helpers_visible_to(actor).filter(selectors.helpers_editable_q(actor) | Q(user_id=actor.pk), active=True)
               .order_by("name", "id"))
    key = sorted(R.ONE_TO_ONE_GROUPS & groups_of(child))
    form = PairingForm(request.POST or None, helpers=helpers, initial={"start": today(), "mode": "一对一"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = services.pairing_create(actor=actor, child=child, helper=d["helper"], mode=d["mode"], start=d["start"], note=d["note"])
        except ServiceError as exc:
            apply_errors(form, exc, "helper")
        else:
            messages.success(request, f"已结对：{result.pairing.helper.name}（{result.pairing.mode}）帮扶 {child.name}")
            if result.warning:
                messages.warning(request, result.warning)
            return redirect("registry:detail", uid=child.uid)
    current = Pairing.objects.active_on(today()).filter(child=child).select_related("helper").order_by("start")
    return render(request, "care/pairing_form.html", {
        "form": form, "child": child, "current": current, "key_groups": [R.GROUPS[g] for g in key],
        "no_helpers": not helpers.exists(),
    })


@requires("can_pair")
def pairing_end(request, pk):
    actor = request.user
    pairing = record_for(selectors.pairings_visible_to(actor, flag="can_pair").select_related("helper", "child"), pk)
    form = PairingEndForm(request.POST or None, initial={"end": today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if pairing.end and pairing.end <= today():
            form.add_error("end", f"该结对已于{pairing.end:%Y-%m-%d}结束")
        else:
            try:
                services.pairing_end(actor=actor, pairing=pairing, end=d["end"], reason=d["reason"])
            except ServiceError as exc:
                apply_errors(form, exc, "end")
            else:
                messages.success(request, f"已结束结对：{pairing.helper.name} 帮扶 {pairing.child.name}")
                return redirect("registry:detail", uid=pairing.child.uid)
    return render(request, "care/pairing_end.html", {"form": form, "pairing": pairing, "child": pairing.child})
