"""Export of the register sheet for any scope node: 村簿 (village), 校册 (school or class),
乡镇档 (township), 县数据库 (county). The same columns as the import, so an export imports back
unchanged. Every file says who took it and when (file properties, print footer, a last line)."""
import csv
import logging
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.files import File
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from shouhu.accounts.scope import scope_of
from shouhu.core import progress
from shouhu.core.errors import NotFound, ServiceError
from shouhu.core.files import private_dir, private_file, sweep
from shouhu.regions.models import code_range
from shouhu.regions.selectors import classes_visible_to, regions_visible_to, schools_visible_to
from shouhu.registry.selectors import children_visible_to

from .models import ExportJob, ImportBatch
from .services import CHILD_FIELDS, FOOTER_PREFIX, Directory, purge_uploads, row_of_child
from .sheet import COLUMNS

log = logging.getLogger(__name__)
ORDER = ("township_code", "village_code", "name_pinyin", "id")
ID_FIELDS = ("id_number", "father_id_number", "mother_id_number", "carer_id_number")


def node_label(node: str, obj) -> tuple[str, str]:
    kind, _, _ = node.partition(":")
    if kind == "r":
        return obj.display_name, {5: "村簿", 4: "乡镇档"}.get(obj.level, "县数据库")
    if kind == "s":
        return obj.name, "校册"
    return obj.full_name, "校册"


def resolve_node(actor, node: str) -> tuple[object, Q]:
    """The node and the children filter; 404 for a node that is unknown or outside the scope."""
    kind, _, key = (node or "").partition(":")
    try:
        if kind == "r":
            obj = regions_visible_to(actor).get(code=key)
            return obj, Q(village_code__range=code_range(obj.code))
        if kind == "s":
            obj = schools_visible_to(actor).get(pk=int(key))
            return obj, Q(school_id=obj.pk)
        if kind == "c":
            obj = classes_visible_to(actor).get(pk=int(key))
            return obj, Q(school_class_id=obj.pk)
    except (ValueError, ObjectDoesNotExist):
        pass
    raise NotFound("未找到该范围")


def export_options(actor) -> list[tuple[str, list[tuple[str, str]]]]:
    """What the actor may export, grouped for a <select>: their regions down to villages, schools, classes."""
    scope = scope_of(actor)
    groups = []
    regions = list(regions_visible_to(actor).filter(level__gte=3).order_by("code").values("code", "name", "short_name", "level"))
    top = min((r["level"] for r in regions), default=None)
    for level, title in ((3, "县数据库"), (4, "乡镇档"), (5, "村簿")):
        opts = [(f"r:{r['code']}", r["short_name"] or r["name"]) for r in regions if r["level"] == level and (top is not None and level >= top)]
        if opts and (scope.sees_children):
            groups.append((title, opts))
    schools = [(f"s:{s.pk}", s.name) for s in schools_visible_to(actor)]
    if schools:
        groups.append(("校册（学校）", schools))
    classes = [(f"c:{c.pk}", c.full_name) for c in classes_visible_to(actor)]
    if classes and len(classes) <= 300:
        groups.append(("校册（班级）", classes))
    return groups


def export_create(*, actor, node: str, fmt: str = "xlsx", run: bool = True) -> ExportJob:
    obj, _ = resolve_node(actor, node)
    if fmt not in ("xlsx", "csv"):
        raise ServiceError("格式只能是 xlsx 或 csv", field="fmt")
    label, kind = node_label(node, obj)
    job = ExportJob.objects.create(created_by=actor, node=node, node_label=label[:128], kind_label=kind, fmt=fmt)
    if run:
        run_export.enqueue(job.pk)
    return job


@task()
def run_export(job_id: int) -> str:
    """`export_run` on the background worker (Django Tasks)."""
    return export_run(ExportJob.objects.get(pk=job_id)).status


def export_run(job: ExportJob) -> ExportJob:
    job.status = ExportJob.Status.RUNNING
    job.save(update_fields=["status", "updated_at"])
    actor = job.created_by
    try:
        _, q = resolve_node(actor, job.node)
        qs = children_visible_to(actor).filter(q)
        total = qs.count()
        # 0600 from the first byte: the file holds a whole village's or county's children
        path = private_file(private_dir(Path(settings.MEDIA_ROOT) / "tmp") / f"{job.uid}.{job.fmt}")
        who = f"{actor.get_full_name() or actor.username}（{actor.username}）" if actor else "系统"

        def tick(done: int) -> None:
            progress.report(job.uid, done=done, total=total, phase="正在生成")

        n = write_register(qs, path, fmt=job.fmt, who=who, when=timezone.localtime(), label=f"{job.node_label}（{job.kind_label}）",
                           show_id=scope_of(actor).show_id, tick=tick)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        with open(path, "rb") as f:
            job.file.save(f"{job.kind_label}-{job.node_label}-{stamp}.{job.fmt}", File(f), save=False)
        path.unlink(missing_ok=True)
        private_file_mode(job)
        job.rows_total, job.status, job.finished_at = n, ExportJob.Status.DONE, timezone.now()
        job.save()
    except NotFound:
        job.status, job.message = ExportJob.Status.FAILED, "您已无权导出该范围"
        job.save()
    except Exception:
        log.exception("export failed: job %s", job.uid)
        job.status, job.message = ExportJob.Status.FAILED, "生成文件时发生内部错误，请稍后重试"
        job.save()
    return job


