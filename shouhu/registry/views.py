import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.regions.selectors import classes_visible_to, regions_visible_to, schools_visible_to
from shouhu.rules import choices as C
from shouhu.rules.idcard import mask_id

from . import selectors, services
from .forms import ChildForm
from .history import child_history
from .models import Child

PAGE_SIZE = 30
CATEGORY_CHOICES = [
    ("left_behind", "农村留守儿童"), ("left_behind_double", "　双亲留守"), ("left_behind_single", "　单亲留守"),
    ("orphan", "孤儿"), ("de_facto", "事实无人抚养儿童"), ("difficulty", "困境儿童"),
    ("parents_imprisoned", "父母服刑"), ("unguarded", "无人监护"), ("poor_guardianship", "监护差"),
]
SEARCH_SESSION_KEY = "child_searches"


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _filter_from_request(request) -> selectors.ChildFilter:
    g = request.GET
    q = ""
    # Search text (names, ID numbers) never travels in the URL: it is POSTed, kept in the
    # session under a random token, and the URL carries only the token.
    token = g.get("s", "")
    if token:
        q = request.session.get(SEARCH_SESSION_KEY, {}).get(token, "")
    return selectors.ChildFilter(
        region=g.get("region", "") if g.get("region", "").isdigit() else "",
        school=_int(g.get("school")), school_class=_int(g.get("class")),
        category=g.get("category", ""), guardianship=g.get("guardianship", ""), schooling=g.get("schooling", ""),
        age_band=g.get("age", ""), status=g.get("status", "active") or "active", q=q,
    )


@login_required
def child_list(request):
    scope = scope_of(request.user)
    if not scope.sees_children:
        raise Http404
    if request.method == "POST":
        params = request.POST.copy()
        q = params.pop("q", [""])[0].strip()
        params.pop("csrfmiddlewaretoken", None)
        params.pop("page", None)
        if q:
            token = secrets.token_urlsafe(6)
            searches = request.session.get(SEARCH_SESSION_KEY, {})
            searches = dict(list(searches.items())[-19:])  # keep the session small
            searches[token] = q
            request.session[SEARCH_SESSION_KEY] = searches
            params["s"] = token
        params = {k: v for k, v in params.items() if v}
        from urllib.parse import urlencode

        return redirect(reverse("registry:list") + ("?" + urlencode(params) if params else ""))
    f = _filter_from_request(request)
    qs = selectors.list_children(request.user, f)
    per = _int(request.GET.get("per"))
    page = Paginator(qs, per if per in (10, 30, 100) else PAGE_SIZE).get_page(request.GET.get("page"))
    base_params = request.GET.copy()
    base_params.pop("page", None)
    if f.q:
        log_access(actor=request.user, action="search", scope="儿童名单", detail=f"检索结果 {page.paginator.count} 条", request=request)
    ctx = {
        "page": page, "filter": f, "base_query": base_params.urlencode(), "scope": scope,
        "regions": regions_visible_to(request.user).filter(level__in=[4, 5]).select_related("parent") if not scope.limited_fields else [],
        "schools": schools_visible_to(request.user) if not scope.limited_fields else [],
        "category_choices": CATEGORY_CHOICES, "guardianship_choices": C.GUARDIANSHIP, "schooling_choices": C.SCHOOLING,
        "age_choices": list(selectors.AGE_BAND_LABELS.items()), "mask": not scope.full_id,
        "can_create": bool(scope.edit_regions()),
    }
    template = "registry/_child_rows.html" if request.htmx and request.GET.get("page") else "registry/child_list.html"
    return render(request, template, ctx)


@login_required
def child_detail(request, uid):
    child = selectors.child_for(request.user, uid)
    scope = scope_of(request.user)
    log_access(actor=request.user, action="view", child=child, request=request)
    mask = None if scope.full_id else mask_id
    ctx = {
        "child": child, "scope": scope, "categories": services.categories_for_display(child),
        "id_shown": (child.id_number or "") if scope.full_id else mask_id(child.id_number),
        "father_id": child.father_id_number if scope.full_id else mask_id(child.father_id_number),
        "mother_id": child.mother_id_number if scope.full_id else mask_id(child.mother_id_number),
        "carer_id": child.carer_id_number if scope.full_id else mask_id(child.carer_id_number),
        "can_edit": scope.can_edit(child),
    }
    from shouhu.care.selectors import care_of_child

    ctx["care"] = care_of_child(request.user, child)
    if scope.limited_fields:
        return render(request, "registry/child_detail_helper.html", ctx)
    ctx["history"] = child_history(child, mask=mask)
    ctx["events"] = child.events.select_related("actor")[:50]
    return render(request, "registry/child_detail.html", ctx)


@login_required
def child_print(request, uid):
    child = selectors.child_for(request.user, uid)
    scope = scope_of(request.user)
    if scope.limited_fields:
        raise Http404
    log_access(actor=request.user, action="print", child=child, request=request)
    ctx = {
        "child": child, "categories": services.categories_for_display(child),
        "id_shown": (child.id_number or "") if scope.full_id else mask_id(child.id_number),
        "father_id": child.father_id_number if scope.full_id else mask_id(child.father_id_number),
        "mother_id": child.mother_id_number if scope.full_id else mask_id(child.mother_id_number),
        "carer_id": child.carer_id_number if scope.full_id else mask_id(child.carer_id_number),
    }
    return render(request, "registry/child_print.html", ctx)


