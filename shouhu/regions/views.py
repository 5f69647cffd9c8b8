"""Schools and classes: everyone in scope may look; the county admin adds and corrects."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from shouhu.accounts.permissions import requires
from shouhu.accounts.scope import scope_of

from .forms import SchoolClassForm, SchoolForm
from .selectors import classes_visible_to, schools_visible_to


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
    if request.method == "POST" and form.is_valid():
        school = form.save()
        messages.success(request, f"已保存学校：{school.name}")
        return redirect("regions:school", pk=school.pk)
    return render(request, "regions/form.html", {"form": form, "title": "编辑学校" if school else "新增学校"})


@requires("manages_county")
def class_edit(request, school_pk, pk=None):
    school = _school_for(request.user, school_pk)
    instance = school.classes.filter(pk=pk).first() if pk else None
    if pk and instance is None:
        raise Http404
    form = SchoolClassForm(request.POST or None, instance=instance, school=school)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.school = school
        obj.save()
        messages.success(request, f"已保存班级：{obj}")
        return redirect("regions:school", pk=school.pk)
    return render(request, "regions/form.html", {"form": form, "title": f"{school.name} · {'编辑班级' if instance else '新增班级'}"})
