"""Schools and classes: everyone in scope may look; the county admin adds and corrects."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from shouhu.accounts.permissions import requires
from shouhu.accounts.scope import scope_of
from shouhu.core.versions import Stale

from .forms import SchoolClassForm, SchoolForm
from .selectors import classes_visible_to, schools_visible_to
from .services import school_save


def _admin_root(user) -> str | None:
    return scope_of(user).managed_root()


def _school_for(user, pk):
    school = schools_visible_to(user).filter(pk=pk).first()
    if school is None:
        raise Http404
    return school


@requires("reads_records")
def school_list(request):
    schools = schools_visible_to(request.user).order_by("region_code", "name")
    return render(request, "regions/school_list.html", {"schools": schools, "can_manage": _admin_root(request.user) is not None})


@requires("reads_records")
def school_detail(request, pk):
    school = _school_for(request.user, pk)
    classes = classes_visible_to(request.user).filter(school=school)
    return render(request, "regions/school_detail.html", {"school": school, "classes": classes, "can_manage": _admin_root(request.user) is not None})


@requires("manages_county")
def school_edit(request, pk=None):
    root = _admin_root(request.user)
    school = _school_for(request.user, pk) if pk else None
    form = SchoolForm(request.POST or None, instance=school, root_code=root)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            school = school_save(actor=request.user, school=form.save(commit=False), expected_version=form.expected_version())
        except Stale:
            conflict = _conflict(form, type(school).objects.get(pk=school.pk))
        else:
            messages.success(request, f"已保存学校：{school.name}")
            return redirect("regions:school", pk=school.pk)
    return render(request, "regions/form.html", {"form": form, "title": "编辑学校" if school else "新增学校", "conflict": conflict},
                  status=409 if conflict is not None else 200)


def _conflict(form, current) -> list:
    """Saved by someone else since the form was opened: the input stays, what is saved now is shown
    where it differs, and the form is based on the new version (core.versions)."""
    form.rebase(current.version)
    return form.differences(current)


@requires("manages_county")
def class_edit(request, school_pk, pk=None):
    school = _school_for(request.user, school_pk)
    instance = school.classes.filter(pk=pk).first() if pk else None
    if pk and instance is None:
        raise Http404
    form = SchoolClassForm(request.POST or None, instance=instance, school=school)
    conflict = None
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.school = school
        try:
            school_save(actor=request.user, school=obj, expected_version=form.expected_version())
        except Stale:
            conflict = _conflict(form, type(obj).objects.get(pk=obj.pk))
        else:
            messages.success(request, f"已保存班级：{obj}")
            return redirect("regions:school", pk=school.pk)
    return render(request, "regions/form.html", {"form": form, "title": f"{school.name} · {'编辑班级' if instance else '新增班级'}",
                                                 "conflict": conflict}, status=409 if conflict is not None else 200)