def private_file_mode(job: ExportJob) -> None:
    """The stored file 0600 in a 0700 directory. The storage does so already (settings
    FILE_UPLOAD_PERMISSIONS); this holds for a directory made before that setting, too."""
    p = Path(job.file.path)
    private_dir(p.parent)
    p.chmod(0o600)


def purge_exports(*, now: datetime | None = None) -> int:
    """Nightly (`shouhu purge-exports`): delete export files past their `EXPORT_HOURS`, uploaded
    sheets whose check ended as long ago, then files in `exports/`, `imports/` and `tmp/` no job
    names (an interrupted run, a job removed) older than that. The job rows stay, as the record
    that an export was made; their pages say 已过期. Returns how many files were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.SHOUHU["EXPORT_HOURS"])
    deleted = 0
    old = ExportJob.objects.exclude(file="").filter(Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff))
    for job in old:
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    deleted += purge_uploads(before=cutoff)
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():  # a closed door for every file under it, photos stored before the 0600 mode too
        private_dir(media)
    keep = {media / name for model in (ExportJob, ImportBatch) for name in model.objects.exclude(file="").values_list("file", flat=True)}
    for sub in ("exports", "imports", "tmp"):
        deleted += sweep(media / sub, before=cutoff, keep=keep)
    return deleted


def notice_export_interrupted(job: ExportJob) -> ExportJob:
    """An export whose worker died says so instead of spinning forever."""
    if job.status == ExportJob.Status.RUNNING and progress.is_stale(job.uid, job.updated_at.timestamp()):
        job.status, job.message = ExportJob.Status.FAILED, "导出被中断（服务进程停止），请重新导出"
        job.save(update_fields=["status", "message", "updated_at"])
    return job


def fail_stuck_exports(*, created_by=None) -> int:
    qs = ExportJob.objects.filter(status=ExportJob.Status.RUNNING)
    if created_by is not None:
        qs = qs.filter(created_by=created_by)
    return sum(notice_export_interrupted(j).status == ExportJob.Status.FAILED for j in qs)


def footer_line(*, who: str, when: datetime, label: str, n: int) -> str:
    return f"{FOOTER_PREFIX}{who}，{when:%Y-%m-%d %H:%M}，{label}，共{n}人。含儿童个人信息，仅限工作使用，不得外传。"


def write_register(qs, path: Path, *, fmt: str, who: str, when: datetime, label: str, show_id=None, tick=None,
                   chunk: int = 2000) -> int:
    """Stream the children of `qs` into an .xlsx or .csv register sheet; returns how many. ID
    numbers as `show_id` shows them (a scope's `show_id`); whole without one (the system's export)."""
    directory = Directory()
    headers = [c.header for c in COLUMNS]

    def rows():
        for i, values in enumerate(qs.order_by(*ORDER).values(*CHILD_FIELDS).iterator(chunk_size=chunk), 1):
            if show_id is not None:
                for f in ID_FIELDS:
                    values[f] = show_id(values[f]) if values[f] else values[f]
            yield row_of_child(values, directory.names(values), COLUMNS)
            if tick and i % chunk == 0:
                tick(i)

    if fmt == "csv":
        n = _write_csv(path, headers, rows(), who=who, when=when, label=label)
    else:
        n = _write_xlsx(path, headers, rows(), who=who, when=when, label=label)
    if tick:
        tick(n)
    return n


def _write_csv(path: Path, headers, rows, *, who, when, label) -> int:
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(headers)
        for r in rows:
            w.writerow(r)
            n += 1
        w.writerow([footer_line(who=who, when=when, label=label, n=n)])
    return n


def _write_xlsx(path: Path, headers, rows, *, who, when, label) -> int:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({
        "title": "摸底排查登记表", "subject": label, "author": who, "company": "守护",
        "comments": f"导出人：{who}；导出时间：{when:%Y-%m-%d %H:%M}；范围：{label}。含儿童个人信息，仅限工作使用。",
        "created": when.replace(tzinfo=None),
    })
    ws = wb.add_worksheet("登记表")
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
    text = wb.add_format({"num_format": "@"})
    ws.set_column(0, len(headers) - 1, 12, text)
    ws.freeze_panes(1, 2)
    def esc(s: str) -> str:
        return s.replace("&", "&&")

    ws.set_footer(f"&L导出人：{esc(who)}  {when:%Y-%m-%d %H:%M}&C{esc(label)}&R第 &P 页，共 &N 页")
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, head)
    n = 0
    for n, r in enumerate(rows, 1):
        for c, v in enumerate(r):
            if v:
                ws.write_string(n, c, v)
    ws.write_string(n + 1, 0, footer_line(who=who, when=when, label=label, n=n))
    wb.close()
    return n
