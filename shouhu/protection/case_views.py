"""Protection case pages (docs/domain.md, "Emergency response", "Assessment and help"): the case
worker's list (what is late, what waits for approval), one case with its next step as the page's
primary action, its plan and its timeline; opening one in one tap from an alert, a report or a
child's page; break-the-glass for a county user. Every read is in the access log (confidential:
a case is about harm to a child)."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import requires
from shouhu.audit.models import AccessLog
from shouhu.audit.services import log_access
from shouhu.core.errors import NotFound, ServiceError
from shouhu.core.forms import run_and_tell, run_into_form
from shouhu.core.params import page_param
from shouhu.core.xlsx import marked_workbook, xlsx_response
from shouhu.registry.selectors import child_for
from shouhu.rules import cases as C

from . import cases, selectors
from .forms import CaseActForm, GlassForm, PlanItemForm
from .models import PlanItem


@requires("handles_cases")
def case_list(request):
    now = timezone.now()
    qs, status, filters = cases.filtered_cases(request.user, request.GET.get("status", "open"), now=now)
    qs = qs.select_related("child__village__parent")
    if request.GET.get("export") == "xlsx":
        return _export(request, qs, filters[status][0])
    page = Paginator(qs, 30).get_page(page_param(request.GET))
    log_access(actor=request.user, action="list", scope="保护个案", detail=f"{filters[status][0]} 第{page.number}页 共{page.paginator.count}件",
               confidential=True, request=request)
    return render(request, "protection/case_list.html", {
        "page": page, "status": status, "statuses": [(k, v[0]) for k, v in filters.items()], "now": now, "base_query": f"status={status}",
        "summary": cases.case_summary(request.user, now=now)})


def _export(request, qs, label):
    when = timezone.localtime()

    def rows():
        for c in qs[:50_000].iterator(chunk_size=2000):
            v = c.child.village
            yield [c.pk, c.child.archive_no or "", c.child.name, v.parent.short_name if v.parent else "", v.short_name, C.STATES[c.state],
                   c.risk, c.placement, timezone.localtime(c.opened_at).strftime("%Y-%m-%d %H:%M"), C.DUE_LABELS.get(c.due_kind, ""),
                   timezone.localtime(c.due_at).strftime("%Y-%m-%d %H:%M") if c.due_at else ""]

    data, n = marked_workbook(title="保护个案", headers=["个案编号", "档案编号", "姓名", "乡镇（街道）", "村（社区）", "状态", "风险等级", "安置方式",
                                                     "立案时间", "下一步", "时限"],
                              rows=rows(), who=str(request.user), when=when, label=f"保护个案（{label}）", freeze_cols=3)
    log_access(actor=request.user, action="export", scope="保护个案", detail=f"导出个案 {n} 件（{label}）", confidential=True, request=request)
    return xlsx_response(data, f"cases-{when:%Y%m%d-%H%M}.xlsx")


def _forms(case, user, data=None, act: str = ""):
    """The forms of the actions open to this user at the case's step; the posted one bound."""
    return {a: CaseActForm(data if a == act else None, act=a) for a in cases.actions_for(user, case)}


