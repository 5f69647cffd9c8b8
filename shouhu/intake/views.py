"""Pages of the register sheet: upload → preview → confirm, progress, downloads, export.
Thin: the work is in services/export; every page answers 404 for a job that is not yours."""
import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import allowed, requires
from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core import progress
from shouhu.core.cells import format_grade
from shouhu.core.errors import NotFound, ServiceError
from shouhu.core.params import page_param
from shouhu.registry.models import Child
from shouhu.registry.selectors import child_for
from shouhu.rules.national_forms import FORM_TITLE

from . import reports
from .export import export_create, export_options, fail_stuck_exports, notice_export_interrupted
from .models import ExportJob, ImportBatch, ImportRow
from .services import CHILD_FIELDS, fail_stuck_imports, import_cancel, import_confirm, import_create, notice_interrupted
from .sheet import form_rows

PREVIEW_PAGE = 50


def _batch(request, uid) -> ImportBatch:
    """Only the uploader sees an import (it holds rows of children outside any list)."""
    return get_object_or_404(ImportBatch, uid=uid, created_by=request.user)


def _job(request, uid) -> ExportJob:
    return get_object_or_404(ExportJob, uid=uid, created_by=request.user)


@requires("reads_records")
def import_start(request):
    """Readers export here; those who edit records also import (the upload is theirs alone)."""
    can_import = allowed(request.user, "edits_records")
    error = None
    if request.method == "POST":
        if not can_import:
            raise Http404
        upload = request.FILES.get("file")
        max_bytes = settings.SHOUHU["IMPORT_MAX_BYTES"]
        if upload is None:
            error = "请选择要上传的登记表文件"
        elif upload.size > max_bytes:
            error = f"文件大小 {upload.size / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.0f} MB；请按乡镇拆分后分别导入"
        elif Path(upload.name).suffix.lower() not in (".xlsx", ".xls", ".csv", ".xlsm"):
            error = "请上传 .xlsx、.xls 或 .csv 文件"
        else:
            with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix) as tmp:
                for chunk in upload.chunks():
                    tmp.write(chunk)
                tmp.flush()
                batch = import_create(actor=request.user, path=tmp.name, filename=upload.name)
            return redirect("intake:batch", uid=batch.uid)
    fail_stuck_imports(created_by=request.user)  # the list must not show a dead job as running
    fail_stuck_exports(created_by=request.user)
    batches = ImportBatch.objects.filter(created_by=request.user)[:10]
    jobs = ExportJob.objects.filter(created_by=request.user)[:10]
    return render(request, "intake/start.html", {
        "can_import": can_import, "error": error, "batches": batches, "jobs": jobs, "options": export_options(request.user),
        "max_mb": settings.SHOUHU["IMPORT_MAX_BYTES"] // 1048576,
    })


@requires("reads_records")
def batch_detail(request, uid):
    batch = notice_interrupted(_batch(request, uid))
    ctx = {"batch": batch, "p": progress.read(batch.uid)}
    if batch.status in (ImportBatch.Status.PREVIEW, ImportBatch.Status.DONE):
        show = request.GET.get("show") or ("rejected" if batch.rejected_count else "changed" if batch.changed_count else "new")
        kind = show if show in ImportRow.Kind.values else "rejected"
        page = Paginator(batch.rows.filter(kind=kind).order_by("row_no"), PREVIEW_PAGE).get_page(page_param(request.GET))
        ctx.update(show=kind, page=page)
    return _job_page(request, batch.running, ctx, "intake/_progress.html", "intake/batch.html")


def _job_page(request, running: bool, ctx: dict, partial: str, page: str):
    """A job's page; its progress bar polls with HTMX and gets the partial until the job ends,
    then a refresh so the whole page shows the result."""
    if request.headers.get("HX-Request"):
        if running:
            return render(request, partial, ctx)
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    return render(request, page, ctx)


@requires("reads_records")
@require_POST
def batch_confirm(request, uid):
    batch = _batch(request, uid)
    try:
        import_confirm(actor=request.user, batch=batch)
    except NotFound:
        raise
    except ServiceError as e:
        messages.error(request, e.message)
    return redirect("intake:batch", uid=batch.uid)


