"""Roster pages (docs/domain.md, "People"): the roster (filter by township, post and status; a name
searched by POST, never in the URL; exportable), a person's tenures and trainings, appointing and
ending a tenure, trainings with their certificates, the vacancies with the turnover figures, and
the social-work organisations. Every record comes through the scope selectors: another township's
record is the 404 of a missing page."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from shouhu.accounts.permissions import allowed, requires
from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core import uploads
from shouhu.core.errors import NotFound, ServiceError
from shouhu.core.forms import apply_errors, run_into_form
from shouhu.core.params import page_param
from shouhu.core.searches import redirect_to_search, refuse_in_url, searched
from shouhu.core.versions import STALE_MESSAGE
from shouhu.core.xlsx import marked_workbook, xlsx_response
from shouhu.regions.models import Region
from shouhu.rules import staffing as R

from . import selectors, services
from .forms import AppointForm, EndForm, OrgForm, PersonForm, TrainingForm
from .models import Appointment, Person, SocialWorkOrg

ROSTER_HEADERS = ["岗位", "乡镇", "所在地", "姓名", "性别", "出生年份", "联系电话", "兼任职务", "社工机构", "任职日期", "离任日期", "离任原因", "培训学时"]
VACANCY_HEADERS = ["岗位", "乡镇", "所在地", "缺额", "空缺起始", "发现日期"]
STATUSES = {"current": "在任", "ended": "已离任", "all": "全部"}


def _root(user, flag: str = "manages_staff") -> Region | None:
    regions = [a.region for a in scope_of(user).assignments_with(flag) if a.region_id]
    return min(regions, key=lambda r: r.level) if regions else None


def _township_names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in={c[:9] for c in codes if len(c) >= 9}).values_list("code", "short_name"))


@requires("reads_staff")
def roster(request):
    if request.method == "POST":  # a name is searched for by POST: never in the URL (core.searches)
        return redirect_to_search(request, reverse("staffing:roster"), personal=("name",))
    refuse_in_url(request, ("name",))
    g, today = request.GET, timezone.localdate()
    qs = selectors.appointments_visible_to(request.user).select_related("person", "region", "school", "org")
    townships = selectors.townships_of(request.user)
    township = g.get("township", "")
    if township in {t.code for t in townships}:
        qs = qs.filter(place_code__startswith=township)
    kind = g.get("kind", "")
    if kind in R.KINDS:
        qs = qs.filter(kind=kind)
    status = g.get("status", "current") if g.get("status") in STATUSES else "current"
    if status == "current":
        qs = qs.on(today)
    elif status == "ended":
        qs = qs.filter(end_on__isnull=False, end_on__lte=today)
    name = searched(request, "name").strip()[:32]
    if name:
        qs = qs.filter(person__name__contains=name)
    qs = qs.order_by("place_code", "kind", "-start_on", "id")
    if g.get("export") == "xlsx":
        return _export_roster(request, qs, label=f"队伍花名册（{STATUSES[status]}）")
    page = Paginator(qs, 30).get_page(page_param(g))
    names = _township_names(a.place_code for a in page)
    return render(request, "staffing/roster.html", {
        "page": page, "rows": [(a, names.get(a.place_code[:9], "")) for a in page], "townships": townships, "township": township,
        "kinds": R.KIND_CHOICES, "kind": kind, "statuses": STATUSES.items(), "status": status, "name": name,
        "vacant": selectors.vacancy_count(request.user), "manages": allowed(request.user, "manages_staff"), "today": today,
        "base_query": "&".join(f"{k}={v}" for k, v in (("township", township), ("kind", kind), ("status", status), ("s", g.get("s", ""))) if v)})


def _export_roster(request, qs, *, label: str):
    when = timezone.localtime()
    hours = {}
    for pid, h in qs.values_list("person_id", "person__trainings__hours"):
        hours[pid] = hours.get(pid, 0) + (h or 0)
    names = _township_names(qs.values_list("place_code", flat=True).distinct())
    rows = ([a.get_kind_display(), names.get(a.place_code[:9], ""), a.place_label, a.person.name, a.person.sex, a.person.birth_year or "",
             a.person.phone, a.person.other_posts, a.org.name if a.org_id else "", a.start_on.isoformat(),
             a.end_on.isoformat() if a.end_on else "", a.get_end_reason_display(), float(hours.get(a.person_id, 0))] for a in qs.iterator(chunk_size=2000))
    data, n = marked_workbook(title="队伍花名册", headers=ROSTER_HEADERS, rows=rows, who=str(request.user), when=when, label=label, freeze_cols=1)
    log_access(actor=request.user, action="export", scope="队伍建设", detail=f"导出队伍花名册 {n} 条", request=request)
    return xlsx_response(data, f"staff-{when:%Y%m%d-%H%M}.xlsx")


@requires("reads_staff")
def vacancies(request):
    g, today = request.GET, timezone.localdate()
    qs = selectors.vacancies_visible_to(request.user).select_related("region", "school")
    townships = selectors.townships_of(request.user)
    township = g.get("township", "")
    if township in {t.code for t in townships}:
        qs = qs.filter(place_code__startswith=township)
    kind = g.get("kind", "")
    if kind in R.KINDS:
        qs = qs.filter(kind=kind)
    # the 考核 scoreboard's link from a township or a school (`?region=` / `?school=`)
    if (region := g.get("region", "")).isdigit():
        qs = qs.filter(place_code__startswith=region)
    if (school := g.get("school", "")).isdigit():
        qs = qs.filter(school_id=int(school))
    qs = qs.order_by("place_code", "kind", "id")
    names = _township_names(qs.values_list("place_code", flat=True))
    if g.get("export") == "xlsx":
        when = timezone.localtime()
        rows = ([v.get_kind_display(), names.get(v.place_code[:9], ""), v.place_label, v.short, v.since.isoformat() if v.since else "从未配备",
                 v.opened_on.isoformat()] for v in qs)
        data, n = marked_workbook(title="岗位空缺", headers=VACANCY_HEADERS, rows=rows, who=str(request.user), when=when, label="岗位空缺")
        log_access(actor=request.user, action="export", scope="队伍建设", detail=f"导出岗位空缺 {n} 个", request=request)
        return xlsx_response(data, f"vacancies-{when:%Y%m%d-%H%M}.xlsx")
    page = Paginator(qs, 50).get_page(page_param(g))
    return render(request, "staffing/vacancies.html", {
        "page": page, "rows": [(v, names.get(v.place_code[:9], ""), (today - v.since).days if v.since else None) for v in page],
        "townships": townships, "township": township, "kinds": R.KIND_CHOICES, "kind": kind, "figures": selectors.figures(request.user, today=today),
        "manages": allowed(request.user, "manages_staff"), "year": today.year,
        "base_query": "&".join(f"{k}={v}" for k, v in (("township", township), ("kind", kind), ("region", region), ("school", school)) if v)})


@requires("reads_staff")
def person(request, pk):
    p = selectors.person_for(request.user, pk)
    tenures = p.appointments.select_related("region", "school", "org").order_by("-start_on", "-id")
    trainings = p.trainings.all()
    return render(request, "staffing/person.html", {
        "p": p, "tenures": tenures, "trainings": trainings, "hours": sum(t.hours for t in trainings), "today": timezone.localdate(),
        "manages": allowed(request.user, "manages_staff") and selectors.manages(request.user, p.region_code)})


def _manageable(request, pk):
    p = selectors.person_for(request.user, pk)
    if not selectors.manages(request.user, p.region_code):
        raise Http404
    return p


def _after_stale(form, model, pk) -> None:
    """After a refused save (`Stale`, shown at the top of the form): the form keeps what was typed
    and is based on the version saved now, so saving again — after a look — goes through."""
    if any(e == STALE_MESSAGE for e in form.non_field_errors()):
        form.rebase(model.objects.get(pk=pk).version)


def _orgs(user):
    return selectors.orgs_visible_to(user).filter(active=True)


@requires("manages_staff")
def person_edit(request, pk):
    p = _manageable(request, pk)
    form = PersonForm(request.POST or None, orgs=_orgs(request.user), initial=PersonForm.initial_of(p))
    if request.method == "POST" and form.is_valid():
        done = run_into_form(request, form, lambda: services.person_update(actor=request.user, person=p, org=form.cleaned_data["org"],
                                                                            expected_version=form.cleaned_data["version"],
                                                                            **form.person_values()), "已保存")
        if done is not None:
            return redirect("staffing:person", pk=p.pk)
        _after_stale(form, Person, p.pk)
    return render(request, "staffing/person_form.html", {"form": form, "p": p, "other_posts": R.OTHER_POSTS})


@requires("manages_staff")
def appoint(request, pk=None):
    """任命: an existing person (from their page) or a new one (from a vacancy: post and place preset)."""
    p = _manageable(request, pk) if pk is not None else None
    initial = {k: request.GET[k] for k in ("kind", "place") if request.GET.get(k)}
    orgs = _orgs(request.user)
    form = AppointForm(request.POST or None, root=_root(request.user), orgs=orgs, initial=initial)
    person_form = PersonForm(request.POST or None, orgs=orgs, prefix="p") if p is None else None
    if request.method == "POST" and form.is_valid() and (person_form is None or person_form.is_valid()):
        d = form.cleaned_data
        try:
            with transaction.atomic():
                user = services.find_user(d["username"])
                if p is None:
                    a = services.person_appoint(actor=request.user, values=person_form.person_values(), kind=d["kind"], start_on=d["start_on"],
                                                org=d["org"] or person_form.cleaned_data["org"], user=user, request=request, **form.place_values())
                else:
                    a = services.appointment_start(actor=request.user, person=p, kind=d["kind"], start_on=d["start_on"], org=d["org"], user=user,
                                                   request=request, **form.place_values())
        except NotFound:
            raise
        except ServiceError as exc:
            apply_errors(person_form if person_form is not None and exc.field in person_form.fields else form, exc)
        else:
            messages.success(request, f"已任命 {a.person.name} 为{a.place_label}{a.get_kind_display()}")
            return redirect("staffing:person", pk=a.person_id)
    return render(request, "staffing/appoint.html", {"form": form, "person_form": person_form, "p": p, "other_posts": R.OTHER_POSTS})


@requires("manages_staff")
def appointment_end(request, pk):
    a = selectors.appointment_for(request.user, pk)
    if not selectors.manages(request.user, a.place_code) or a.end_on is not None:
        raise Http404
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_into_form(request, form, lambda: services.appointment_end(actor=request.user, appointment=a, end_on=d["end_on"],
                                                                              reason=d["reason"], note=d["note"], request=request),
                             f"已办理离任：{a.person.name}")
        if done is not None:
            return redirect("staffing:person", pk=a.person_id)
    return render(request, "staffing/end.html", {"form": form, "a": a})


@requires("manages_staff")
def training_new(request, pk):
    p = _manageable(request, pk)
    form = TrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = run_into_form(request, form, lambda: services.training_add(actor=request.user, person=p, **form.cleaned_data), "已登记培训")
        if done is not None:
            return redirect("staffing:person", pk=p.pk)
    return render(request, "staffing/training_form.html", {"form": form, "p": p})


@requires("reads_staff")
def certificate(request, pk, tid):
    """A certificate scan, served through the person's scope, never from /media/."""
    p = selectors.person_for(request.user, pk)
    t = selectors.training_for(request.user, p, tid)
    if not t.certificate:
        raise Http404
    return uploads.document_response(t.certificate)


