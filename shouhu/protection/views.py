"""Alert pages: the list (most urgent first, filterable, exportable), one alert with its timeline
and the owner's actions; mandatory reports: filing (anyone), the handler's list, receiving and
feedback. Every page a handler reads is in the access log: it names a child."""
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import allowed, requires
from shouhu.audit.services import log_access
from shouhu.core.errors import NotFound, ServiceError
from shouhu.core.forms import apply_errors, run_and_tell, run_into_form
from shouhu.core.params import page_param
from shouhu.core.xlsx import marked_workbook, xlsx_response
from shouhu.regions.models import code_range
from shouhu.registry.models import Child
from shouhu.registry.selectors import child_for, children_visible_to
from shouhu.rules import alerts as A
from shouhu.rules.reports import SITUATION_LABELS, owed

from . import cases, meetings, reports, selectors, services
from .forms import CallForm, DoneForm, FeedbackForm, ItemForm, MeetingForm, ReceiveForm, ReportForm
from .models import ActionItem, Alert, AlertSetting, MandatoryReport

STATUS_FILTERS = {"active": ("待处理", Alert.ACTIVE), "open": ("待签收", (Alert.Status.OPEN,)), "acted": ("已处置", (Alert.Status.ACTED,)),
                  "closed": ("已关闭", (Alert.Status.CLOSED, Alert.Status.RESOLVED)), "all": ("全部", None)}


def _filtered(request):
    qs = selectors.alerts_visible_to(request.user)
    status = request.GET.get("status", "active")
    if status not in STATUS_FILTERS:
        status = "active"
    if STATUS_FILTERS[status][1] is not None and status != "active":
        qs = qs.filter(status__in=STATUS_FILTERS[status][1])
    level = request.GET.get("level", "")
    if level in A.LEVELS:
        qs = qs.filter(level=level)
    code = request.GET.get("code", "")
    if code in A.RULES:
        qs = qs.filter(code=code)
    mine = request.GET.get("mine") == "1"
    if mine:
        qs = qs.filter(selectors.mine_q(request.user))
    region = request.GET.get("region", "")  # a place's alerts (the leaders' screen links here)
    if region.isdigit() and len(region) <= 12:
        qs = qs.filter(village_code__range=code_range(region))
    else:
        region = ""
    return (selectors.by_urgency(qs, active_only=status == "active"),
            {"status": status, "level": level, "code": code, "mine": mine, "region": region})


@requires("sees_alerts")
def alert_list(request):
    qs, f = _filtered(request)
    if request.GET.get("export") == "xlsx":
        return _export(request, qs)
    page = Paginator(qs.select_related("child__village__parent"), 30).get_page(page_param(request.GET))
    log_access(actor=request.user, action="list", scope="预警", detail=f"第{page.number}页 共{page.paginator.count}条", request=request)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "protection/alert_list.html", {
        "page": page, "f": f, "statuses": [(k, v[0]) for k, v in STATUS_FILTERS.items()], "levels": A.LEVELS.items(),
        "rules": A.RULES.values(), "base_query": params.urlencode(), "now": timezone.now()})


def _export(request, qs):
    when = timezone.localtime()
    label = "预警（按当前筛选条件）"

    def rows():
        for a in qs.select_related("child__village__parent")[:50_000].iterator(chunk_size=2000):
            village = a.child.village
            yield [a.child.archive_no or "", a.child.name, village.parent.short_name if village.parent else "", village.short_name,
                   A.LEVELS[a.level], a.rule.title, a.facts, a.get_status_display(), timezone.localtime(a.opened_at).strftime("%Y-%m-%d %H:%M"),
                   a.action, a.note]

    data, n = marked_workbook(title="预警", headers=["档案编号", "姓名", "乡镇（街道）", "村（社区）", "级别", "预警", "触发情况", "状态",
                                                   "触发时间", "措施", "说明"],
                              rows=rows(), who=str(request.user), when=when, label=label, freeze_cols=2)
    log_access(actor=request.user, action="export", scope=label, detail=f"导出预警 {n} 条", request=request)
    return xlsx_response(data, f"alerts-{when:%Y%m%d-%H%M}.xlsx")


