"""学籍核对 pages: the schools in scope, a school's roster upload and its 人籍一致 lists, exports.
Thin: the work is in services/selectors; every school URL answers 404 for a school the user may
not read (another school's staff, a village director, a head teacher) exactly as for a missing one."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from shouhu.accounts.permissions import requires
from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core.cells import format_grade
from shouhu.core.errors import NotFound, ServiceError
from shouhu.core.forms import apply_errors
from shouhu.core.params import page_param
from shouhu.core.searches import redirect_to_search, refuse_in_url, searched
from shouhu.core.xlsx import marked_workbook

from . import selectors, services
from .forms import ListFilterForm, RosterUploadForm
from .models import STATUSES, Roster
from .sheet import template_workbook

LISTS = {"unregistered": "学籍在册但未建档", "missing": "建档在该校但学籍名册中没有"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@requires("reads_records")
def index(request):
    schools = selectors.school_rows(request.user)
    if len(schools) == 1:
        return redirect("schooling:school", pk=schools[0].pk)
    return render(request, "schooling/index.html", {"schools": schools, "can_upload_any": selectors.may_upload_somewhere(request.user)})


@requires("reads_records")
def template(request):
    if not selectors.may_upload_somewhere(request.user):
        raise Http404
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%AD%A6%E7%B1%8D%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"
    return response


def _filtered(request, school, which: str):
    """(filter form, rows) of one list of the school, filtered by the query string (the name
    searched for behind its token: core.searches)."""
    refuse_in_url(request)
    classes = list(school.classes.all())
    data = request.GET.copy()
    if q := searched(request):
        data["q"] = q
    form = ListFilterForm(data or None, classes=classes, statuses=STATUSES if which == "unregistered" else ())
    f = form.cleaned_data if form.is_valid() else {}
    q, cls, status = (f.get("q") or "").strip(), f.get("school_class"), f.get("status") or ""
    if which == "unregistered":
        rows = selectors.unregistered_entries(school)
        rows = [e for e in rows if (not q or q in e.name) and (not cls or e.school_class_id == cls) and (not status or e.status == status)]
    else:
        rows = selectors.missing_children(request.user, school)
        rows = [c for c in rows if (not q or q in c.name) and (not cls or c.school_class_id == cls)]
    return form, rows


def _which(request) -> str:
    which = request.GET.get("list", "unregistered")
    return which if which in LISTS else "unregistered"


@requires("reads_records")
def school(request, pk):
    scope = scope_of(request.user)
    school = selectors.school_for(request.user, pk)
    can_upload = selectors.can_upload(request.user, school)
    if request.method == "POST" and request.POST.get("filter"):  # the list's filters, a name among them
        return redirect_to_search(request, reverse("schooling:school", args=[school.pk]), drop=("filter",))
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_upload:
            raise Http404
        if form.is_valid():
            try:
                roster = services.roster_upload(actor=request.user, school=school, file=form.cleaned_data["file"])
            except NotFound:
                raise
            except ServiceError as exc:
                apply_errors(form, exc, default="file")
            else:
                text = f"已导入 {roster.rows_stored} 名学生，替换了本校原有名册。"
                if roster.rows_rejected:
                    messages.warning(request, text + f"另有 {roster.rows_rejected} 行未导入，原因见下方列表，请改正后重新上传整张名册。")
                else:
                    messages.success(request, text)
                return redirect("schooling:school", pk=school.pk)
    roster = selectors.latest_roster(school)
    which = _which(request)
    filters, rows = _filtered(request, school, which) if roster else (None, [])
    page = Paginator(rows, 50).get_page(page_param(request.GET))
    for x in page:
        x.id_shown = scope.show_id(x.id_number)
    if roster:  # names, villages and a name search: logged like the export and the API
        log_access(actor=request.user, action="search" if filters is not None and filters.data.get("q") else "view", scope=f"{school.name} {LISTS[which]}",
                   detail=f"查看人籍一致名单 {page.paginator.count} 条", request=request)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "schooling/school.html", {
        "school": school, "form": form, "can_upload": can_upload, "roster": roster, "which": which, "lists": LISTS,
        "filters": filters, "page": page, "base_query": params.urlencode(), "history": Roster.objects.filter(school=school).select_related("uploaded_by")[:10],
    })


@requires("reads_records")
def roster_detail(request, pk, roster):
    school = selectors.school_for(request.user, pk)
    roster = get_object_or_404(Roster.objects.select_related("uploaded_by"), pk=roster, school=school)
    return render(request, "schooling/roster.html", {"school": school, "roster": roster})


@requires("reads_records")
def export(request, pk):
    scope = scope_of(request.user)
    school = selectors.school_for(request.user, pk)
    which = _which(request)
    _, rows = _filtered(request, school, which)
    show = scope.show_id
    if which == "unregistered":
        headers = ["姓名", "性别", "出生日期", "身份证号", "年级", "班级", "就学状态", "父亲姓名", "母亲姓名", "监护人", "名册行号"]
        data = ([e.name, e.sex, e.birth_date, show(e.id_number), format_grade(e.grade), e.class_name, e.status, e.father_name,
                 e.mother_name, e.carer_name, e.row_no] for e in rows)
    else:
        headers = ["姓名", "性别", "出生日期", "身份证号", "班级", "就学情况", "乡镇（街道）", "村（社区）", "父亲姓名", "母亲姓名"]
        data = ([c.name, c.sex, c.birth_date, show(c.id_number), str(c.school_class or ""), c.schooling,
                 c.village.parent.short_name if c.village.parent else "", c.village.short_name, c.father_name, c.mother_name] for c in rows)
    when = timezone.localtime()
    label = f"{school.name} {LISTS[which]}"
    content, n = marked_workbook(title=LISTS[which][:31], headers=headers, rows=data, who=str(request.user), when=when, label=label)
    log_access(actor=request.user, action="export", scope=label, detail=f"导出人籍一致名单 {n} 条", request=request)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''roster-{which}-{school.pk}-{when:%Y%m%d-%H%M}.xlsx"
    return response
