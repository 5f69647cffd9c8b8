"""Schools and classes: everyone in scope may look; the county admin adds and corrects."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from shouhu.accounts.scope import scope_of

from .forms import SchoolClassForm, SchoolForm
from .selectors import classes_visible_to, schools_visible_to


def _admin_root(user) -> str | None:
    scope = scope_of(user)
    nodes = [a.region.code for a in scope.assignments if a.role == "county_admin" and a.region_id]
    return min(nodes, key=len) if nodes else None


def _school_for(user, pk):
    school = schools_visible_to(user).filter(pk=pk).first()
    if school is None:
        raise Http404
    return school


@login_required
def school_list(request):
    schools = schools_visible_to(request.user).order_by("region_code", "name")
    if not scope_of(request.user).sees_children:
        raise Http404
    return render(request, "regions/school_list.html", {"schools": schools, "can_manage": _admin_root(request.user) is not None})


@login_required
def school_detail(request, pk):
    school = _school_for(request.user, pk)
    classes = classes_visible_to(request.user).filter(school=school)
    return render(request, "regions/school_detail.html", {"school": school, "classes": classes, "can_manage": _admin_root(request.user) is not None})


@login_required
def school_edit(request, pk=None):
    root = _admin_root(request.user)
    if root is None:
        raise Http404
    school = _school_for(request.user, pk) if pk else None
    form = SchoolForm(request.POST or None, instance=school, root_code=root)
    if request.method == "POST" and form.is_valid():
        school = form.save()
        messages.success(request, f"已保存学校：{school.name}")
        return redirect("regions:school", pk=school.pk)
    return render(request, "regions/form.html", {"form": form, "title": "编辑学校" if school else "新增学校"})


@login_required
def class_edit(request, school_pk, pk=None):
    if _admin_root(request.user) is None:
        raise Http404
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