@requires("reads_staff")
def orgs(request):
    rows = selectors.orgs_visible_to(request.user).select_related("region")
    counts = {}
    for org_id in Appointment.objects.on(timezone.localdate()).filter(kind="social_worker", org__in=rows).values_list("org_id", flat=True):
        counts[org_id] = counts.get(org_id, 0) + 1
    manages = allowed(request.user, "manages_staff")
    form = OrgForm(request.POST or None, root=_root(request.user)) if manages else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            done = run_into_form(request, form, lambda: services.org_save(actor=request.user, org=form.save(commit=False)), "已登记社工机构")
            if done is not None:
                return redirect("staffing:orgs")
    return render(request, "staffing/orgs.html", {"rows": [(o, counts.get(o.pk, 0)) for o in rows], "form": form, "manages": manages})


@requires("manages_staff")
def org_edit(request, pk):
    try:
        org = selectors.orgs_visible_to(request.user).get(pk=int(pk))
    except SocialWorkOrg.DoesNotExist:
        raise Http404 from None
    if not selectors.manages(request.user, org.region_code):
        raise Http404
    form = OrgForm(request.POST or None, instance=org, root=_root(request.user))
    if request.method == "POST" and form.is_valid():
        done = run_into_form(request, form, lambda: services.org_save(actor=request.user, org=form.save(commit=False),
                                                                       expected_version=form.expected_version()), "已保存")
        if done is not None:
            return redirect("staffing:orgs")
        _after_stale(form, SocialWorkOrg, org.pk)
    workers = Appointment.objects.filter(kind="social_worker", org=org).select_related("person", "region").order_by("-start_on")
    return render(request, "staffing/org_form.html", {"form": form, "org": org, "workers": workers, "today": timezone.localdate()})
