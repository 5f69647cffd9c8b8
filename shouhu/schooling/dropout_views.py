"""控辍保学 case pages (docs/domain.md, "Keeping children in school"): the list (late, by step,
exportable), one case with its next step as the primary action and errors beside the field, the
written report to the township and the county education bureau (printable), and opening a case by
hand. Every read names a pupil: it is in the access log."""
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from shouhu.accounts.permissions import requires
from shouhu.audit.services import log_access
from shouhu.core.errors import NotFound
from shouhu.core.forms import run_into_form
from shouhu.core.params import page_param
from shouhu.core.xlsx import marked_workbook, xlsx_response
from shouhu.regions.models import code_range
from shouhu.rules import dropout as D

from . import dropout, figures
from .forms import DropoutActForm

FILTERS = dropout.LIST_FILTERS


def _cases(request):
    status = request.GET.get("status", "open")
    status = status if status in FILTERS else "open"
    today = timezone.localdate()
    cond = dropout.late_q(today) if status == "late" else FILTERS[status][1]
    qs = dropout.dropout_cases_visible_to(request.user).filter(cond).select_related("school")
    region = request.GET.get("region", "")  # a place's cases (the leaders' screen links here)
    if region.isdigit() and len(region) <= 12:
        qs = qs.filter(village_code__range=code_range(region))
    return qs.order_by(F("due_on").asc(nulls_last=True), "-opened_on", "-id"), status


@requires("dropout_work")
def dropout_list(request):
    qs, status = _cases(request)
    if request.GET.get("export") == "xlsx":
        return _export(request, qs, FILTERS[status][0])
    page = Paginator(qs, 30).get_page(page_param(request.GET))
    log_access(actor=request.user, action="list", scope="控辍保学", detail=f"{FILTERS[status][0]} 第{page.number}页 共{page.paginator.count}件",
               request=request)
    return render(request, "schooling/dropout_list.html", {
        "page": page, "status": status, "statuses": [(k, v[0]) for k, v in FILTERS.items()], "today": timezone.localdate(),
        "base_query": urlencode({"status": status, **({"region": r} if (r := request.GET.get("region", "")).isdigit() else {})}), "states": D.STATES, "due_labels": D.DUE_LABELS})


def _export(request, qs, label):
    when = timezone.localtime()

    def rows():
        for c in qs[:50_000].iterator(chunk_size=2000):
            yield [c.pk, c.name, c.school.name if c.school else "", c.class_label, D.TRIGGERS.get(c.trigger, c.trigger), D.STATES[c.state],
                   c.opened_on, c.failed_attempts, D.DUE_LABELS.get(c.due_kind, ""), c.due_on or "", c.placement, c.returned_on or "",
                   D.OUTCOMES.get(c.outcome, "")]

    data, n = marked_workbook(title="疑似辍学", headers=["个案编号", "姓名", "学校", "班级", "来源", "状态", "立案日期", "劝返次数", "下一步", "时限",
                                                     "复学安置", "复学日期", "其他结果"],
                              rows=rows(), who=str(request.user), when=when, label=f"控辍保学（{label}）", freeze_cols=2)
    log_access(actor=request.user, action="export", scope="控辍保学", detail=f"导出辍学个案 {n} 件（{label}）", request=request)
    return xlsx_response(data, f"dropout-{when:%Y%m%d-%H%M}.xlsx")


def _forms(case, data=None, act=""):
    return {a: DropoutActForm(data if a == act else None, act=a) for a in dropout.actions_open(case)}


