"""Pages of places (docs/domain.md, "Places"): the register (filterable, exportable), one place with
its "六个一", photos, steps and sessions; a session's sign-in on a phone (tick names, or paste a
list); the 家长学校 (lectures, guardians, carers due for training); coverage; the county's checklist.
A page that names children is in the access log."""
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import allowed, requires
from shouhu.audit.services import log_access
from shouhu.core import uploads
from shouhu.core.errors import NotFound, ServiceError
from shouhu.core.forms import apply_errors, run_and_tell, run_into_form
from shouhu.core.params import choice_param, code_param, page_param
from shouhu.core.versions import Stale
from shouhu.core.xlsx import marked_workbook, xlsx_response
from shouhu.regions.models import Place, code_range
from shouhu.regions.selectors import node_within, regions_visible_to
from shouhu.rules import places as P

from . import selectors, services
from .forms import ActForm, GuardianForm, PhotoForm, PlaceForm, SessionForm, SettingsForm
from .models import Attendance, GuardianAttendance, PlaceFile, PlaceSetting

PLACE_HEADERS = ["编号", "类型", "名称", "乡镇", "村（社区）", "学校", "管理员", "管理员电话", "开放时间", "状态", "“六个一”", "申报日期", "验收日期", "停用日期"]
TICK_PAGE = 200  # names on one sign-in page: a village's children fit on one


def _township(place: Place) -> str:
    r = place.region
    return (r.parent.display_name if r.level == 5 and r.parent_id else r.display_name)


def _query(request) -> str:
    params = request.GET.copy()
    for k in ("page", "export"):
        params.pop(k, None)
    return params.urlencode()


# -- the register ---------------------------------------------------------------------------------
@requires("records_attendance")
def index(request):
    qs = selectors.places_visible_to(request.user).select_related("region__parent")
    kind = choice_param(request.GET, "kind", P.KINDS)
    status = choice_param(request.GET, "status", P.STATES)
    region = code_param(request.GET)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(code__range=code_range(region))
    counts = dict(selectors.places_visible_to(request.user).order_by().values_list("status").annotate(n=Count("id")))
    if request.GET.get("export") == "xlsx":
        when = timezone.localtime()
        items = PlaceSetting.current().items
        rows = ([p.pk, p.get_kind_display(), p.name, _township(p), p.region.display_name if p.region.level == 5 else "",
                 p.school.name if p.school else "", p.manager_name, p.manager_phone, p.hours, p.get_status_display(),
                 f"{len(items) - len(P.missing_items(p.checklist, items))}/{len(items)}",
                 p.declared_on or "", p.accepted_on or "", p.closed_on or ""] for p in qs.iterator(chunk_size=2000))
        data, n = marked_workbook(title="阵地", headers=PLACE_HEADERS, rows=rows, who=str(request.user), when=when, label="阵地建设")
        log_access(actor=request.user, action="export", scope="阵地建设", detail=f"导出场所 {n} 个", request=request)
        return xlsx_response(data, f"places-{when:%Y%m%d-%H%M}.xlsx")
    page = Paginator(qs, 30).get_page(page_param(request.GET))
    return render(request, "places/index.html", {
        "page": page, "kinds": list(P.KINDS.items()), "states": list(P.STATES.items()), "kind": kind, "status": status,
        "region": region, "regions": regions_visible_to(request.user).filter(level__in=(4, 5)).select_related("parent").order_by("code"),
        "counts": [(k, v, counts.get(k, 0)) for k, v in P.STATES.items()], "may_add": allowed(request.user, "manages_places"),
        "base_query": _query(request)})


