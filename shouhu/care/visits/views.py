"""Pages of visits and family contact. Every child comes from the scope selectors: another
village's child is a 404 like a missing one."""
from datetime import date

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from shouhu.accounts.permissions import requires
from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core.errors import ServiceError
from shouhu.core.forms import apply_errors
from shouhu.regions.models import code_range
from shouhu.regions.selectors import regions_visible_to
from shouhu.registry.fields import visible_fields
from shouhu.rules import care as R

from ..helpers.models import Helper, Pairing
from ..pages import next_url, page_of
from ..selectors import child_in, record_for, roles_for
from . import selectors, services
from .export import visits_workbook
from .forms import ContactForm, VisitForm

# -- sent from the phone's queue (docs/domain.md "Working without signal") -------------------------
# The page's script queues a form on the phone first and then posts it with this header; the
# answer is JSON the queue can act on: saved (with the record already saved under the same key,
# and any conflict), or the form's errors. Without the header the forms work as plain pages.
QUEUE_HEADER = "X-Shouhu-Queue"


def _queued(request) -> bool:
    return request.headers.get(QUEUE_HEADER) == "1"


def _saved(request, record, *, text: str, conflict: str, default_next: str):
    """The answer to a saved form: a page message (and the conflict as a warning) for the next page,
    plus, to the queue, JSON saying so."""
    if record.replayed:
        text = "这条记录此前已上传保存，没有重复保存。" + text
    messages.success(request, text)
    if conflict:
        messages.warning(request, "冲突：" + conflict)
    nxt = next_url(request, default_next)
    if _queued(request):
        return JsonResponse({"saved": True, "id": record.pk, "replayed": record.replayed, "message": text, "conflict": conflict,
                             "next": nxt})
    return redirect(nxt)


def _invalid(form):
    """The queue's answer to a form that was not saved: each field's messages (400)."""
    return JsonResponse({"saved": False, "errors": {k: [str(m) for m in v] for k, v in form.errors.items()}}, status=400)


@requires("can_care")
def visit_create(request, uid):
    child = child_in(request.user, uid, "can_care")
    roles = roles_for(request.user, child)
    helpers = Helper.objects.filter(pairings__in=Pairing.objects.active_on(timezone.localdate()).filter(child=child)).distinct()
    form = VisitForm(request.POST or None, request.FILES or None, roles=roles, helpers=helpers)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit = services.visit_record(
                actor=request.user, child=child, date=d["date"], mode=d["mode"], role=d.get("role") or None, helper=d.get("helper"),
                areas={k: d.get(k, "") for k, _ in R.VISIT_AREAS}, concerns=d.get("concerns") or [], needs=d.get("needs", ""),
                actions=d.get("actions", ""), follow_up=d.get("follow_up", ""), follow_up_date=d.get("follow_up_date"),
                photos=request.FILES.getlist("photos"), client_key=d.get("client_key"),
            )
        except ServiceError as exc:
            apply_errors(form, exc)
        else:
            return _saved(request, visit, text=f"已记录对{child.name}的走访（{visit.date:%Y-%m-%d}）。",
                          conflict=selectors.visit_conflict(visit, opened_at=d.get("opened_at")),
                          default_next=reverse("registry:detail", args=[child.uid]))
    if request.method == "POST" and _queued(request):
        return _invalid(form)
    return render(request, "care/visit_form.html", {"form": form, "child": child, "next": next_url(request, "")})


def _visits_filtered(request):
    qs = selectors.visits_visible_to(request.user).select_related("child__village__parent")
    g = request.GET
    region = g.get("region", "")
    if region.isdigit():
        qs = qs.filter(child__village_code__range=code_range(region))
    if g.get("mode") in R.VISIT_MODES:
        qs = qs.filter(mode=g["mode"])
    if g.get("concerns") == "1":
        qs = qs.exclude(concerns=[])
    if g.get("mine") == "1":
        qs = qs.filter(visitor=request.user)
    for key, lookup in (("from", "date__gte"), ("to", "date__lte")):
        try:
            if g.get(key):
                qs = qs.filter(**{lookup: date.fromisoformat(g[key])})
        except ValueError:
            pass
    return qs.order_by("-date", "-id")


