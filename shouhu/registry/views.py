from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from shouhu.accounts.permissions import requires
from shouhu.accounts.scope import scope_of
from shouhu.audit.services import describe_filter, log_access
from shouhu.core.errors import ServiceError
from shouhu.core.forms import apply_errors
from shouhu.core.params import INT_MAX, code_param, int_param
from shouhu.core.searches import redirect_to_search, refuse_in_url, searched
from shouhu.core.versions import Stale
from shouhu.regions.models import SchoolClass
from shouhu.regions.selectors import classes_visible_to, regions_visible_to, schools_visible_to
from shouhu.rules import choices as C

from . import selectors, services
from .fields import field_set_name, visible_fields
from .forms import ChildForm
from .history import changes_since, child_history
from .hooks import child_panels, duplicate_check
from .models import Child

PAGE_SIZE = 30
# subtypes indented under their category
CATEGORY_CHOICES = [(code, label if code in C.CATEGORY_BY_CODE else "　" + label) for code, (label, _) in C.CATEGORY_FILTERS.items()]


def _filter_from_request(request) -> selectors.ChildFilter:
    g = request.GET
    # Search text (names, ID numbers) never travels in the URL: it is POSTed, kept in the
    # session under a random token, and the URL carries only the token (core.searches).
    refuse_in_url(request)
    return selectors.ChildFilter(
        region=code_param(g), school=int_param(g, "school"), school_class=int_param(g, "class"),
        category=g.get("category", ""), guardianship=g.get("guardianship", ""), schooling=g.get("schooling", ""),
        age_band=g.get("age", ""), status=g.get("status", "active") or "active", q=searched(request),
    )


@requires("sees_children")
def child_list(request):
    scope = scope_of(request.user)
    if request.method == "POST":
        return redirect_to_search(request, reverse("registry:list"))
    f = _filter_from_request(request)
    qs = selectors.list_children(request.user, f)
    per = int_param(request.GET, "per", default=PAGE_SIZE, choices=(10, 30, 100))
    page = Paginator(qs, per).get_page(request.GET.get("page"))
    base_params = request.GET.copy()
    base_params.pop("page", None)
    # every list read is logged, not only searches: who, which filter, how many (docs/domain.md, "Privacy")
    log_access(actor=request.user, action="search" if f.q else "list", scope="儿童名单",
               detail=f"{describe_filter(request.GET)} 共 {page.paginator.count} 条".strip(), request=request)
    ctx = {
        "page": page, "filter": f, "base_query": base_params.urlencode(), "scope": scope,
        "regions": regions_visible_to(request.user).filter(level__in=[4, 5]).select_related("parent") if not scope.limited_fields else [],
        "schools": schools_visible_to(request.user) if not scope.limited_fields else [],
        "category_choices": CATEGORY_CHOICES, "guardianship_choices": C.GUARDIANSHIP, "schooling_choices": C.SCHOOLING,
        "age_choices": list(selectors.AGE_BAND_LABELS.items()),
        "can_create": bool(scope.edit_regions()),
    }
    template = "registry/_child_rows.html" if request.htmx and request.GET.get("page") else "registry/child_list.html"
    return render(request, template, ctx)


def _ids_shown(scope, child: Child) -> dict:
    return {"id_shown": scope.show_id(child.id_number), "father_id": scope.show_id(child.father_id_number),
            "mother_id": scope.show_id(child.mother_id_number), "carer_id": scope.show_id(child.carer_id_number)}


@requires("sees_children")
def child_detail(request, uid):
    child = selectors.child_for(request.user, uid)
    scope = scope_of(request.user)
    log_access(actor=request.user, action="view", child=child, request=request)
    ctx = {
        "child": child, "scope": scope, "categories": services.categories_for_display(child),
        **_ids_shown(scope, child), "can_edit": scope.can_edit(child),
        "panels": child_panels(request, child, scope, helper_page=scope.limited_fields),
    }
    # The care set (helpers) gets the page that shows only it (`registry.fields`).
    if field_set_name(scope) == "care":
        return render(request, "registry/child_detail_helper.html", ctx)
    ctx["history"] = child_history(child, mask=None if scope.full_id else scope.show_id)
    ctx["events"] = child.events.select_related("actor")[:50]
    return render(request, "registry/child_detail.html", ctx)


@requires("reads_records")
def child_print(request, uid):
    child = selectors.child_for(request.user, uid)
    scope = scope_of(request.user)
    log_access(actor=request.user, action="print", child=child, request=request)
    ctx = {"child": child, "categories": services.categories_for_display(child), **_ids_shown(scope, child)}
    return render(request, "registry/child_print.html", ctx)


@requires("reads_records")
def child_file(request, uid, field):
    """The care agreement or the photo: served through the scope check, never from /media/."""
    child = selectors.child_for(request.user, uid)
    f = getattr(child, field)
    if not f:
        raise Http404
    log_access(actor=request.user, action="view", child=child, detail={"agreement_file": "查看委托照护协议", "photo": "查看照片"}[field],
               request=request)
    return FileResponse(f.open("rb"), as_attachment=False)


def _save_form(request, form, *, child_existing=None):
    child = form.save(commit=False)
    reason = form.cleaned_data.get("change_reason") or ("新增登记" if child_existing is None else "更新档案")
    eff = form.cleaned_data.get("effective_date")
    if child_existing is None:
        return services.child_register(actor=request.user, child=child, reason=reason, effective_date=eff)
    return services.child_update(actor=request.user, child=child, reason=reason, effective_date=eff,
                                 expected_version=form.expected_version())


