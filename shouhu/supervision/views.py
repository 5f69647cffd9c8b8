"""Supervision pages (docs/domain.md, "Supervision"): the findings list (filterable, exportable)
for everyone who files, answers or re-checks findings; inspections, the seeded sample and the
field check on a phone for the inspection team; one finding with its timeline, evidence and the
step's action; accountability for the county. A page that names a child is in the access log."""
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import allowed, requires
from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core import uploads
from shouhu.core.forms import run_and_tell, run_into_form
from shouhu.core.params import code_param, page_param
from shouhu.core.xlsx import marked_workbook, xlsx_response
from shouhu.regions.models import Region
from shouhu.rules import evaluation as E
from shouhu.rules import supervision as S

from . import scoreboard as score
from . import selectors, services
from .forms import AccountabilityForm, ActForm, CheckForm, DrawForm, FindingForm, IndicatorsForm, InspectionForm
from .models import FindingFile, SupervisionSetting

EXPORT_HEADERS = ["编号", "来源", "责任单位", "学校", "问题", "状态", "发现日期", "整改期限", "是否逾期", "所属督查"]


def _regions(user, flag: str = "inspects") -> list[Region]:
    return [a.region for a in scope_of(user).assignments_with(flag) if a.region_id]


@requires("findings")
def index(request):
    today = timezone.localdate()
    key = request.GET.get("state", "open")
    if key not in selectors.LIST_FILTERS:
        key = "open"
    qs = selectors.filtered(selectors.findings_visible_to(request.user), key, today=today)
    source = request.GET.get("source", "")
    if source in S.SOURCES:
        qs = qs.filter(source=source)
    region = code_param(request.GET)  # one place's findings (the home page's progress table links here)
    if region:
        qs = qs.filter(unit_code__startswith=region)
    qs = qs.select_related("unit", "school", "inspection").order_by("due_on", "id")
    label = selectors.LIST_FILTERS[key][0]
    if request.GET.get("export") == "xlsx":
        when = timezone.localtime()
        rows = ([f.pk, S.SOURCES[f.source], f.unit.display_name, f.school.name if f.school else "", f.problem, S.STATES[f.state],
                 f.found_on.isoformat(), f.due_on.isoformat(), "是" if S.is_overdue(f.state, f.due_on, today) else "",
                 f.inspection.title if f.inspection else ""] for f in qs.iterator(chunk_size=2000))
        data, n = marked_workbook(title="督查问题", headers=EXPORT_HEADERS, rows=rows, who=str(request.user), when=when,
                                  label=f"督查问题（{label}）", freeze_cols=1)
        log_access(actor=request.user, action="export", scope="督查整改", detail=f"导出督查问题 {n} 项（{label}）", request=request)
        return xlsx_response(data, f"findings-{when:%Y%m%d-%H%M}.xlsx")
    page = Paginator(qs, 30).get_page(page_param(request.GET))
    visible = selectors.findings_visible_to(request.user)
    counts = visible.aggregate(open=Count("id", filter=Q(state__in=("open", "returned"))), answered=Count("id", filter=Q(state="answered")),
                               late=Count("id", filter=selectors.late_q(today)))
    inspects = allowed(request.user, "inspects")
    inspections = selectors.inspections_visible_to(request.user).annotate(n=Count("findings")).order_by("-planned_on", "-id")[:10] if inspects else []
    coverage = selectors.inspection_coverage(request.user, today=today) if inspects else []
    return render(request, "supervision/index.html", {
        "page": page, "state": key, "states": [(k, v[0]) for k, v in selectors.LIST_FILTERS.items()], "source": source,
        "sources": list(S.SOURCES.items()), "counts": counts, "inspections": inspections, "inspects": inspects, "today": today,
        "coverage": coverage, "short": sum(1 for c in coverage if c["short"]),
        "region": region, "base_query": f"state={key}&source={source}" + (f"&region={region}" if region else "")})


# -- inspections ----------------------------------------------------------------------------------
@requires("inspects")
def inspection_new(request):
    form = InspectionForm(request.POST or None, regions=_regions(request.user))
    if request.method == "POST" and form.is_valid():
        i = run_into_form(request, form, lambda: services.inspection_create(actor=request.user, **form.cleaned_data), "已建立督查，请开始抽查")
        if i is not None:
            return redirect("supervision:inspection", pk=i.pk)
    return render(request, "supervision/inspection_form.html", {"form": form})


