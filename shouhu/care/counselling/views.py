"""Pages of counselling (心理辅导): for counsellors only; everyone else gets the 404 of a missing page."""
from django.contrib import messages
from django.shortcuts import redirect, render

from shouhu.accounts.permissions import requires
from shouhu.audit.services import log_access
from shouhu.core.errors import ServiceError
from shouhu.core.forms import apply_errors

from ..pages import base_query, page_of, today
from ..selectors import child_in, record_for
from . import selectors, services
from .forms import CounsellingForm


@requires("counsellor")
def counselling_list(request):
    actor = request.user
    qs = selectors.counselling_visible_to(actor).select_related("child__village", "child__school", "child__school_class", "counsellor")
    risk = request.GET.get("risk", "")
    if risk in ("低", "中", "高"):
        qs = qs.filter(risk=risk)
    child = None
    uid = request.GET.get("child", "")
    if uid:
        child = child_in(actor, uid, "counsellor")
        qs = qs.filter(child=child)
    mine = request.GET.get("mine") == "1"
    if mine:
        qs = qs.filter(counsellor=actor)
    return render(request, "care/counselling_list.html", {
        "page": page_of(request, qs.order_by("-date", "-id")), "base_query": base_query(request), "risk": risk, "child": child,
        "mine": mine,
    })


@requires("counsellor")
def counselling_create(request, uid):
    actor = request.user
    child = child_in(actor, uid, "counsellor")
    form = CounsellingForm(request.POST or None, initial={"date": today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s = services.counselling_record(actor=actor, child=child, date=d["date"], topic=d["topic"], notes=d["notes"], risk=d["risk"],
                                            next_date=d["next_date"])
        except ServiceError as exc:
            apply_errors(form, exc, "notes")
        else:
            messages.success(request, f"已保存 {child.name} 的辅导记录")
            return redirect("care:counselling_detail", pk=s.pk)
    previous = selectors.counselling_visible_to(actor).filter(child=child).order_by("-date", "-id")[:10]
    return render(request, "care/counselling_form.html", {"form": form, "child": child, "previous": previous})


@requires("counsellor")
def counselling_detail(request, pk):
    actor = request.user
    qs = selectors.counselling_visible_to(actor).select_related("child__village", "child__school", "child__school_class", "counsellor")
    s = record_for(qs, pk)
    log_access(actor=actor, action="view", child=s.child, detail="查看心理辅导记录", confidential=True, request=request)
    others = selectors.counselling_visible_to(actor).filter(child=s.child).exclude(pk=s.pk).order_by("-date", "-id")[:10]
    return render(request, "care/counselling_detail.html", {"s": s, "child": s.child, "others": others})