def _county_code(scope) -> str:
    """The 6-digit area code of the user's county, for the form's note on an ID number issued
    elsewhere (a child registered where they live may hold a number from another county)."""
    regions = scope.edit_regions()
    return regions[0].code[:6] if regions else ""


@requires("edits_records")
def child_create(request):
    scope = scope_of(request.user)
    if request.method == "POST":
        form = ChildForm(request.POST, request.FILES, scope=scope)
        confirmed = request.POST.get("confirm_new") == "1"
        if form.is_valid():
            duplicates = [] if confirmed else _possible_duplicates(request, form.instance)
            if duplicates:
                return render(request, "registry/child_form.html", {"form": form, "creating": True, "duplicates": duplicates,
                                                                    "county_code": _county_code(scope)})
            try:
                child = _save_form(request, form)
            except ServiceError as exc:
                apply_errors(form, exc, default="village")
            else:
                if confirmed:
                    _remember_not_same(request, child)
                _message_after_save(request, child, created=True)
                return redirect("registry:detail", uid=child.uid)
    else:
        initial = {"reporter": str(request.user), "reported_on": timezone.localdate()}
        villages = [r for r in scope.edit_regions() if r.level == 5]
        if len(villages) == 1:
            initial["village"] = villages[0].pk
        form = ChildForm(scope=scope, initial=initial)
    return render(request, "registry/child_form.html", {"form": form, "creating": True, "county_code": _county_code(scope)})


@requires("edits_records")
def child_edit(request, uid):
    child = selectors.child_for(request.user, uid)
    scope = scope_of(request.user)
    if not scope.can_edit(child):
        raise Http404
    conflict = None
    if request.method == "POST":
        form = ChildForm(request.POST, request.FILES, instance=child, scope=scope)
        if form.is_valid():
            try:
                child = _save_form(request, form, child_existing=child)
            except Stale:
                conflict = _conflict(request, scope, child.pk, form)
            except ServiceError as exc:
                apply_errors(form, exc, default="village")
            else:
                _message_after_save(request, child, created=False)
                return redirect("registry:detail", uid=child.uid)
    else:
        form = ChildForm(instance=child, scope=scope)
    return render(request, "registry/child_form.html", {"form": form, "child": child, "creating": False, "conflict": conflict,
                                                        "county_code": _county_code(scope)},
                  status=409 if conflict else 200)


def _conflict(request, scope, pk: int, form: ChildForm):
    """Someone saved the record after this form was opened: the page comes back with the user's
    input, who changed what since (as this reader may see it), and the form now based on the
    version in the database, so saving again is a decision taken with the changes in view."""
    current = Child.objects.get(pk=pk)
    seen = form.expected_version()
    stale = changes_since(current, seen, mask=None if scope.full_id else scope.show_id, fields=visible_fields(scope))
    form.rebase(current.version)
    return stale


def _possible_duplicates(request, child: Child) -> list[dict]:
    """Records that may already be this child (the registered `duplicate_check`): those the user
    may see with a link, the others by village and 档案编号 only."""
    check = duplicate_check()
    found = check.candidates(child) if check else []
    if not found:
        return []
    visible = set(selectors.children_visible_to(request.user).filter(id__in=[r["id"] for r, _ in found]).values_list("id", flat=True))
    log_access(actor=request.user, action="search", scope=child.village.code if child.village_id else "",
               detail=f"登记时查重：{len(found)} 份疑似同一人的档案", request=request)
    return [{"id": r["id"], "uid": r["uid"] if r["id"] in visible else None, "name": r["name"] if r["id"] in visible else "",
             "birth_date": r["birth_date"] if r["id"] in visible else None, "village": r["village__short_name"],
             "archive_no": r["archive_no"], "score": round(c.score * 100),
             "reasons": (c.reasons if r["id"] in visible else check.plain_reasons(c.reasons))[:4]} for r, c in found]


def _remember_not_same(request, child: Child) -> None:
    """The registrar saw the candidates and registered anyway: the pairs they saw are "not the same"."""
    check = duplicate_check()
    if check is None:
        return
    seen = {int(x) for x in request.POST.getlist("seen") if x.isdigit() and int(x) <= INT_MAX}
    still = {r["id"] for r, _ in check.candidates(child)}
    check.note_registered_anyway(actor=request.user, child=child, others=sorted(seen & still))


def _message_after_save(request, child: Child, *, created: bool) -> None:
    cats = services.categories_for_display(child)
    names = "、".join(c.label for c in cats if not c.is_flag)
    if child.status == Child.Status.ACTIVE:
        messages.success(request, f"已{'登记' if created else '保存'}：{child.name}（{names}）")
    else:
        messages.warning(request, f"已保存：{child.name}。{child.exit_reason}，档案状态为“已退出”。")


@requires("signed_in")
@require_GET
def class_options(request):
    """<option>s of a school's classes for the child form. Editors may pick any school (a child
    of their village may study in another township); others only the classes in their scope."""
    school = int_param(request.GET, "school")
    if not school:
        return render(request, "registry/_class_options.html", {"classes": []})
    if scope_of(request.user).edit_regions():
        classes = SchoolClass.objects.filter(school_id=school, active=True)
    else:
        classes = classes_visible_to(request.user).filter(school_id=school)
        if not classes:
            raise Http404
    return render(request, "registry/_class_options.html", {"classes": classes})