@requires("inspects")
def inspection_detail(request, pk):
    i = selectors.inspection_for(request.user, pk)
    form = DrawForm(request.POST or None, inspection=i, size=SupervisionSetting.current().sample_size)
    if request.method == "POST" and form.is_valid():
        sample = run_into_form(request, form, lambda: services.sample_draw(actor=request.user, inspection=i, request=request,
                                                                          **form.cleaned_data), "已随机抽取，请逐一核查")
        if sample is not None:
            return redirect("supervision:sample", pk=sample.pk)
    samples = i.samples.select_related("village").annotate(done=Count("items", filter=Q(items__checked_at__isnull=False)),
                                                           n=Count("items"))
    findings = i.findings.select_related("unit", "school").order_by("id")
    return render(request, "supervision/inspection_detail.html", {
        "i": i, "form": form, "samples": samples, "findings": findings, "units": i.units.order_by("code"), "today": timezone.localdate(),
        "last_round": selectors.last_round(i) if i.state != "done" else []})


@requires("inspects")
@require_POST
def inspection_recheck(request, pk, fid):
    i = selectors.inspection_for(request.user, pk)
    old = selectors.finding_for(request.user, fid)
    still = request.POST.get("still") == "1"
    run_and_tell(request, lambda: services.finding_recheck(actor=request.user, inspection=i, finding=old, still=still,
                                                            note=request.POST.get("note", "")),
                 "复查：问题仍存在，已重新登记并通知责任单位" if still else "复查：整改到位，已记录")
    return redirect("supervision:inspection", pk=i.pk)


@requires("inspects")
def inspection_suggestions(request, pk):
    """What the system's own data suggest in the inspection's region (indicators below target this
    quarter): each can be filed as a finding, pre-filled."""
    i = selectors.inspection_for(request.user, pk)
    return render(request, "supervision/suggestions.html", {"i": i, "rows": score.suggestions(region=i.region)})


@requires("inspects")
@require_POST
def inspection_finish(request, pk):
    i = selectors.inspection_for(request.user, pk)
    run_and_tell(request, lambda: services.inspection_finish(actor=request.user, inspection=i), "督查已完成")
    return redirect("supervision:inspection", pk=i.pk)


@requires("inspects")
def sample_detail(request, pk):
    """The sampled children, each checked on the spot: 4 questions, a note, a photo. A "不符" files
    a finding on the village at once."""
    sample = selectors.sample_for(request.user, pk)
    items = list(sample.items.select_related("child").prefetch_related("findings"))
    forms = {}
    if request.method == "POST":
        item = next((x for x in items if str(x.pk) == request.POST.get("item")), None)
        if item is None:
            raise Http404
        form = CheckForm(request.POST, request.FILES)
        if form.is_valid():
            done = run_into_form(request, form, lambda: services.sample_check(
                actor=request.user, item=item, answers=form.answers(), note=form.cleaned_data["note"], photo=form.cleaned_data["photo"]) or True,
                f"已保存 {item.child.name} 的核查结果")
            if done is not None:
                return redirect(f"{request.path}#item-{item.pk}")
        forms[item.pk] = form
    for x in items:
        forms.setdefault(x.pk, CheckForm(initial={"note": x.note}, initial_answers=x.answers, prefix=None))
    log_access(actor=request.user, action="list", scope="督查抽查", target=sample.village.code,
               detail=f"督查#{sample.inspection_id} 抽查名单 {len(items)} 人", request=request)
    return render(request, "supervision/sample.html", {
        "sample": sample, "rows": [(x, forms[x.pk]) for x in items], "checks": list(S.CHECKS.items()), "answers": S.ANSWERS,
        "done": sum(1 for x in items if x.checked_at)})


