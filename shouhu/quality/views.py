"""Data-quality pages: a unit's score, counts per check, the trend, and the records behind each
count, each with a link to the field to fix. Everything through the scope selector."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shouhu.accounts.scope import scope_of
from shouhu.care.views import node_from_request
from shouhu.intake import progress as job_progress
from shouhu.registry import selectors as registry_selectors
from shouhu.registry.models import Child
from shouhu.rules import quality as Q_

from . import selectors, services
from .models import Issue
from .tasks import PROGRESS_KEY, recheck


def _node(request) -> dict:
    return node_from_request(request, kinds=("school", "region"))


def _allowed(request):
    scope = scope_of(request.user)
    if not scope.sees_children or scope.limited_fields:
        raise Http404
    return scope


@login_required
def overview(request):
    scope = _allowed(request)
    node = _node(request)
    region = registry_selectors.regions_visible_to(request.user).filter(code=node["region"]).first() if node.get("region") else None
    job = job_progress.read(PROGRESS_KEY)
    return render(request, "quality/overview.html", {
        "node": node, "region": region, "units": selectors.units(request.user, region) if region else [],
        "checks": selectors.by_check(request.user, selectors.node_q(node)), "records": selectors.records_in(request.user, node),
        "trend": selectors.trend(region) if region else [], "can_recheck": scope.is_county_admin,
        "job": job if job and job.get("phase") != "完成" else None, "pct": job_progress.percent(job),
        "node_query": "&".join(f"{k}={v}" for k, v in node.items()),
    })


@login_required
def issue_list(request):
    scope = _allowed(request)
    node = _node(request)
    qs = selectors.issues_visible_to(request.user).filter(selectors.node_q(node))
    code = request.GET.get("code", "")
    if code in Q_.CATALOGUE:
        qs = qs.filter(code=code)
    status = request.GET.get("status", "open")
    if status in Issue.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.select_related("child__village__parent").order_by("village_code", "child_id", "code"), 30).get_page(request.GET.get("page"))
    for issue in page:
        issue.check = Q_.CATALOGUE.get(issue.code)
        issue.field_label = _label(issue)
        issue.can_fix = scope.can_edit_village(issue.village_code)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "quality/issues.html", {"page": page, "check": Q_.CATALOGUE.get(code), "status": status,
                                                   "statuses": Issue.Status.choices, "base_query": params.urlencode()})


def _label(issue: Issue) -> str:
    try:
        model = Child if Q_.CATALOGUE[issue.code].subject == "child" else issue.visit.__class__
        return str(model._meta.get_field(issue.field).verbose_name)
    except Exception:  # a field the model does not have (kept from an older catalogue)
        return issue.field


@login_required
@require_POST
def issue_dismiss(request, pk):
    _allowed(request)
    try:
        issue = selectors.issues_visible_to(request.user).get(pk=int(pk))
    except (ValueError, Issue.DoesNotExist):
        raise Http404 from None
    try:
        services.dismiss(actor=request.user, issue=issue, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, f"已说明并关闭：{issue.child.name} · {Q_.CATALOGUE[issue.code].title}")
    return redirect(request.POST.get("next") or "quality:issues")


@login_required
@require_POST
def recheck_now(request):
    if not scope_of(request.user).is_county_admin:
        raise Http404
    job_progress.report(PROGRESS_KEY, done=0, total=0, phase="排队中")
    recheck.enqueue(None)
    messages.success(request, "已开始全县数据质量检查，完成后数字会自动更新。")
    return redirect("quality:overview")