@login_required
def child_file(request, uid, field):
    """The care agreement or the photo: served through the scope check, never from /media/."""
    child = selectors.child_for(request.user, uid)
    f = getattr(child, field)
    if scope_of(request.user).limited_fields or not f:
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
    return services.child_update(actor=request.user, child=child, reason=reason, effective_date=eff)


@login_required
def child_create(request):
    scope = scope_of(request.user)
    if not scope.edit_regions():
        raise Http404
    if request.method == "POST":
        form = ChildForm(request.POST, request.FILES, scope=scope)
        confirmed = request.POST.get("confirm_new") == "1"
        if form.is_valid():
            duplicates = [] if confirmed else _possible_duplicates(request, form.instance)
            if duplicates:
                return render(request, "registry/child_form.html", {"form": form, "creating": True, "duplicates": duplicates})
            try:
                child = _save_form(request, form)
            except PermissionDenied as exc:
                form.add_error("village", str(exc))
            else:
                if confirmed:
                    _remember_not_same(request, child)
                _message_after_save(request, child, created=True)
                return redirect("registry:detail", uid=child.uid)
    else:
        initial = {"reporter": str(request.user)}
        villages = [r for r in scope.edit_regions() if r.level == 5]
        if len(villages) == 1:
            initial["village"] = villages[0].pk
        form = ChildForm(scope=scope, initial=initial)
    return render(request, "registry/child_form.html", {"form": form, "creating": True})


@login_required
def child_edit(request, uid):
    child = selectors.child_for(request.user, uid)
    scope = scope_of(request.user)
    if not scope.can_edit(child):
        raise Http404
    if request.method == "POST":
        form = ChildForm(request.POST, request.FILES, instance=child, scope=scope)
        if form.is_valid():
            try:
                child = _save_form(request, form, child_existing=child)
            except PermissionDenied as exc:
                form.add_error("village", str(exc))
            else:
                _message_after_save(request, child, created=False)
                return redirect("registry:detail", uid=child.uid)
    else:
        form = ChildForm(instance=child, scope=scope)
    return render(request, "registry/child_form.html", {"form": form, "child": child, "creating": False})


def _possible_duplicates(request, child: Child) -> list[dict]:
    """Records that may already be this child (see quality.services.registration_candidates):
    those the user may see with a link, the others by village and 档案编号 only."""
    from shouhu.quality.services import plain_reasons, registration_candidates

    found = registration_candidates(child)
    if not found:
        return []
    visible = set(selectors.children_visible_to(request.user).filter(id__in=[r["id"] for r, _ in found]).values_list("id", flat=True))
    log_access(actor=request.user, action="search", scope=child.village.code if child.village_id else "",
               detail=f"登记时查重：{len(found)} 份疑似同一人的档案", request=request)
    return [{"id": r["id"], "uid": r["uid"] if r["id"] in visible else None, "name": r["name"] if r["id"] in visible else "",
             "birth_date": r["birth_date"] if r["id"] in visible else None, "village": r["village__short_name"],
             "archive_no": r["archive_no"], "score": round(c.score * 100),
             "reasons": (c.reasons if r["id"] in visible else plain_reasons(c.reasons))[:4]} for r, c in found]


def _remember_not_same(request, child: Child) -> None:
    """The registrar saw the candidates and registered anyway: the pairs they saw are "not the same"."""
    from shouhu.quality.services import note_registered_anyway, registration_candidates

    seen = {int(x) for x in request.POST.getlist("seen") if x.isdigit()}
    still = {r["id"] for r, _ in registration_candidates(child)}
    note_registered_anyway(actor=request.user, child=child, others=sorted(seen & still))


def _message_after_save(request, child: Child, *, created: bool) -> None:
    cats = services.categories_for_display(child)
    names = "、".join(c.label for c in cats if not c.is_flag)
    if child.status == Child.Status.ACTIVE:
        messages.success(request, f"已{'登记' if created else '保存'}：{child.name}（{names}）")
    else:
        messages.warning(request, f"已保存：{child.name}。{child.exit_reason}，档案状态为“已退出”。")


@login_required
@require_GET
def class_options(request):
    """<option>s of a school's classes for the child form. Editors may pick any school (a child
    of their village may study in another township); others only the classes in their scope."""
    from shouhu.regions.models import SchoolClass

    school = _int(request.GET.get("school"))
    if not school:
        return render(request, "registry/_class_options.html", {"classes": []})
    if scope_of(request.user).edit_regions():
        classes = SchoolClass.objects.filter(school_id=school, active=True)
    else:
        classes = classes_visible_to(request.user).filter(school_id=school)
        if not classes:
            raise Http404
    return render(request, "registry/_class_options.html", {"classes": classes})