@requires("dropout_work")
def dropout_detail(request, pk):
    case = dropout.dropout_case_for(request.user, pk)
    act = request.GET.get("act", "") if request.method == "POST" else ""
    settings = dropout.dropout_settings()
    schedule = D.follow_ups(case.returned_on, dropout.term_end(case.returned_on), settings) if case.returned_on else []
    forms = _forms(case, request.POST, act)
    if request.method == "POST":
        if act == "missing":
            if run_into_form(request, forms.get("attempt") or DropoutActForm(act="attempt"),
                             lambda: dropout.dropout_missing(actor=request.user, case=case, note=request.POST.get("missing-note", "")),
                             "已报告乡镇和县教育局，请同时向派出所报告"):
                return redirect("schooling:dropout", pk=case.pk)
            messages.error(request, "请写明情况及向派出所报告的时间")
            return redirect("schooling:dropout", pk=case.pk)
        if act not in forms:
            messages.error(request, "个案已到下一步，请刷新后再操作")
            return redirect("schooling:dropout", pk=case.pk)
        form = forms[act]
        if form.is_valid() and run_into_form(request, form, lambda: dropout.dropout_act(actor=request.user, case=case, action=act,
                                                                                        **form.service_args()),
                                             f"已{D.ACTION_LABELS[act]}", "note"):
            return redirect("schooling:dropout", pk=case.pk)
    log_access(actor=request.user, action="view", child=case.child, scope="控辍保学", detail=f"辍学个案 #{case.pk}", request=request)
    primary = D.NEXT.get(case.state) if D.NEXT.get(case.state) in forms else None
    if case.state == "school" and case.failed_attempts >= D.ATTEMPTS_BEFORE_REPORT:
        primary = "report"
    return render(request, "schooling/dropout_detail.html", {
        "case": case, "forms": forms, "primary": primary, "act": act, "labels": D.ACTION_LABELS, "state_label": D.STATES[case.state],
        "path": list(D.STATES.items()), "at": list(D.STATES).index(case.state), "due_label": D.DUE_LABELS.get(case.due_kind, ""),
        "today": timezone.localdate(), "steps": [(s, D.step_label(s.action)) for s in case.steps.select_related("by")], "heads": [(label, case.heads.get(code, ""))
                                                                                       for code, label in D.SEVEN_HEADS.items()],
        "trigger": D.TRIGGERS.get(case.trigger, ""), "schedule": [(d, i < case.follow_ups_done) for i, d in enumerate(schedule)],
        "outcome": D.OUTCOMES.get(case.outcome, "")}, status=400 if act else 200)


@requires("dropout_work")
def dropout_report(request, pk):
    """The school's written report (书面报告) to the township government and the county education
    bureau, filled from the case: printable."""
    case = dropout.dropout_case_for(request.user, pk)
    if not case.steps.filter(action="attempt").exists():
        raise NotFound("尚无劝返记录")
    log_access(actor=request.user, action="print", child=case.child, scope="控辍保学", detail=f"辍学个案 #{case.pk} 书面报告", request=request)
    return render(request, "schooling/dropout_report.html", {
        "case": case, "attempts": case.steps.filter(action="attempt").select_related("by"), "today": timezone.localdate(),
        "trigger": D.TRIGGERS.get(case.trigger, "")})


@requires("dropout_figures")
def dropout_figures(request):
    """Counts per township and school, no names (module `figures`); the bar chart reads the JSON
    the page embeds (static/js/dropout-figures.js: no inline script, CSP)."""
    f = figures.dropout_figures(request.user)
    if request.GET.get("export") == "xlsx":
        when = timezone.localtime()
        data, n = marked_workbook(title="控辍保学统计", headers=figures.HEADERS, rows=figures.figure_rows(f), who=str(request.user), when=when,
                                  label=f"控辍保学统计（{f.today:%Y-%m-%d}，本学期自{f.term_start:%Y-%m-%d}）", freeze_cols=2)
        log_access(actor=request.user, action="export", scope="控辍保学统计", detail=f"导出控辍保学统计 {n} 行", request=request)
        return xlsx_response(data, f"dropout-figures-{when:%Y%m%d-%H%M}.xlsx")
    return render(request, "schooling/dropout_figures.html", {
        "f": f, "chart": figures.chart_data(f), "steps": [(s, D.STATES[s]) for s in figures.OPEN_STEPS],
        "overdue_steps": [(s, D.STATES[s]) for s in figures.OVERDUE_STEPS]})


urlpatterns = [
    path("dropout/", dropout_list, name="dropouts"),
    path("dropout/figures/", dropout_figures, name="dropout_figures"),
    path("dropout/<int:pk>/", dropout_detail, name="dropout"),
    path("dropout/<int:pk>/report/", dropout_report, name="dropout_report"),
]
