"""Data-quality pages: a unit's score, counts per check, the trend, and the records behind each
count, each with a link to the field to fix. Everything through the scope selector."""
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import requires
from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.care.models import Visit
from shouhu.core import progress as job_progress
from shouhu.core.errors import NotFound, ServiceError
from shouhu.core.forms import run_and_tell
from shouhu.core.params import code_param, int_param, page_param
from shouhu.core.xlsx import marked_workbook, xlsx_response
from shouhu.regions.selectors import regions_visible_to, schools_visible_to
from shouhu.registry.models import Child
from shouhu.registry.services import UNDO_DAYS, merge_fields, merge_moves, merge_plan, merge_undoable
from shouhu.rules import quality as Q_

from . import selectors, services
from .models import DuplicatePair, Issue
from .tasks import PROGRESS_KEY, recheck


def _node(request) -> dict:
    """The school or region asked for, checked against the user's scope (404 if not theirs);
    without one, the user's own region or school."""
    school, region = int_param(request.GET, "school"), code_param(request.GET, "region")
    if school is not None:
        if not schools_visible_to(request.user).filter(pk=school).exists():
            raise Http404
        return {"school": school}
    if region:
        if not regions_visible_to(request.user).filter(code=region).exists():
            raise Http404
        return {"region": region}
    for a in scope_of(request.user).assignments:  # the first assignment's node, as the care pages choose it
        if a.region_id:
            return {"region": a.region.code}
        if a.school_class_id:
            return {}
        if a.school_id:
            return {"school": a.school_id}
    return {}


def _next_url(request, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return nxt if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else default


def _admin_line(scope) -> bool:
    return any(ROLES[a.role].line == "admin" for a in scope.assignments)


@requires("reads_records")
def overview(request):
    scope = scope_of(request.user)
    node = _node(request)
    region = regions_visible_to(request.user).filter(code=node["region"]).first() if node.get("region") else None
    school = schools_visible_to(request.user).filter(pk=node["school"]).first() if node.get("school") else None
    job = job_progress.read(PROGRESS_KEY)
    # snapshots are per village and unscoped: the administrative line only, like the unit scores
    trend = selectors.trend(region) if region and _admin_line(scope) else []
    return render(request, "quality/overview.html", {
        "node": node, "region": region, "school": school,
        # villages and townships for the administrative line; schools for both lines
        "units": selectors.units(request.user, region) if region and _admin_line(scope) else [],
        "schools": selectors.school_units(request.user, region) if not node.get("school") else [],
        "checks": selectors.by_check(request.user, selectors.node_q(node)), "records": selectors.records_in(request.user, node),
        "trend": trend, "trend_json": [{"month": f"{t['month']:%Y-%m}", "score": t["score"], "errors": t["errors"],
                                        "warnings": t["warnings"]} for t in trend],
        "can_recheck": scope.is_county_admin,
        "job": job if job and job.get("phase") != "完成" else None, "pct": job_progress.percent(job),
        "node_query": "&".join(f"{k}={v}" for k, v in node.items()),
        "duplicates": selectors.pairs_visible_to(request.user, node).filter(status=DuplicatePair.Status.OPEN).count(),
    })


@requires("reads_records")
def issue_list(request):
    scope = scope_of(request.user)
    node = _node(request)
    qs = selectors.issues_visible_to(request.user).filter(selectors.node_q(node))
    code = request.GET.get("code", "")
    if code in Q_.CATALOGUE:
        qs = qs.filter(code=code)
    status = request.GET.get("status", "open")
    if status in Issue.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("export") == "xlsx":
        return _issues_export(request, qs)
    page = Paginator(qs.select_related("child__village__parent", "dismissed_by").order_by("village_code", "child_id", "code"), 30).get_page(page_param(request.GET))
    pairs = _pairs_of(request.user, [i for i in page if i.code == "possible_duplicate"])
    for issue in page:
        issue.pair = pairs.get(issue.pk)
        issue.check = Q_.CATALOGUE.get(issue.code)
        issue.field_label = _label(issue)
        issue.can_fix = scope.can_edit_village(issue.village_code)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "quality/issues.html", {"page": page, "check": Q_.CATALOGUE.get(code), "status": status,
                                                   "statuses": Issue.Status.choices, "base_query": params.urlencode()})