@requires("sees_alerts")
def alert_detail(request, pk):
    alert = selectors.alert_for(request.user, pk)
    log_access(actor=request.user, action="view", child=alert.child, scope="预警", detail=alert.rule.title,
               confidential=alert.confidential, request=request)
    settings = AlertSetting.current()
    due = A.deadlines(alert.level, alert.opened_at, settings)
    return render(request, "protection/alert_detail.html", {
        "alert": alert, "events": alert.events.select_related("by"), "can_work": alert.active and selectors.can_work(request.user, alert),
        "actions": A.ACTIONS, "due": due, "owner": selectors.role_label(alert.owner_role), "now": timezone.now(),
        "can_escalate": alert.stage + 1 < len(alert.rule.chain),
        **cases.child_cases(request.user, alert.child)})


def _act(request, pk, do, done: str):
    alert = selectors.alert_for(request.user, pk)
    run_and_tell(request, lambda: do(alert), done)
    return redirect("protection:alert", pk=alert.pk)


@requires("sees_alerts")
@require_POST
def alert_acknowledge(request, pk):
    return _act(request, pk, lambda a: services.alert_acknowledge(actor=request.user, alert=a), "已签收")


@requires("sees_alerts")
@require_POST
def alert_act(request, pk):
    return _act(request, pk, lambda a: services.alert_act(actor=request.user, alert=a, action=request.POST.get("action", ""),
                                                          note=request.POST.get("note", "")), "已记录处置")


@requires("sees_alerts")
@require_POST
def alert_escalate(request, pk):
    return _act(request, pk, lambda a: services.alert_escalate(actor=request.user, alert=a, note=request.POST.get("note", "")), "已上报")


@requires("sees_alerts")
@require_POST
def alert_close(request, pk):
    return _act(request, pk, lambda a: services.alert_close(actor=request.user, alert=a, reason=request.POST.get("reason", "")), "已关闭")


# -- mandatory reports ------------------------------------------------------------------------------
def _report_args(form) -> dict:
    d = form.cleaned_data
    return {k: d.get(k) if k in ("discovered_at", "village") else (d.get(k) or "") for k in
            ("situation", "discovered_at", "seen", "village", "child_name", "child_desc", "place_detail") if k in form.fields}


@requires("signed_in")
def report_new(request):
    """强制报告: anyone signed in, in under a minute — from a child's page the child is filled in."""
    child = child_for(request.user, request.GET["child"]) if request.GET.get("child") else None
    form = ReportForm(request.POST or None, root=settings.SHOUHU["ROOT_REGION"], child=child)
    if request.method == "POST" and form.is_valid():
        report = run_into_form(request, form, lambda: reports.report_file(actor=request.user, child=child, **_report_args(form)),
                               "报告已提交。乡镇儿童督导员将立即受理；情况紧急请同时拨打110。")
        if report is not None:
            return redirect("protection:report", pk=report.pk)
    return render(request, "protection/report_form.html", {"form": form, "child": child, "call": False})


@requires("handles_cases")
def report_call(request):
    """A report received by phone, recorded by the supervisor who took the call."""
    form = CallForm(request.POST or None, root=settings.SHOUHU["ROOT_REGION"])
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = reports.report_record_call(actor=request.user, reporter_name=d["reporter_name"], reporter_unit=d["reporter_unit"],
                                                reporter_phone=d["reporter_phone"], **_report_args(form))
        except NotFound as exc:
            apply_errors(form, exc, "village")
        except ServiceError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已记录电话报告")
            return redirect("protection:report", pk=report.pk)
    return render(request, "protection/report_form.html", {"form": form, "child": None, "call": True})


@requires("signed_in")
def report_list(request):
    handler = allowed(request.user, "handles_cases")
    qs = selectors.reports_handled_by(request.user) if handler else MandatoryReport.objects.filter(reporter=request.user)
    status = request.GET.get("status", "")
    if status in MandatoryReport.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.select_related("child", "village__parent").order_by("status", "-filed_at"), 30).get_page(page_param(request.GET))
    for r in page:
        r.shown_who = r.who if handler else selectors.report_who(request.user, r)
    if handler:
        log_access(actor=request.user, action="list", scope="强制报告", detail=f"第{page.number}页 共{page.paginator.count}条", request=request)
    return render(request, "protection/report_list.html", {"page": page, "handler": handler, "status": status,
                                                            "statuses": MandatoryReport.Status.choices})


