"""月报 pages: the report of a month and node, submission (上报), reopening (退回), the county's
status page and the Excel download. Thin: reads in selectors, writes in services."""
from datetime import date
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from shouhu.accounts.permissions import requires
from shouhu.audit.services import log_access
from shouhu.core.errors import ServiceError
from shouhu.core.forms import run_and_tell
from shouhu.core.params import page_param

from . import export, national, rules, selectors, services
from .forms import ReopenForm
from .models import Submission

MOVEMENTS_PAGE = 30


def _month(request, data=None) -> date:
    """The month asked for; default (and fallback for a bad or future month): the previous month."""
    data = request.GET if data is None else data
    today = timezone.localdate()
    default = rules.previous_month(today)
    text = data.get("month", "")
    if not text:
        return default
    month = rules.parse_month(text)
    if month is None or month > rules.month_start(today):
        messages.warning(request, "月份无效，已显示上月")
        return default
    return month


def _report_url(node_code: str, month, **extra) -> str:
    params = {"node": node_code, "month": rules.format_month(month), **extra}
    return reverse("reports:monthly") + "?" + urlencode(params)


@requires("answers_for_region")
@require_GET
def monthly(request):
    month = _month(request)
    live = request.GET.get("live") == "1"
    view = selectors.monthly_report(request.user, node_code=request.GET.get("node"), month=month, live=live)
    node = view.node
    today = timezone.localdate()
    may_submit = selectors.can_submit(request.user, node)
    is_supervisor = may_submit and not selectors.can_reopen(request.user, node)
    submit_open = may_submit and view.submission is None and rules.month_closed(month, today)
    figures = view.figures
    # a county's month is hundreds of entries and exits: pages of 30, the figures above stay whole
    movements = Paginator(figures.get("movements") or [], MOVEMENTS_PAGE).get_page(page_param(request.GET))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "reports/monthly.html", {
        "movements": movements, "base_query": params.urlencode(),
        "view": view, "node": node, "figures": figures, "month": month, "month_value": rules.format_month(month),
        "month_label": rules.month_label(month), "max_month": rules.format_month(today),
        "nodes": selectors.report_nodes(request.user),
        "may_submit": may_submit, "submit_open": submit_open, "primary_submit": submit_open and is_supervisor,
        "may_reopen": view.submission is not None and selectors.can_reopen(request.user, node),
        "show_names": selectors.shows_names(request.user, node),
        "download_url": reverse("reports:download") + "?" + urlencode({"node": node.code, "month": rules.format_month(month),
                                                                        **({"live": "1"} if live else {})}),
        "live_url": _report_url(node.code, month, live="1"), "frozen_url": _report_url(node.code, month),
        "status_url": reverse("reports:status") + "?" + urlencode({"month": rules.format_month(month)})
        if selectors.county_nodes(request.user) else "",
        "summary": view.summary,
        "deadline": rules.deadline(month, selectors.deadline_day()),
        "reopen_form": ReopenForm(auto_id=False),
        "charts": _charts(figures, node, month),
    })


CHART_COLUMNS = ("left_behind", "orphan", "de_facto", "difficulty")


def _charts(figures: dict, node, month) -> dict:
    """The categories by unit as a bar chart (static/js/dashboard.js draws it; a bar opens that
    unit's report). Counts as the tables show them ("<5" for statistics-only readers)."""
    t = figures["tables"][0]
    if len(t["rows"]) < 2:
        return {}
    columns = [(k, label) for k, label in t["columns"] if k in CHART_COLUMNS]
    links = [_report_url(r["code"], month) for r in t["rows"]]
    return {"report-chart": {"kind": "bar", "labels": [r["label"] for r in t["rows"]],
                             "series": [{"name": label, "data": [r["counts"].get(k, 0) for r in t["rows"]]} for k, label in columns],
                             "links": [links for _ in columns]}}