@requires("reads_cases")
def case_detail(request, pk):
    works = True
    try:
        case = cases.case_for(request.user, pk)
    except NotFound:
        case, works = cases.case_for(request.user, pk, read_only=True), False
    act = request.GET.get("act", "") if request.method == "POST" else ""
    forms = _forms(case, request.user, request.POST, act) if works else {}
    plan_form = PlanItemForm(request.POST if act == "plan" else None) if works and case.state in ("assessed", "following") else None
    if request.method == "POST":
        if not works:
            raise NotFound("个案不存在")
        if act == "plan" and plan_form is not None and plan_form.is_valid():
            if run_into_form(request, plan_form, lambda: cases.plan_item_add(actor=request.user, case=case, **plan_form.cleaned_data),
                             "已添加帮扶服务"):
                return redirect("protection:case", pk=case.pk)
        elif act in forms and forms[act].is_valid():
            if run_into_form(request, forms[act], lambda: cases.case_act(actor=request.user, case=case, action=act, **forms[act].cleaned_data),
                             f"已{C.ACTION_LABELS[act]}", "note"):
                return redirect("protection:case", pk=case.pk)
        elif act not in forms and act != "plan":
            messages.error(request, "个案已到下一步，请刷新后再操作")
            return redirect("protection:case", pk=case.pk)
    log_access(actor=request.user, action="view", child=case.child, scope="保护个案",
               detail=f"个案 #{case.pk}" + ("" if works else "（紧急查阅）"), confidential=True, request=request)
    steps = list(case.steps.select_related("by"))
    primary = C.NEXT.get(case.state) if C.NEXT.get(case.state) in forms else None
    return render(request, "protection/case_detail.html", {
        "case": case, "works": works, "forms": forms, "primary": primary, "plan_form": plan_form, "act": act,
        "plan": case.plan.select_related("done_by"), "items": case.meeting_items.select_related("meeting"), "steps": [(s, C.step_label(s.action)) for s in steps],
        "path": [(s, C.STATES[s]) for s in C.PATH], "at": C.progress(case.state), "state_label": C.STATES[case.state],
        "due_label": C.DUE_LABELS.get(case.due_kind, ""), "now": timezone.now(), "labels": C.ACTION_LABELS,
        "waiting": case.state in C.APPROVAL_STATES and case.requested_by_id == request.user.pk}, status=400 if act else 200)


@requires("handles_cases")
@require_POST
def case_open(request):
    """立案 in one tap: from an alert (`alert`), a mandatory report (`report`, with the child if the
    report named none) or a child's page (`child`)."""
    alert = report = None
    if request.POST.get("alert"):
        alert = selectors.alert_for(request.user, request.POST["alert"])
        child = alert.child
    elif request.POST.get("report"):
        report = selectors.report_for(request.user, request.POST["report"])
        if not selectors.handles(request.user, report):
            raise NotFound("报告不存在")
        child = report.child or child_for(request.user, request.POST.get("child", ""))
    else:
        child = child_for(request.user, request.POST.get("child", ""))
    try:
        case = cases.case_open(actor=request.user, child=child, alert=alert, report=report, note=request.POST.get("note", ""))
    except NotFound:
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
        existing = cases.cases_handled_by(request.user).filter(child=child, state__in=C.OPEN_STATES).first()
        return redirect("protection:case", pk=existing.pk) if existing else redirect("protection:cases")
    messages.success(request, "已立案。请尽快确认儿童安全。")
    return redirect("protection:case", pk=case.pk)


@requires("handles_cases")
@require_POST
def plan_done(request, pk):
    try:
        item = PlanItem.objects.filter(case__in=cases.cases_handled_by(request.user)).get(pk=int(pk))
    except (ValueError, PlanItem.DoesNotExist):
        raise NotFound("服务不存在") from None
    run_and_tell(request, lambda: cases.plan_item_done(actor=request.user, item_id=item.pk, result=request.POST.get("result", "")),
                 "已记录完成")
    return redirect("protection:case", pk=item.case_id)


@requires("breaks_glass")
def case_glass(request, child):
    """紧急查阅: a county user reads the case of a child in their county, giving the reason first."""
    target = child_for(request.user, child)
    case = cases.glass_case_of(request.user, target.pk)
    form = GlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_into_form(request, form, lambda: cases.case_glass(actor=request.user, case=case, reason=form.cleaned_data["reason"]),
                         f"紧急查阅已记录，{cases.GLASS_HOURS}小时内可查阅本个案（只读）。"):
            log_access(actor=request.user, action=AccessLog.Action.GLASS, child=target, scope="保护个案", detail=f"紧急查阅个案 #{case.pk}",
                       confidential=True, request=request)
            return redirect("protection:case", pk=case.pk)
    return render(request, "protection/case_glass.html", {"form": form, "child": target, "state": C.STATES[case.state]},
                  status=400 if form.errors else 200)

