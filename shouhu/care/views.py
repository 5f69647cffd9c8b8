"""Pages of daily care work: my tasks, visits, family contact, the care month, visit rules.
Every child comes from the scope selectors: another village's child is a 404 like a missing one."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from shouhu.accounts.scope import records_scope, scope_of
from shouhu.audit.services import log_access
from shouhu.core import progress as job_progress
from shouhu.registry import selectors as registry_selectors
from shouhu.rules import care as R

from . import selectors, services
from .forms import CampaignForm, ContactForm, RulesForm, VisitForm, apply_errors
from .models import CareSetting, Helper, Pairing, VisitRule
from .selectors import TASK_KINDS


def _next_url(request, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return nxt if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else default


# -- my tasks ------------------------------------------------------------------------------------
@login_required
def tasks(request):
    scope = scope_of(request.user)
    if not (scope.has("can_care") or scope.has("can_pair")):
        raise Http404
    kind = request.GET.get("kind", "")
    kind = kind if kind in TASK_KINDS else ""
    page_no = max(1, int(request.GET["page"])) if request.GET.get("page", "").isdigit() else 1
    per = 30
    t = selectors.my_tasks(request.user, kind=kind, limit=per, offset=(page_no - 1) * per if kind else 0)
    total_of_kind = sum(t.counts.get(kind, {}).values()) if kind else 0
    return render(request, "care/tasks.html", {
        "tasks": t, "kind": kind, "kinds": TASK_KINDS, "page_no": page_no,
        "has_next": bool(kind) and page_no * per < total_of_kind, "scope": scope,
    })


# -- visits --------------------------------------------------------------------------------------
@login_required
def visit_create(request, uid):
    child = services.child_in(request.user, uid, "can_care")
    roles = services.roles_for(request.user, child)
    helpers = Helper.objects.filter(pairings__in=Pairing.objects.active_on(services.timezone.localdate()).filter(child=child)).distinct()
    form = VisitForm(request.POST or None, request.FILES or None, roles=roles, helpers=helpers)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.visit_record(
                actor=request.user, child=child, date=d["date"], mode=d["mode"], role=d.get("role") or None, helper=d.get("helper"),
                areas={k: d.get(k, "") for k, _ in R.VISIT_AREAS}, concerns=d.get("concerns") or [], needs=d.get("needs", ""),
                actions=d.get("actions", ""), follow_up=d.get("follow_up", ""), follow_up_date=d.get("follow_up_date"),
                photos=request.FILES.getlist("photos"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已记录对{child.name}的走访（{d['date']:%Y-%m-%d}）。")
            return redirect(_next_url(request, reverse("registry:detail", args=[child.uid])))
    return render(request, "care/visit_form.html", {"form": form, "child": child, "next": _next_url(request, "")})


def _visits_filtered(request):
    qs = selectors.visits_visible_to(request.user).select_related("child__village__parent")
    g = request.GET
    region = g.get("region", "")
    if region.isdigit():
        from shouhu.regions.models import code_range

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
                qs = qs.filter(**{lookup: services.date.fromisoformat(g[key])})
        except ValueError:
            pass
    return qs.order_by("-date", "-id")


@login_required
def visit_list(request):
    scope = scope_of(request.user)
    if not scope.sees_children:
        raise Http404
    g = request.GET
    qs = _visits_filtered(request)
    if g.get("export") == "xlsx" and not scope.limited_fields:
        return _visits_export(request, qs)
    page = Paginator(qs, 30).get_page(g.get("page"))
    params = g.copy()
    params.pop("page", None)
    regions = registry_selectors.regions_visible_to(request.user).filter(level__in=[4, 5]).select_related("parent") if not scope.limited_fields else []
    return render(request, "care/visit_list.html", {"page": page, "modes": R.VISIT_MODES, "regions": regions, "f": g,
                                                    "base_query": params.urlencode(), "scope": scope})


def _visits_export(request, qs):
    from django.http import HttpResponse
    from django.utils import timezone

    from .export import visits_workbook

    when = timezone.localtime()
    label = "走访记录（按当前筛选条件）"
    data, n = visits_workbook(qs, who=str(request.user), when=when, label=label)
    log_access(actor=request.user, action="export", scope=label, detail=f"导出走访记录 {n} 条", request=request)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''visits-{when:%Y%m%d-%H%M}.xlsx"
    return response


@login_required
def visit_detail(request, pk):
    visit = selectors.record_for(request.user, selectors.visits_visible_to(request.user).select_related("child__village__parent", "helper"), pk)
    log_access(actor=request.user, action="view", child=visit.child, detail="查看走访记录", request=request)
    return render(request, "care/visit_detail.html", {"visit": visit, "areas": [(label, getattr(visit, k)) for k, label in R.VISIT_AREAS]})


@login_required
def visit_photo(request, pk, photo):
    visit = selectors.record_for(request.user, selectors.visits_visible_to(request.user), pk)
    p = visit.photos.filter(pk=photo).first()
    if p is None:
        raise Http404
    log_access(actor=request.user, action="view", child=visit.child, detail="查看走访照片", request=request)
    return FileResponse(p.file.open("rb"), as_attachment=False)


# -- family contact --------------------------------------------------------------------------------
@login_required
def contact_create(request, uid):
    child = services.child_in(request.user, uid, "can_care")
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.contact_record(actor=request.user, child=child, date=d["date"], kind=d["kind"], with_whom=d["with_whom"],
                                    place=d.get("place", ""), minutes=d.get("minutes"), note=d.get("note", ""))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已记录{child.name}的亲情联系（{d['date']:%Y-%m-%d}，{d['kind']}）。")
            return redirect(_next_url(request, reverse("registry:detail", args=[child.uid])))
    return render(request, "care/contact_form.html", {"form": form, "child": child, "next": _next_url(request, "")})


# -- care month ------------------------------------------------------------------------------------
def _campaign(request, pk):
    return selectors.record_for(request.user, selectors.campaigns_visible_to(request.user), pk)


def node_from_request(request, *, kinds=("class", "school", "region")) -> dict:
    """The node asked for (region / school / class), checked against the user's scope (404 if not
    theirs); without one, the user's own node. The quality pages use it too."""
    g = request.GET
    if "class" in kinds and g.get("class", "").isdigit():
        if not registry_selectors.classes_visible_to(request.user).filter(pk=g["class"]).exists():
            raise Http404
        return {"class": int(g["class"])}
    if g.get("school", "").isdigit():
        if not registry_selectors.schools_visible_to(request.user).filter(pk=g["school"]).exists():
            raise Http404
        return {"school": int(g["school"])}
    if g.get("region", "").isdigit():
        if not registry_selectors.regions_visible_to(request.user).filter(code=g["region"]).exists():
            raise Http404
        return {"region": g["region"]}
    node = selectors.default_node(request.user)
    return node if set(node) <= set(kinds) else {}