# -- findings -------------------------------------------------------------------------------------
@requires("inspects")
def finding_new(request):
    inspection = None
    if request.GET.get("inspection"):
        inspection = selectors.inspection_for(request.user, request.GET["inspection"])
    regions = _regions(request.user)
    region = inspection.region if inspection else (min(regions, key=lambda r: r.level) if regions else None)
    if region is None:
        raise Http404
    source = request.GET.get("source", "manual") if request.GET.get("source") in S.SOURCES else "manual"
    initial = {k: request.GET[k] for k in ("problem", "detail") if request.GET.get(k)}
    if request.GET.get("unit"):
        initial["unit"] = Region.objects.filter(code=request.GET["unit"]).values_list("pk", flat=True).first()
    form = FindingForm(request.POST or None, request.FILES or None, region=region, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        f = run_into_form(request, form, lambda: services.finding_create(
            actor=request.user, inspection=inspection, unit=d["unit"], school=d["school"], problem=d["problem"], detail=d["detail"],
            due_on=d["due_on"], files=d["files"], source=source), "已登记问题，责任单位已收到通知")
        if f is not None:
            return redirect("supervision:finding", pk=f.pk)
    return render(request, "supervision/finding_form.html", {"form": form, "inspection": inspection})


@requires("findings")
def finding_detail(request, pk):
    f = selectors.finding_for(request.user, pk)
    actions = selectors.actions_for(request.user, f)
    act = request.POST.get("action", "") if request.method == "POST" else ""
    forms = {a: ActForm(request.POST if a == act else None, request.FILES if a == act else None, prefix=a) for a in actions}
    if act:
        if act not in forms:
            raise Http404
        form = forms[act]
        if form.is_valid():
            done = run_into_form(request, form, lambda: services.finding_act(
                actor=request.user, finding=f, action=act, note=form.cleaned_data["note"], files=form.cleaned_data["files"]),
                {"answer": "已提交整改，等待上级复核", "pass": "已复核通过", "return": "已退回，责任单位将重新整改"}[act])
            if done is not None:
                return redirect("supervision:finding", pk=f.pk)
    if f.child_id:
        log_access(actor=request.user, action="view", child=f.child, scope="督查整改", detail=f"督查问题 #{f.pk}", request=request)
    steps = f.steps.select_related("by").prefetch_related("files")
    return render(request, "supervision/finding_detail.html", {
        "f": f, "steps": steps, "forms": [(a, S.ACTION_LABELS[a], forms[a]) for a in actions], "files": f.files.filter(step__action="open"),
        "late": S.is_overdue(f.state, f.due_on, timezone.localdate()), "history": f.rechecks.all(), "sees_child": f.child_id and allowed(request.user, "reads_records")})


@requires("findings")
def finding_file(request, pk, fid):
    """Evidence, served through the finding's scope, never from /media/."""
    f = selectors.finding_for(request.user, pk)
    row = FindingFile.objects.filter(finding=f, pk=fid).first() if str(fid).isdigit() else None
    if row is None:
        raise Http404
    # a photo of the problem may show the child or the home: read like the record
    log_access(actor=request.user, action="view", child=f.child, scope="督查整改", detail=f"督查问题 #{f.pk} 佐证材料 #{row.pk}",
               request=request)
    return uploads.document_response(row.file)


# -- accountability -------------------------------------------------------------------------------
@requires("findings")
def accountability(request):
    """问责: the county decides (with the units whose findings call for it listed first); a unit sees its own history."""
    today = timezone.localdate()
    rows = selectors.accountabilities_visible_to(request.user).select_related("unit", "decided_by").prefetch_related("findings")
    county = scope_of(request.user).is_county_admin
    form = None
    suggested = []
    if county:
        regions = _regions(request.user, "reviews_findings")
        region = min(regions, key=lambda r: r.level) if regions else None
        form = AccountabilityForm(request.POST or None, region=region)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            findings = selectors.findings_visible_to(request.user).filter(pk__in=request.POST.getlist("findings"), unit_code__startswith=d["unit"].code)
            done = run_into_form(request, form, lambda: services.accountability_decide(actor=request.user, findings=findings, **d), "已记录问责决定")
            if done is not None:
                return redirect("supervision:accountability")
        suggested = selectors.units_calling_for_accountability(request.user, today=today)
    return render(request, "supervision/accountability.html", {"rows": rows, "form": form, "suggested": suggested, "measures": S.MEASURES})


# -- 考核 -----------------------------------------------------------------------------------------
def _period(request):
    today = timezone.localdate()
    text = request.GET.get("period") or request.POST.get("period") or E.period_key(*E.quarter_of(today))
    try:
        return E.parse_period(text)
    except ValueError:
        return E.quarter_of(today)


def _periods(today) -> list[tuple[str, str]]:
    year, q = E.quarter_of(today)
    out = []
    for _ in range(6):
        out.append((E.period_key(year, q), E.period_label(year, q)))
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    y = today.year
    return out + [(str(y - 1), E.period_label(y - 1, None)), (str(y), E.period_label(y, None))]


SCORE_HEADERS = ["单位", "类型", "得分", "一票否决"]


def _score_rows(figures):
    for r in [*figures["townships"], *figures["schools"], figures["total"]]:
        cells = [r["label"], {"township": "乡镇", "school": "学校", "total": "合计"}[r["kind"]], "" if r["score"] is None else r["score"],
                 "是" if r["veto"] else ""]
        for ind in figures["indicators"]:
            n, d = r["values"].get(ind["key"], [0, 0])
            cells += [n] if ind["veto"] else [n, d, "" if E.rate(n, d) is None else E.rate(n, d)]
        yield cells


def _display(figures) -> list[dict]:
    """Each row with its indicators as cells: rate, counts, points, and the list behind it."""
    out = []
    for r in [*figures["townships"], *figures["schools"], figures["total"]]:
        unit = f"school={r['key']}" if r["kind"] == "school" else f"region={r['key']}"
        cells = []
        for ind in figures["indicators"]:
            n, d = r["values"].get(ind["key"], [0, 0])
            cells.append({"key": ind["key"], "label": ind["label"], "n": n, "d": d, "veto": ind["veto"], "rate": E.rate(n, d),
                          "points": r["parts"].get(ind["key"]), "below": E.rate(n, d) is not None and E.rate(n, d) < ind["target"],
                          "link": ind["link"].replace("{unit}", unit) if ind["link"] else ""})
        out.append({**r, "cells": cells})
    return out


@requires("scoreboard")
def scoreboard(request):
    year, quarter = _period(request)
    figures, frozen = score.scoreboard(request.user, year=year, quarter=quarter, live=request.GET.get("live") == "1")
    if request.GET.get("export") == "xlsx":
        when = timezone.localtime()
        headers = list(SCORE_HEADERS)
        for ind in figures["indicators"]:
            headers += [f"{ind['label']}（次数）"] if ind["veto"] else [f"{ind['label']}·达标", f"{ind['label']}·应统计", f"{ind['label']}（%）"]
        data, n = marked_workbook(title="考核", headers=headers, rows=_score_rows(figures), who=str(request.user), when=when,
                                  label=f"{figures['region']['name']}考核（{figures['label']}{'，已冻结' if frozen else ''}）", freeze_cols=1)
        log_access(actor=request.user, action="export", scope="考核", detail=f"导出考核 {figures['period']} {n} 行", request=request)
        return xlsx_response(data, f"scoreboard-{figures['period']}.xlsx")
    today = timezone.localdate()
    ended = date.fromisoformat(figures["last"]) < today
    return render(request, "supervision/scoreboard.html", {
        "f": figures, "rows": _display(figures), "frozen": frozen, "periods": _periods(today), "period": figures["period"], "county": scope_of(request.user).is_county_admin,
        "may_freeze": ended and frozen is None and scope_of(request.user).is_county_admin})


@requires("manages_county")
@require_POST
def scoreboard_freeze(request):
    year, quarter = _period(request)
    run_and_tell(request, lambda: score.scoreboard_freeze(actor=request.user, year=year, quarter=quarter), "考核结果已冻结")
    return redirect(f"{reverse('supervision:scoreboard')}?period={E.period_key(year, quarter)}")


@requires("manages_county")
def scoreboard_settings(request):
    table = E.specs(SupervisionSetting.current().indicators)
    form = IndicatorsForm(request.POST or None, table=table)
    if request.method == "POST" and form.is_valid():
        before = {k: (s.weight, s.target) for k, s in table.items() if not s.veto}
        done = run_into_form(request, form, lambda: score.indicators_set(actor=request.user, values=form.values()), "已保存考核指标")
        if done is not None:
            log_access(actor=request.user, action="settings", scope="考核指标", request=request,
                       detail="；".join(f"{E.INDICATORS[k].label} {before[k][0]:g}/{before[k][1]:g}→{v['weight']:g}/{v['target']:g}"
                                       for k, v in form.values().items() if (v["weight"], v["target"]) != before.get(k))[:255])
            return redirect("supervision:scoreboard")
    return render(request, "supervision/scoreboard_settings.html", {"form": form})