@requires("reads_records")
@require_POST
def batch_cancel(request, uid):
    batch = _batch(request, uid)
    try:
        import_cancel(actor=request.user, batch=batch)
        messages.info(request, "已取消本次导入，没有写入任何数据")
    except NotFound:
        raise
    except ServiceError as e:
        messages.error(request, e.message)
    return redirect("intake:start")


def _file_response(write, filename: str, fmt: str) -> FileResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    buf = io.BytesIO()
    write(buf, fmt)
    buf.seek(0)
    return FileResponse(buf, as_attachment=True, filename=filename)


@requires("reads_records")
def batch_errors(request, uid, fmt):
    batch = _batch(request, uid)
    stem = Path(batch.filename).stem
    return _file_response(lambda out, f: reports.write_error_sheet(batch, out, f), f"{stem}-待修改.{fmt}", fmt)


@requires("reads_records")
def batch_report(request, uid, fmt):
    batch = _batch(request, uid)
    stem = Path(batch.filename).stem
    return _file_response(lambda out, f: reports.write_problem_report(batch, out, f), f"{stem}-问题清单.{fmt}", fmt)


@requires("reads_records")
def template(request):
    return _file_response(lambda out, f: reports.write_template(out, f), "摸底排查登记表-模板.xlsx", "xlsx")


@requires("reads_records")
@require_POST
def export_start(request):
    fmt = request.POST.get("fmt", "xlsx")
    job = export_create(actor=request.user, node=request.POST.get("node", ""), fmt=fmt if fmt in ("xlsx", "csv") else "xlsx")
    return redirect("intake:export", uid=job.uid)


@requires("reads_records")
def export_detail(request, uid):
    job = _job(request, uid)
    notice_export_interrupted(job)
    ctx = {"job": job, "p": progress.read(job.uid), "hours": settings.SHOUHU["EXPORT_HOURS"]}
    return _job_page(request, job.running, ctx, "intake/_export_progress.html", "intake/export.html")


@requires("reads_records")
def export_file(request, uid):
    """The file, for the one who made the export (others: 404), until it expires; after that the
    link leads to the export's page, which says 已过期 and offers to export again."""
    job = _job(request, uid)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    if job.expired:
        return redirect("intake:export", uid=job.uid)
    log_access(actor=request.user, action="export", scope=f"{job.node_label}（{job.kind_label}）",
               detail=f"下载登记表 {job.rows_total} 人 {job.fmt}", request=request)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=Path(job.file.name).name)


# -- a record as the national one-child form (附件1) ----------------------------------------------
def _form_of(request, uid) -> tuple:
    child = child_for(request.user, uid)
    scope = scope_of(request.user)
    values = Child.objects.values(*CHILD_FIELDS).get(pk=child.pk)
    village, school, klass = child.village, child.school, child.school_class
    names = {"village": village.short_name or village.name, "township": village.parent.short_name or village.parent.name,
             "school": school.name if school else "", "class": klass.name if klass else "",
             "grade": format_grade(klass.grade) if klass else ""}
    return child, form_rows(values, names, scope.show_id)


@requires("reads_records")
def form_print(request, uid):
    """Any record printed as 民发〔2016〕42号 附件1 (the page's own print is our layout)."""
    child, rows = _form_of(request, uid)
    log_access(actor=request.user, action="print", child=child, detail="农村留守儿童基本情况登记表", request=request)
    return render(request, "intake/form_print.html", {"child": child, "rows": rows, "title": FORM_TITLE})


@requires("reads_records")
def form_workbook(request, uid):
    """The same form as an .xlsx (one worksheet): what a county sends on, and imports back as is."""
    child, rows = _form_of(request, uid)
    log_access(actor=request.user, action="export", child=child, detail="登记表（Excel）", request=request)
    data = reports.form_workbook_bytes([(child.name, rows)], marking=f"导出人：{request.user}")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename=\"form.xlsx\""
    return response