@requires("answers_for_region")
@require_POST
def submit(request):
    month = _month(request, request.POST)
    node = selectors.node_for(request.user, request.POST.get("node") or "-")
    run_and_tell(request, lambda: services.report_submit(actor=request.user, township=node, month=month),
                 f"{node.display_name} {rules.month_label(month)}月报已上报")
    return redirect(_report_url(node.code, month))


@requires("answers_for_region")
@require_POST
def reopen(request):
    month = _month(request, request.POST)
    node = selectors.node_for(request.user, request.POST.get("node") or "-")
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_and_tell(request, lambda: services.report_reopen(actor=request.user, township=node, month=month, reason=reason),
                 f"已退回 {node.display_name} {rules.month_label(month)}月报，可重新上报")
    nxt = request.POST.get("next", "")
    if nxt == "status":
        return redirect(reverse("reports:status") + "?" + urlencode({"month": rules.format_month(month)}))
    return redirect(_report_url(node.code, month))


@requires("answers_for_region")
@require_POST
def remind(request):
    """催报 one late township (node) or every late township under the user's county (node=late)."""
    month = _month(request, request.POST)
    code = request.POST.get("node") or "-"
    if code == "late":
        done, skipped = 0, 0
        for r in selectors.submission_status(request.user, month=month):
            if r.status != rules.LATE:
                continue
            try:
                services.report_remind(actor=request.user, township=r.township, month=month)
                done += 1
            except ServiceError:  # reminded today already, or not the user's to remind
                skipped += 1
        messages.success(request, f"已向 {done} 个逾期乡镇催报{rules.month_label(month)}月报" + (f"（{skipped} 个今天已催报）" if skipped else ""))
    else:
        node = selectors.node_for(request.user, code)
        run_and_tell(request, lambda: services.report_remind(actor=request.user, township=node, month=month),
                     f"已向{node.display_name}催报{rules.month_label(month)}月报")
    return redirect(reverse("reports:status") + "?" + urlencode({"month": rules.format_month(month)}))


@requires("answers_for_region")
@require_GET
def status(request):
    month = _month(request)
    today = timezone.localdate()
    rows = selectors.submission_status(request.user, month=month, today=today)
    counts = {k: sum(1 for r in rows if r.status == k) for k in rules.STATUS_LABELS}
    return render(request, "reports/status.html", {
        "rows": rows, "month": month, "month_value": rules.format_month(month), "month_label": rules.month_label(month),
        "max_month": rules.format_month(today), "deadline": rules.deadline(month, selectors.deadline_day()),
        "counts": counts, "labels": rules.STATUS_LABELS,
        "reopenable": {r.township.pk for r in rows if r.submission and selectors.can_reopen(request.user, r.township)},
        "remindable": {r.township.pk for r in rows if r.status == rules.LATE and selectors.can_reopen(request.user, r.township)},
        "reminded": selectors.reminded_today([r.township for r in rows], today=today),
        "reopen_form": ReopenForm(auto_id=False),
    })


@requires("answers_for_region")
@require_GET
def download(request):
    month = _month(request)
    view = selectors.monthly_report(request.user, node_code=request.GET.get("node"), month=month,
                                    live=request.GET.get("live") == "1")
    node = view.node
    now = timezone.localtime()
    heading = f"{node.display_name} {rules.month_label(month)}月报" + ("（已上报数据）" if view.frozen else "")
    marking = f"导出人：{request.user}，导出时间：{now:%Y-%m-%d %H:%M}"
    data = export.workbook_bytes(view.figures, heading=heading, marking=marking, with_names=selectors.shows_names(request.user, node))
    log_access(actor=request.user, action="export", scope=f"{node.display_name}（{node.code}）",
               detail=f"月报 {rules.format_month(month)}" + ("（已上报数据）" if view.frozen else ""), request=request)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=\"report.xlsx\"; filename*=UTF-8''{quote(export.filename(view.figures))}"
    return response