@requires("sees_children")
def visit_list(request):
    scope = scope_of(request.user)
    g = request.GET
    qs = _visits_filtered(request)
    if g.get("export") == "xlsx" and not scope.limited_fields:
        return _visits_export(request, qs)
    page = page_of(request, qs)
    params = g.copy()
    params.pop("page", None)
    regions = regions_visible_to(request.user).filter(level__in=[4, 5]).select_related("parent") if not scope.limited_fields else []
    return render(request, "care/visit_list.html", {"page": page, "modes": R.VISIT_MODES, "regions": regions, "f": g,
                                                    "base_query": params.urlencode(), "scope": scope})


def _visits_export(request, qs):
    when = timezone.localtime()
    label = "走访记录（按当前筛选条件）"
    data, n = visits_workbook(qs, who=str(request.user), when=when, label=label)
    log_access(actor=request.user, action="export", scope=label, detail=f"导出走访记录 {n} 条", request=request)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''visits-{when:%Y%m%d-%H%M}.xlsx"
    return response


# Without sees_children the visits selector is empty anyway: the need only says so up front.
@requires("sees_children")
def visit_detail(request, pk):
    visit = record_for(selectors.visits_visible_to(request.user).select_related("child__village__parent", "helper"), pk)
    log_access(actor=request.user, action="view", child=visit.child, detail="查看走访记录", request=request)
    return render(request, "care/visit_detail.html", {"visit": visit, "areas": [(label, getattr(visit, k)) for k, label in R.VISIT_AREAS]})


@requires("sees_children")
def visit_photo(request, pk, photo):
    visit = record_for(selectors.visits_visible_to(request.user), pk)
    p = visit.photos.filter(pk=photo).first()
    if p is None:
        raise Http404
    log_access(actor=request.user, action="view", child=visit.child, detail="查看走访照片", request=request)
    return FileResponse(p.file.open("rb"), as_attachment=False)


@requires("can_care")
def contact_create(request, uid):
    child = child_in(request.user, uid, "can_care")
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            contact = services.contact_record(actor=request.user, child=child, date=d["date"], kind=d["kind"], with_whom=d["with_whom"],
                                              place=d.get("place", ""), minutes=d.get("minutes"), note=d.get("note", ""),
                                              client_key=d.get("client_key"))
        except ServiceError as exc:
            apply_errors(form, exc)
        else:
            return _saved(request, contact, text=f"已记录{child.name}的亲情联系（{contact.date:%Y-%m-%d}，{contact.kind}）。",
                          conflict=selectors.contact_conflict(contact, opened_at=d.get("opened_at")),
                          default_next=reverse("registry:detail", args=[child.uid]))
    if request.method == "POST" and _queued(request):
        return _invalid(form)
    # the numbers to call from this page, as far as the reader's field set shows them (registry.fields)
    allowed = visible_fields(scope_of(request.user))
    phones = [(label, name, getattr(child, f"{p}_phone")) for p, label, name in (
        ("father", "父亲", child.father_name), ("mother", "母亲", child.mother_name), ("carer", "照护人", child.carer_name))
        if getattr(child, f"{p}_phone") and (allowed is None or f"{p}_phone" in allowed)]
    return render(request, "care/contact_form.html", {"form": form, "child": child, "next": next_url(request, ""), "phones": phones})


@requires("care_work")
def queue(request):
    """待上传: the records waiting on this phone. The list itself is read by the page's script from
    the phone's own store (the server has not seen them yet); this is the page around it."""
    return render(request, "care/queue.html")


@never_cache
@requires("care_work")
def queue_token(request):
    """Asked by the queue just before it sends: who is signed in now (a record waits for the user
    who made it) and a CSRF token valid for this session (the one in a page cached hours ago may not be)."""
    return JsonResponse({"user": request.user.pk, "csrf": get_token(request)})
