"""Pages of micro-wishes (微心愿): the list, registering one for a child, claiming, fulfilling,
cancelling. Only care roles that reach the child change a wish."""
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import allowed, requires
from shouhu.core.errors import ServiceError
from shouhu.core.forms import apply_errors
from shouhu.regions.models import code_range
from shouhu.registry.selectors import children_visible_to

from ..pages import PAGE_SIZE, base_query, code_param, filter_regions, local_next, page_of, today
from ..selectors import child_in, record_for
from . import selectors, services
from .forms import WishClaimForm, WishForm, WishFulfilForm
from .models import Wish

WISH_STATUSES = [(s.value, s.label) for s in Wish.Status]


@requires("sees_children")
def wish_list(request):
    actor = request.user
    qs = selectors.wishes_visible_to(actor).select_related("child__village__parent", "child__school")
    status = request.GET.get("status", "")
    if status in dict(WISH_STATUSES):
        qs = qs.filter(status=status)
    region = code_param(request.GET.get("region", ""))
    if region:
        qs = qs.filter(child__village_code__range=code_range(region))
    page = page_of(request, qs.order_by("-created_on", "-id"))
    can_care = allowed(actor, "can_care")
    mine = set()
    if can_care:
        mine = set(children_visible_to(actor, flag="can_care").filter(pk__in=[w.child_id for w in page]).values_list("pk", flat=True))
    counts = dict(selectors.wishes_visible_to(actor).values_list("status").annotate(n=Count("pk")).order_by())
    return render(request, "care/wish_list.html", {
        "page": page, "base_query": base_query(request), "status": status, "statuses": WISH_STATUSES, "region": region,
        "regions": filter_regions(actor), "mine": mine, "counts": counts, "can_care": can_care,
    })


@requires("can_care")
def wish_create(request, uid):
    child = child_in(request.user, uid, "can_care")
    form = WishForm(request.POST or None, initial={"created_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            wish = services.wish_create(actor=request.user, child=child, text=form.cleaned_data["text"],
                                        created_on=form.cleaned_data["created_on"])
        except ServiceError as exc:
            apply_errors(form, exc, "text")
        else:
            messages.success(request, f"已登记 {child.name} 的微心愿：{wish.text}")
            return redirect("registry:detail", uid=child.uid)
    wishes = Wish.objects.filter(child=child).order_by("-created_on", "-id")[:PAGE_SIZE]
    return render(request, "care/wish_form.html", {"form": form, "child": child, "wishes": wishes})


def _care_wish(actor, pk) -> Wish:
    return record_for(selectors.wishes_visible_to(actor, flag="can_care").select_related("child__village"), pk)


def _wish_action(request, pk, *, form_class, initial, save, title: str, done: str, default_field: str):
    wish = _care_wish(request.user, pk)
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(wish, form.cleaned_data)
        except ServiceError as exc:
            apply_errors(form, exc, default_field)
        else:
            messages.success(request, f"{done}：{wish.child.name} 的心愿“{wish.text}”")
            return redirect(local_next(request) or reverse("care:wishes"))
    return render(request, "care/wish_action.html", {"form": form, "wish": wish, "title": title, "next": local_next(request),
                                                     "back": local_next(request) or reverse("care:wishes")})


@requires("can_care")
def wish_claim(request, pk):
    def save(wish, d):
        services.wish_claim(actor=request.user, wish=wish, donor_name=d["donor_name"], donor_phone=d["donor_phone"],
                            donor_unit=d["donor_unit"], on=d["claimed_on"])

    return _wish_action(request, pk, form_class=WishClaimForm, initial={"claimed_on": today()}, save=save, title="认领心愿",
                        done="已认领", default_field="donor_name")


@requires("can_care")
def wish_fulfil(request, pk):
    def save(wish, d):
        services.wish_fulfil(actor=request.user, wish=wish, on=d["fulfilled_on"], note=d["note"])

    return _wish_action(request, pk, form_class=WishFulfilForm, initial={"fulfilled_on": today()}, save=save, title="心愿已实现",
                        done="已实现", default_field="fulfilled_on")


@requires("can_care")
@require_POST
def wish_cancel(request, pk):
    wish = _care_wish(request.user, pk)
    try:
        services.wish_cancel(actor=request.user, wish=wish)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已取消：{wish.child.name} 的心愿“{wish.text}”")
    return redirect(local_next(request) or reverse("care:wishes"))