def _issues_export(request, qs):
    when = timezone.localtime()
    label = "数据质量问题（按当前筛选条件）"
    levels = {"error": "错误", "warning": "警告", "info": "提示"}

    def rows():
        for i in qs.select_related("child__village__parent", "dismissed_by").order_by("village_code", "child_id", "code")[:50_000].iterator(chunk_size=2000):
            village = i.child.village
            check = Q_.CATALOGUE.get(i.code)
            yield [i.child.archive_no or "", i.child.name, village.parent.short_name if village.parent else "", village.short_name,
                   check.title if check else i.code, levels.get(i.level, i.level), _label(i), i.message, i.get_status_display(),
                   f"{i.first_seen:%Y-%m-%d}", f"{i.closed_on:%Y-%m-%d}" if i.closed_on else "", i.dismiss_reason,
                   str(i.dismissed_by) if i.dismissed_by else ""]

    data, n = marked_workbook(title="数据质量问题", headers=["档案编号", "姓名", "乡镇（街道）", "村（社区）", "问题", "级别", "栏目", "说明",
                                                       "状态", "发现日期", "关闭日期", "说明理由", "说明人"],
                              rows=rows(), who=str(request.user), when=when, label=label, freeze_cols=2)
    log_access(actor=request.user, action="export", scope=label, detail=f"导出数据质量问题 {n} 条", request=request)
    return xlsx_response(data, f"quality-issues-{when:%Y%m%d-%H%M}.xlsx")


def _pairs_of(actor, issues: list) -> dict:
    """The candidate pair behind each `possible_duplicate` issue the actor may open (both records
    in scope); a pair across villages is left to the township."""
    want = {i.pk: tuple(sorted((i.child_id, i.related[0]))) for i in issues if i.related}
    if not want:
        return {}
    found = {(p.a_id, p.b_id): p.pk for p in selectors.pairs_visible_to(actor).filter(a_id__in=[a for a, _ in want.values()])}
    return {pk: found[k] for pk, k in want.items() if k in found}


def _label(issue: Issue) -> str:
    try:
        model = Child if Q_.CATALOGUE[issue.code].subject == "child" else Visit  # not issue.visit: a query a row
        return str(model._meta.get_field(issue.field).verbose_name)
    except (KeyError, FieldDoesNotExist):  # a code or field the catalogue or model no longer has
        return issue.field


@requires("reads_records")
@require_POST
def issue_dismiss(request, pk):
    try:
        issue = selectors.issues_visible_to(request.user).get(pk=int(pk))
    except (ValueError, Issue.DoesNotExist):
        raise Http404 from None
    run_and_tell(request, lambda: services.dismiss(actor=request.user, issue=issue, reason=request.POST.get("reason", "")),
                 f"已说明并关闭：{issue.child.name} · {Q_.CATALOGUE[issue.code].title}")
    return redirect(_next_url(request, reverse("quality:issues")))  # only back to this site


@requires("reads_records")
def job(request):
    """The running check's progress (polled by the overview while a check runs)."""
    node = _node(request)
    state = job_progress.read(PROGRESS_KEY)
    return render(request, "quality/_job.html", {"job": state or {"phase": "完成", "total": 0}, "pct": job_progress.percent(state),
                                                 "node_query": "&".join(f"{k}={v}" for k, v in node.items())})


@requires("manages_county")
@require_POST
def recheck_now(request):
    job_progress.report(PROGRESS_KEY, done=0, total=0, phase="排队中")
    recheck.enqueue(None)
    messages.success(request, "已开始全县数据质量检查，完成后数字会自动更新。")
    return redirect("quality:overview")


# -- duplicates: the pairs, side by side, merge or "not the same" ----------------------------------


def _shown(child: Child, field, scope) -> str:
    v = getattr(child, field.attname)
    if v in (None, "", [], {}):
        return ""
    if field.name in Q_.ID_FIELDS:
        return scope.show_id(v)
    if field.choices:
        return str(getattr(child, f"get_{field.name}_display")())
    if field.is_relation:
        return str(getattr(child, field.name))
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, list):
        return "；".join(_readable(x) for x in v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "name"):  # a file: say that there is one, not its path
        return "有"
    return str(v)


def _readable(item) -> str:
    """One entry of a list field as a person writes it: 祖父 陆国华（1950-03-02，已故）,
    王小芳（母亲）13812345678 — not the stored dict."""
    if not isinstance(item, dict):
        return str(item)
    head = " ".join(str(item[k]) for k in ("relation", "name") if item.get(k) and not (k == "relation" and "phone" in item))
    extra = [str(item["birth_date"])] if item.get("birth_date") else []
    if item.get("deceased"):
        extra.append("已故")
    if "phone" in item and item.get("relation"):
        extra.append(str(item["relation"]))
    text = head + (f"（{'，'.join(extra)}）" if extra else "")
    return f"{text} {item['phone']}".strip() if item.get("phone") else text


def _pairs_filtered(request):
    node = _node(request)
    status = request.GET.get("status", "open")
    qs = selectors.pairs_visible_to(request.user, node)
    if status in DuplicatePair.Status.values:
        qs = qs.filter(status=status)
    return qs.select_related("a__village", "b__village", "decided_by").order_by("-score", "pk"), status


@requires("reads_records")
def duplicate_list(request):
    qs, status = _pairs_filtered(request)
    if request.GET.get("export") == "xlsx":
        return _duplicates_export(request, qs)
    page = Paginator(qs, 30).get_page(page_param(request.GET))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "quality/duplicates.html", {"page": page, "status": status, "statuses": DuplicatePair.Status.choices,
                                                       "base_query": params.urlencode()})