# -- 统计表 (民发〔2016〕42号 附件3) --------------------------------------------------------------
def _cutoff(request, data=None) -> date:
    """The cut-off date asked for; default (and fallback for a bad or future date): the end of the
    previous month."""
    data = request.GET if data is None else data
    today = timezone.localdate()
    default = rules.month_end(rules.previous_month(today))
    text = (data.get("cutoff") or "").strip()
    if not text:
        return default
    try:
        cutoff = date.fromisoformat(text)
    except ValueError:
        cutoff = None
    if cutoff is None or cutoff > today:
        messages.warning(request, "截止日期无效，已显示上月月底")
        return default
    return cutoff


def _national_url(node_code: str, cutoff, **extra) -> str:
    return reverse("reports:national") + "?" + urlencode({"node": node_code, "cutoff": cutoff.isoformat(), **extra})


@requires("answers_for_region")
@require_GET
def national_page(request):
    cutoff = _cutoff(request)
    live = request.GET.get("live") == "1"
    view = national.national_report(request.user, node_code=request.GET.get("node"), cutoff=cutoff, live=live)
    node = view.node
    today = timezone.localdate()
    may_submit = selectors.can_submit(request.user, node)
    submit_open = may_submit and view.submission is None and cutoff < today
    return render(request, "reports/national.html", {
        "view": view, "node": node, "figures": view.figures, "table": view.figures["table"], "cutoff": cutoff,
        "cutoff_value": cutoff.isoformat(), "max_date": today.isoformat(), "nodes": selectors.report_nodes(request.user),
        "all_hold": national.all_hold(view.figures), "columns": national.national_columns(),
        "may_submit": may_submit, "submit_open": submit_open,
        "primary_submit": submit_open and not selectors.can_reopen(request.user, node),
        "may_reopen": view.submission is not None and selectors.can_reopen(request.user, node),
        "download_url": reverse("reports:national_download") + "?" + urlencode({"node": node.code, "cutoff": cutoff.isoformat(),
                                                                                 **({"live": "1"} if live else {})}),
        "live_url": _national_url(node.code, cutoff, live="1"), "frozen_url": _national_url(node.code, cutoff),
        "reopen_form": ReopenForm(auto_id=False),
    })


@requires("answers_for_region")
@require_POST
def national_submit(request):
    cutoff = _cutoff(request, request.POST)
    node = selectors.node_for(request.user, request.POST.get("node") or "-")
    run_and_tell(request, lambda: services.national_submit(actor=request.user, township=node, cutoff=cutoff),
                 f"{node.display_name} 截至 {cutoff.isoformat()} 的统计表已上报")
    return redirect(_national_url(node.code, cutoff))


@requires("answers_for_region")
@require_POST
def national_reopen(request):
    cutoff = _cutoff(request, request.POST)
    node = selectors.node_for(request.user, request.POST.get("node") or "-")
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_and_tell(request, lambda: services.report_reopen(actor=request.user, township=node, month=cutoff, reason=reason,
                                                         kind=Submission.Kind.NATIONAL),
                 f"已退回 {node.display_name} 截至 {cutoff.isoformat()} 的统计表，可重新上报")
    return redirect(_national_url(node.code, cutoff))


@requires("answers_for_region")
@require_GET
def national_download(request):
    cutoff = _cutoff(request)
    view = national.national_report(request.user, node_code=request.GET.get("node"), cutoff=cutoff, live=request.GET.get("live") == "1")
    node = view.node
    now = timezone.localtime()
    marking = f"导出人：{request.user}，导出时间：{now:%Y-%m-%d %H:%M}" + ("（已上报数据）" if view.frozen else "")
    data = export.national_workbook_bytes(view.figures, marking=marking)
    log_access(actor=request.user, action="export", scope=f"{node.display_name}（{node.code}）",
               detail=f"统计表 截至{cutoff.isoformat()}" + ("（已上报数据）" if view.frozen else ""), request=request)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"统计表_{node.display_name}_{cutoff.isoformat()}.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"national.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response