_node = node_from_request


@login_required
def campaign_list(request):
    scope = records_scope(request.user)
    return render(request, "care/campaign_list.html", {"campaigns": selectors.campaigns_visible_to(request.user),
                                                        "can_create": scope.is_county_admin, "today": services.timezone.localdate()})


@login_required
def campaign_create(request):
    scope = scope_of(request.user)
    if not scope.is_county_admin:
        raise Http404
    regions = registry_selectors.regions_visible_to(request.user).filter(level=3)
    form = CampaignForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            c = services.campaign_create(actor=request.user, name=d["name"], region=d["region"], start=d["start"], end=d["end"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已发起{c.name}，正在后台统计每名儿童的六项措施。")
            return redirect("care:campaign", pk=c.pk)
    return render(request, "regions/form.html", {"form": form, "title": "发起关爱保护月"})


@login_required
def campaign_detail(request, pk):
    campaign = _campaign(request, pk)
    node = _node(request)
    prog = selectors.campaign_progress(request.user, campaign, node)
    job = job_progress.read(f"campaign-{campaign.pk}")
    running = bool(job) and job.get("phase") != "完成"
    if request.htmx and request.GET.get("poll"):
        if not running:
            response = render(request, "care/_campaign_poll.html", {"done": True})
            response["HX-Refresh"] = "true"
            return response
        return render(request, "care/_campaign_poll.html", {"job": job, "pct": job_progress.percent(job), "campaign": campaign})
    return render(request, "care/campaign_detail.html", {
        "campaign": campaign, "progress": prog, "node": node, "measures": list(R.MEASURES.items()),
        "job": job if running else None, "pct": job_progress.percent(job) if running else 0,
        "drill": "region" in node or not node,
    })


@login_required
def campaign_missing(request, pk):
    campaign = _campaign(request, pk)
    node = _node(request)
    measure = request.GET.get("measure", "")
    measure = measure if measure in R.MEASURES else ""
    qs = selectors.campaign_missing(request.user, campaign, node, measure)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "care/campaign_missing.html", {
        "campaign": campaign, "page": page, "measure": measure, "measure_label": R.MEASURES.get(measure, ""), "measures": list(R.MEASURES.items()),
        "base_query": params.urlencode(), "node": node,
    })


# -- county settings -------------------------------------------------------------------------------
@login_required
def care_settings(request):
    if not scope_of(request.user).is_county_admin:
        raise Http404
    setting = CareSetting.current()
    form = RulesForm(request.POST or None, rules=VisitRule.current(),
                     initial={"contact_days": setting.contact_days, "soon_days": setting.soon_days})
    if request.method == "POST" and form.is_valid():
        try:
            services.rules_save(actor=request.user, rows=form.rows(), contact_days=form.cleaned_data["contact_days"],
                                soon_days=form.cleaned_data["soon_days"])
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, "走访规则已保存，全县儿童的走访到期日正在后台重新计算。")
        return redirect("care:settings")
    return render(request, "care/settings.html", {"form": form})