@requires("manages_places")
def place_new(request):
    items = PlaceSetting.current().items
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in P.KINDS else {}
    form = PlaceForm(request.POST or None, actor=request.user, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        place = run_into_form(request, form, lambda: services.place_save(actor=request.user, place=form.save(commit=False)),
                              "已登记场所。“六个一”达标后请申报验收", "name")
        if place is not None:
            return redirect("places:detail", pk=place.pk)
    return render(request, "places/place_form.html", {"form": form})


@requires("manages_places")
def place_edit(request, pk):
    place = selectors.place_for(request.user, pk, flag="manages_places")
    form = PlaceForm(request.POST or None, instance=place, actor=request.user, items=PlaceSetting.current().items)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.place_save(actor=request.user, place=form.save(commit=False), version=form.expected_version())
        except Stale:
            # saved by someone else since this form was opened: keep what was typed, show what is
            # saved now where it differs, and base the form on the new version
            current = Place.objects.get(pk=place.pk)
            conflict = form.differences(current)
            form.rebase(current.version)
        except NotFound:
            raise
        except ServiceError as exc:
            apply_errors(form, exc, "name")
        else:
            messages.success(request, "已保存")
            return redirect("places:detail", pk=place.pk)
    return render(request, "places/place_form.html", {"form": form, "place": place, "conflict": conflict},
                  status=409 if conflict is not None else 200)


@requires("records_attendance")
def place_detail(request, pk):
    place = selectors.place_for(request.user, pk)
    items = PlaceSetting.current().items
    checklist = [(i, bool(place.checklist.get(i))) for i in items]
    actions = []
    for a in P.allowed_actions(place.status):
        need = "accepts_places" if a in P.COUNTY_ACTIONS else "manages_places"
        if selectors.may(request.user, place, need):
            actions.append((a, P.ACTION_LABELS[a], a in ("return", "close")))
    sessions = place.sessions.annotate(n_children=Count("children", distinct=True), n_guardians=Count("guardians", distinct=True))[:20]
    return render(request, "places/place_detail.html", {
        "place": place, "checklist": checklist, "missing": P.missing_items(place.checklist, items), "actions": actions,
        "act_form": ActForm(), "photos": place.files.all(), "photo_form": PhotoForm(),
        "may_edit": place.status != "closed" and selectors.may(request.user, place, "manages_places"),
        "may_record": place.status == "running" and selectors.may(request.user, place, "records_attendance"),
        "sessions": sessions})


@requires("records_attendance")
@require_POST
def place_act(request, pk):
    place = selectors.place_for(request.user, pk)
    action = request.POST.get("action", "")
    if action not in P.ACTIONS:
        raise Http404
    form = ActForm(request.POST)
    note = form.data.get("note", "")
    run_and_tell(request, lambda: services.place_act(actor=request.user, place=place, action=action, note=note), f"已{P.ACTION_LABELS[action]}")
    return redirect("places:detail", pk=place.pk)


@requires("manages_places")
@require_POST
def photo_add(request, pk):
    place = selectors.place_for(request.user, pk, flag="manages_places")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        run_and_tell(request, lambda: services.place_photo_add(actor=request.user, place=place, file=form.cleaned_data["file"],
                                                               caption=form.cleaned_data["caption"]), "已上传照片")
    else:
        messages.error(request, "请选择照片")
    return redirect(reverse("places:detail", args=[place.pk]) + "#photos")


@requires("records_attendance")
def photo(request, pk, fid):
    """A photo, served through the place's scope, never from /media/: it may show children, so it is logged."""
    place = selectors.place_for(request.user, pk)
    row = PlaceFile.objects.filter(place=place, pk=fid).first()
    if row is None:
        raise Http404
    log_access(actor=request.user, action="view", scope="阵地照片", target=place.code, detail=f"场所 #{place.pk} 照片 #{row.pk}", request=request)
    return uploads.document_response(row.file)


# -- sessions and attendance --------------------------------------------------------------------------
@requires("records_attendance")
def session_new(request, pk):
    place = selectors.place_for(request.user, pk, flag="records_attendance")
    form = SessionForm(request.POST or None, initial={"parent_school": place.kind == "parent_school" or request.GET.get("lecture") == "1"})
    if request.method == "POST" and form.is_valid():
        s = run_into_form(request, form, lambda: services.session_create(actor=request.user, place=place, **form.cleaned_data),
                          "已登记，请签到", "date")
        if s is not None:
            return redirect("places:session", pk=s.pk)
    return render(request, "places/session_form.html", {"form": form, "place": place})


def _uids(raw: list[str]) -> set:
    uids = set()
    for v in raw:
        try:
            uids.add(uuid.UUID(v))
        except ValueError:
            raise NotFound("未找到该儿童") from None
    return uids


@requires("records_attendance")
def session_detail(request, pk):
    session = selectors.session_for(request.user, pk)
    place = session.place
    may_record = selectors.may(request.user, place, "records_attendance")
    cands = selectors.attendance_children(request.user, place) if may_record else selectors.attendance_children(request.user, place).none()
    village = code_param(request.GET, "village")
    if village:
        cands = cands.filter(village_code__range=code_range(village))
    page = Paginator(cands, TICK_PAGE).get_page(page_param(request.GET))
    guardian_form = GuardianForm(children=selectors.attendance_children(request.user, place)) if session.parent_school and may_record else None
    matched = None
    if request.method == "POST":
        if not may_record:
            raise Http404
        what = request.POST.get("what")
        allowed_qs = selectors.attendance_children(request.user, place)
        if what == "tick":
            uids = _uids(request.POST.getlist("shown"))
            shown = list(allowed_qs.filter(uid__in=uids))
            if len(shown) != len(uids):
                raise NotFound("未找到该儿童")
            ticked = [c for c in shown if str(c.uid) in set(request.POST.getlist("child"))]
            if run_and_tell(request, lambda: services.attendance_set(actor=request.user, session=session, shown=shown, ticked=ticked),
                            f"已保存签到：本页 {len(ticked)} 人"):
                return redirect(request.get_full_path())
        elif what == "list":
            text = request.POST.get("names", "")
            rows = list(allowed_qs.select_related(None).only("id", "name", "id_number", "uid"))
            m = P.read_list(text, [P.Candidate(c.pk, c.name, c.id_number or "") for c in rows])
            by_pk = {c.pk: c for c in rows}
            added = services.attendance_add(actor=request.user, session=session, children=[by_pk[k] for k in m.found])
            matched = {"found": [by_pk[k].name for k in m.found], "added": added, "unknown": m.unknown, "ambiguous": m.ambiguous}
        elif what == "guardian" and guardian_form is not None:
            guardian_form = GuardianForm(request.POST, children=allowed_qs)
            if guardian_form.is_valid():
                d = guardian_form.cleaned_data
                child = allowed_qs.filter(uid=d["child"]).first()
                if child is None:
                    raise NotFound("未找到该儿童")
                row = run_into_form(request, guardian_form, lambda: services.guardian_add(
                    actor=request.user, session=session, child=child, who=d["who"], mode=d["mode"]), "已登记家长参加", "who")
                if row is not None:
                    return redirect(reverse("places:session", args=[session.pk]) + "#guardians")
        elif what == "unguardian":
            run_and_tell(request, lambda: services.guardian_remove(actor=request.user, session=session, pk=int(request.POST.get("row") or 0)),
                         "已删除")
            return redirect(reverse("places:session", args=[session.pk]) + "#guardians")
        else:
            raise Http404
    have = set(Attendance.objects.filter(session=session).values_list("child_id", flat=True))
    present = (Attendance.objects.filter(session=session, child__in=selectors.attendance_children(request.user, place).values("id"))
               .select_related("child").order_by("child__name_pinyin"))
    guardians = (GuardianAttendance.objects.filter(session=session).select_related("child")
                 .filter(child__in=selectors.attendance_children(request.user, place).values("id")).order_by("child__name_pinyin", "who"))
    log_access(actor=request.user, action="list", scope="阵地签到", target=place.code, request=request,
               detail=f"场所 #{place.pk} {session.date:%Y-%m-%d} 签到名单")
    villages = (regions_visible_to(request.user).filter(level=5, code__gte=place.code[:9], code__lte=place.code[:9] + "999")
                if place.region.level == 4 and not place.school_id else [])
    return render(request, "places/session.html", {
        "s": session, "place": place, "page": page, "have": have, "present": present, "n_present": len(have),
        "guardians": guardians, "guardian_form": guardian_form, "matched": matched, "may_record": may_record,
        "villages": villages, "village": village, "base_query": f"village={village}" if village else ""})


# -- 家长学校 ---------------------------------------------------------------------------------------
TRAINING_HEADERS = ["儿童", "村（社区）", "委托照护人", "与儿童关系", "照护人电话", "协议签订日期", "最近一次参加家庭教育"]


@requires("records_attendance")
def parent_school(request):
    today = timezone.localdate()
    due = selectors.training_due(request.user, today=today)
    if request.GET.get("export") == "xlsx":
        when = timezone.localtime()
        rows = ([c.name, c.village.display_name, c.carer_name, c.carer_relation, c.carer_phone, c.agreement_date, c.last_training or "从未参加"]
                for c in due.iterator(chunk_size=2000))
        data, n = marked_workbook(title="待培训照护人", headers=TRAINING_HEADERS, rows=rows, who=str(request.user), when=when,
                                  label="委托照护人一年内未参加家庭教育")
        log_access(actor=request.user, action="export", scope="家长学校", detail=f"导出待培训照护人 {n} 人", request=request)
        return xlsx_response(data, f"carer-training-{when:%Y%m%d-%H%M}.xlsx")
    lectures = (selectors.sessions_visible_to(request.user).filter(parent_school=True)
                .annotate(n_guardians=Count("guardians", distinct=True), n_remote=Count("guardians", filter=~Q(guardians__mode="present"), distinct=True))
                .order_by("-date", "-id"))
    page = Paginator(due, 30).get_page(page_param(request.GET))
    running = selectors.places_visible_to(request.user, flag="records_attendance").filter(status="running").order_by("code", "name")
    schools = list(running.filter(kind="parent_school")[:6]) or list(running[:3])
    log_access(actor=request.user, action="list", scope="家长学校", detail=f"待培训照护人 {page.paginator.count} 人", request=request)
    return render(request, "places/parent_school.html", {
        "lectures": lectures[:20], "page": page, "n_due": page.paginator.count, "today": today, "places": schools,
        "months": P.TRAINING_MONTHS})


# -- coverage ---------------------------------------------------------------------------------------
@requires("manages_places")
def coverage(request):
    roots = selectors.coverage_roots(request.user)
    region = node_within(roots, code_param(request.GET))
    cov = selectors.coverage(region)
    if request.GET.get("export") == "xlsx":
        when = timezone.localtime()
        rows = ([["乡镇未建运行中的留守儿童服务站", t.display_name, t.code] for t in cov.townships]
                + [["村（社区）未建运行中的儿童之家", f"{v.parent.display_name} {v.display_name}", v.code] for v in cov.villages]
                + [["学校未配备心理辅导教师", s.name, s.township.display_name] for s in cov.schools])
        data, n = marked_workbook(title="阵地覆盖", headers=["缺口", "单位", "区划/乡镇"], rows=rows, who=str(request.user), when=when,
                                  label=f"{region.display_name}阵地覆盖缺口")
        log_access(actor=request.user, action="export", scope="阵地覆盖", detail=f"导出覆盖缺口 {n} 项", request=request)
        return xlsx_response(data, f"coverage-{when:%Y%m%d-%H%M}.xlsx")
    return render(request, "places/coverage.html", {"c": cov, "region": region})


@requires("manages_county")
def settings_page(request):
    s = PlaceSetting.current()
    form = SettingsForm(request.POST or None, initial={"items": "\n".join(s.items)})
    if request.method == "POST" and form.is_valid():
        done = run_into_form(request, form, lambda: services.settings_save(actor=request.user, items=form.lines(), request=request),
                             "已保存“六个一”标准", "items")
        if done is not None:
            return redirect("places:settings")
    return render(request, "places/settings.html", {"form": form})