def _duplicates_export(request, qs):
    when = timezone.localtime()
    label = "疑似重复档案（按当前筛选条件）"

    def rows():
        for p in qs[:50_000].iterator(chunk_size=1000):
            yield [p.a.archive_no or "", p.a.name, str(p.a.village), p.a.birth_date.isoformat(), p.b.archive_no or "", p.b.name,
                   str(p.b.village), p.b.birth_date.isoformat(), f"{p.score:.3f}", "；".join(p.reasons), p.get_status_display(), p.note]

    data, n = marked_workbook(title="疑似重复档案", headers=["档案编号1", "姓名1", "村（社区）1", "出生日期1", "档案编号2", "姓名2",
                                                       "村（社区）2", "出生日期2", "相似度", "原因", "状态", "说明"],
                              rows=rows(), who=str(request.user), when=when, label=label, freeze_cols=2)
    log_access(actor=request.user, action="export", scope=label, detail=f"导出疑似重复档案 {n} 对", request=request)
    return xlsx_response(data, f"duplicates-{when:%Y%m%d-%H%M}.xlsx")


@requires("reads_records")
def duplicate_detail(request, pk):
    scope = scope_of(request.user)
    pair = selectors.pair_for(request.user, pk)
    a, b = pair.a, pair.b
    for child in (a, b):
        log_access(actor=request.user, action="view", child=child, detail="对比疑似重复档案", request=request)
    plan_a, plan_b = merge_plan(a, b), merge_plan(b, a)
    rows = []
    for f in merge_fields():
        va, vb = _shown(a, f, scope), _shown(b, f, scope)
        if not va and not vb:
            continue
        differ = getattr(a, f.attname) != getattr(b, f.attname)
        rows.append({"name": f.name, "label": f.verbose_name, "a": va, "b": vb, "differ": differ,
                     "choose": differ and (f.name in plan_a or f.name in plan_b), "default": "b" if plan_a.get(f.name) else "a"})
    rows.sort(key=lambda r: not r["differ"])
    care = [{"visits": c.visits.count(), "pairings": c.pairings.count(), "contacts": c.contacts.count()} for c in (a, b)]
    edits_both = scope.can_edit_village(a.village_code) and scope.can_edit_village(b.village_code)
    can_decide = pair.status == DuplicatePair.Status.OPEN and edits_both
    merge = services.pair_merge_of(pair) if edits_both else None
    undo = None
    if merge is not None and merge_undoable(merge):
        kept, other = (a, b) if merge.keep_id == a.pk else (b, a)
        undo = {"merge": merge, "until": timezone.localtime(merge.at) + timedelta(days=UNDO_DAYS), "kept": kept, "other": other}
    moves = {c.pk: merge_moves(c) for c in (a, b)} if can_decide else {}
    return render(request, "quality/duplicate_detail.html", {"pair": pair, "a": a, "b": b, "rows": rows, "care": care,
                                                             "can_decide": can_decide, "errors": {}, "undo": undo,
                                                             "moves_a": moves.get(a.pk), "moves_b": moves.get(b.pk)})


@requires("reads_records")
@require_POST
def duplicate_undo(request, pk):
    """撤销合并: both records stand again, the moved records go back (within UNDO_DAYS)."""
    pair = selectors.pair_for(request.user, pk)
    try:
        child = services.pair_unmerge(actor=request.user, pair=pair, reason=request.POST.get("reason", ""))
    except NotFound:
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("quality:duplicate", pk=pair.pk)
    messages.success(request, f"已撤销合并：{child.name} 恢复为独立档案，合并时转走的记录已转回。")
    return redirect("quality:duplicate", pk=pair.pk)


@requires("reads_records")
@require_POST
def duplicate_decide(request, pk):
    """One form with two buttons: merge (keep one record, choose the values) or "not the same"."""
    pair = selectors.pair_for(request.user, pk)
    p = request.POST
    try:
        if p.get("action") == "not_same":
            services.pair_not_same(actor=request.user, pair=pair, reason=p.get("reason", ""))
            messages.success(request, "已标记为不是同一人，以后不再提示这一对。")
            return redirect("quality:duplicates")
        keep = int(p.get("keep", "0")) if p.get("keep", "").isdigit() else 0
        other = "b" if keep == pair.a_id else "a"
        take = [k[2:] for k, v in p.items() if k.startswith("f_") and v == other]
        child = services.pair_merge(actor=request.user, pair=pair, keep=keep, take=take, reason=p.get("reason", ""))
    except NotFound:
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("quality:duplicate", pk=pair.pk)
    messages.success(request, f"已合并：保留的档案为 {child.name}，另一份已并入并保留历史。")
    return redirect("registry:detail", child.uid)