@requires("signed_in")
def report_detail(request, pk):
    report = selectors.report_for(request.user, pk)
    handler = selectors.handles(request.user, report)
    if handler:
        log_access(actor=request.user, action="view", child=report.child, scope="强制报告", detail=f"强制报告 #{report.pk}", request=request)
    extra = {}
    if handler and report.status != MandatoryReport.Status.CASE:
        extra = cases.child_cases(request.user, report.child) if report.child_id else {
            "can_open": True, "candidates": children_visible_to(request.user, flag="handles_cases").filter(
                village_id=report.village_id, status=Child.Status.ACTIVE).order_by("name")[:300]}
    return render(request, "protection/report_detail.html", {
        **extra, "r": report, "handler": handler, "who": report.who if handler else selectors.report_who(request.user, report), "situation": SITUATION_LABELS.get(report.situation, report.situation),
        "owed": owed(police_notified_at=report.police_notified_at, civil_affairs_told=report.civil_affairs_told,
                     feedback_given_at=report.feedback_given_at, received_at=report.received_at, filed_at=report.filed_at,
                     now=timezone.now()),
        "receive": ReceiveForm(initial={"police_notified_at": report.police_notified_at, "police_unit": report.police_unit,
                                        "police_receipt_no": report.police_receipt_no, "civil_affairs_told": report.civil_affairs_told}),
        "feedback": FeedbackForm(initial={"feedback": report.feedback})})


def _report_post(request, pk, form_class, do, done: str):
    report = selectors.report_for(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        run_and_tell(request, lambda: do(report, form.cleaned_data), done)
    return redirect("protection:report", pk=report.pk)


@requires("handles_cases")
@require_POST
def report_receive(request, pk):
    return _report_post(request, pk, ReceiveForm, lambda r, d: reports.report_receive(actor=request.user, report=r, **d), "已受理并记录")


@requires("handles_cases")
@require_POST
def report_feedback(request, pk):
    return _report_post(request, pk, FeedbackForm, lambda r, d: reports.report_feedback(actor=request.user, report=r, **d), "已记录反馈")


# -- joint meetings ---------------------------------------------------------------------------------
@requires("joint_meetings")
def meeting_list(request):
    today = timezone.localdate()
    page = Paginator(meetings.meetings_visible_to(request.user).select_related("region"), 20).get_page(page_param(request.GET))
    items = meetings.items_visible_to(request.user)
    return render(request, "protection/meeting_list.html", {
        "page": page, "overdue": items.filter(status=ActionItem.Status.OPEN, due__lt=today).count(),
        "open": items.filter(status=ActionItem.Status.OPEN).count()})


@requires("joint_meetings")
def meeting_new(request):
    form = MeetingForm(request.POST or None, regions=meetings.regions_of(request.user))
    if request.method == "POST" and form.is_valid():
        m = run_into_form(request, form, lambda: meetings.meeting_record(actor=request.user, **form.cleaned_data), "已记录会议，请添加议定事项")
        if m is not None:
            return redirect("protection:meeting", pk=m.pk)
    return render(request, "protection/meeting_form.html", {"form": form})


@requires("joint_meetings")
def meeting_detail(request, pk):
    m = meetings.meeting_for(request.user, pk)
    form = ItemForm(request.POST or None, meeting=m)
    if request.method == "POST" and form.is_valid():
        if run_into_form(request, form, lambda: meetings.item_add(actor=request.user, meeting=m, **form.cleaned_data), "已添加事项"):
            return redirect("protection:meeting", pk=m.pk)
    items = meetings.items_visible_to(request.user).filter(meeting=m).select_related("region", "done_by")
    return render(request, "protection/meeting_detail.html", {"m": m, "items": items, "form": form, "done_form": DoneForm(),
                                                              "today": timezone.localdate(),
                                                              "can_add": meetings.answers_for(request.user, m.region_code)})


@requires("joint_meetings")
def item_list(request):
    today = timezone.localdate()
    qs = meetings.items_visible_to(request.user).select_related("meeting", "region")
    overdue = request.GET.get("overdue") == "1"
    qs = qs.filter(status=ActionItem.Status.OPEN, due__lt=today) if overdue else qs.filter(status=ActionItem.Status.OPEN)
    page = Paginator(qs.order_by("due", "id"), 30).get_page(page_param(request.GET))
    return render(request, "protection/item_list.html", {"page": page, "overdue": overdue, "today": today})


@requires("joint_meetings")
@require_POST
def item_done(request, pk):
    try:
        item = meetings.items_visible_to(request.user).get(pk=int(pk))
    except (ValueError, ActionItem.DoesNotExist):
        raise NotFound("事项不存在") from None
    form = DoneForm(request.POST)
    form.is_valid()
    run_and_tell(request, lambda: meetings.item_done(actor=request.user, item=item, evidence=form.cleaned_data.get("evidence", "")),
                 "已办结")
    return redirect("protection:meeting", pk=item.meeting_id)
