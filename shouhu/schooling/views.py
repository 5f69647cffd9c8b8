"""学籍核对 pages: the schools in scope, a school's roster upload and its 人籍一致 lists, exports.
Thin: the work is in services/selectors; every school URL answers 404 for a school the user may
not read (another school's staff, a village director, a head teacher) exactly as for a missing one."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import requires
from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core.cells import format_grade
from shouhu.core.errors import NotFound, ServiceError
from shouhu.core.forms import apply_errors
from shouhu.core.params import page_param
from shouhu.core.searches import redirect_to_search, refuse_in_url, searched
from shouhu.core.xlsx import marked_workbook
from shouhu.regions.models import School
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to

from . import mismatches, selectors, services
from .forms import ListFilterForm, RosterUploadForm
from .models import STATUSES, Roster, RosterMismatch
from .sheet import template_workbook

LISTS = {"unregistered": "学籍在册但未建档", "missing": "建档在该校但学籍名册中没有"}
STATES = {"open": "待核实", "resolved": "已核实"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@requires("reads_records")
def index(request):
    schools = selectors.school_rows(request.user)
    if len(schools) == 1:
        return redirect("schooling:school", pk=schools[0].pk)
    edits = scope_of(request.user).edit_regions()
    return render(request, "schooling/index.html", {"schools": schools, "can_upload_any": selectors.may_upload_somewhere(request.user),
                                                    "village_director": bool(edits) and all(len(r.code) == 12 for r in edits)})


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
    resolved = _state(request) == "resolved"
    rows = [r for r in mismatches.attach(school, which, rows) if (r.answer is not None) == resolved]
    for r in rows:
        r.may_answer = mismatches.may_answer(request.user, school, which, r)
    return form, rows


def _state(request) -> str:
    return "resolved" if request.GET.get("state") == "resolved" else "open"


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
        "state": _state(request), "states": STATES, "resolutions": RosterMismatch.Resolution.choices,
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
        headers = ["姓名", "性别", "出生日期", "身份证号", "年级", "班级", "就学状态", "父亲姓名", "母亲姓名", "监护人", "名册行号", *ANSWER_HEADERS]
        data = ([e.name, e.sex, e.birth_date, show(e.id_number), format_grade(e.grade), e.class_name, e.status, e.father_name,
                 e.mother_name, e.carer_name, e.row_no, e.owner, *_answer_cells(e)] for e in rows)
    else:
        headers = ["姓名", "性别", "出生日期", "身份证号", "班级", "就学情况", "乡镇（街道）", "村（社区）", "父亲姓名", "母亲姓名", *ANSWER_HEADERS]
        data = ([c.name, c.sex, c.birth_date, show(c.id_number), str(c.school_class or ""), c.schooling,
                 c.village.parent.short_name if c.village.parent else "", c.village.short_name, c.father_name, c.mother_name, c.owner,
                 *_answer_cells(c)] for c in rows)
    when = timezone.localtime()
    label = f"{school.name} {LISTS[which]}（{STATES[_state(request)]}）"
    content, n = marked_workbook(title=LISTS[which][:31], headers=headers, rows=data, who=str(request.user), when=when, label=label)
    log_access(actor=request.user, action="export", scope=label, detail=f"导出人籍一致名单 {n} 条", request=request)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''roster-{which}-{school.pk}-{when:%Y%m%d-%H%M}.xlsx"
    return response


ANSWER_HEADERS = ["负责核实", "核实结果", "说明", "核实人", "核实时间"]


def _answer_cells(row) -> list:
    a = row.answer
    if a is None:
        return ["", "", "", ""]
    return [a.get_resolution_display(), a.note, str(a.resolved_by or ""), timezone.localtime(a.resolved_at).strftime("%Y-%m-%d %H:%M")]


@requires("reads_records")
@require_POST
def resolve(request, pk):
    """Answer one line of a 人籍一致 list (`mismatches`): the school page's form, or the village
    director's page's; back to the page it came from."""
    which = request.POST.get("list", "")
    school, row = mismatches.line_for(request.user, pk, which, request.POST.get("ref", ""))
    try:
        mismatches.mismatch_resolve(actor=request.user, school=school, which=which, row=row, resolution=request.POST.get("resolution", ""),
                                    note=request.POST.get("note", ""))
    except ServiceError as exc:
        messages.error(request, f"{row.name}：{exc.message}")
    else:
        messages.success(request, f"已记录{row.name}的核实结果")
    if request.POST.get("back") == "mine":
        return redirect("schooling:mismatches")
    return redirect(reverse("schooling:school", args=[school.pk]) + f"?list={which}")


@requires("edits_records")
def mine(request):
    """The village director's share of 人籍一致: the children of their village registered at a school
    whose roster lacks them — each to check with the family and answer (or fix the record)."""
    scope = scope_of(request.user)
    if any(len(r.code) < 12 for r in scope.edit_regions()):  # a township or the county works from the schools' pages
        return redirect("schooling:index")
    kids = children_visible_to(request.user).filter(status=Child.Status.ACTIVE, merged_into__isnull=True, school__isnull=False)
    schools = School.objects.filter(pk__in=kids.values("school"), rosters__isnull=False).distinct().order_by("name")
    groups = []
    for school in schools:
        rows = [c for c in mismatches.attach(school, "missing", list(selectors.missing_children(request.user, school))) if scope.can_edit(c)]
        for c in rows:
            c.may_answer = True
        groups.append((school, [c for c in rows if c.answer is None], [c for c in rows if c.answer is not None]))
    n = sum(len(o) + len(d) for _, o, d in groups)
    log_access(actor=request.user, action="view", scope="人籍一致（本村）", detail=f"查看人籍一致名单 {n} 条", request=request)
    return render(request, "schooling/mismatches.html", {"groups": groups, "resolutions": RosterMismatch.Resolution.choices})
