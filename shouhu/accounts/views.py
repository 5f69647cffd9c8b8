"""Users and their (role, scope node) assignments: county admin only."""
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .forms import AssignmentForm, UserForm
from .models import Assignment, User
from .permissions import requires
from .scope import scope_of


def _root(user) -> str:
    return scope_of(user).managed_root()


@requires("manages_county")
def user_list(request):
    users = User.objects.prefetch_related("assignments__region", "assignments__school", "assignments__school_class__school").order_by("username")
    return render(request, "accounts/user_list.html", {"users": users})


@requires("manages_county")
def user_create(request):
    root = _root(request.user)
    uform = UserForm(request.POST or None)
    aform = AssignmentForm(request.POST or None, root_code=root)
    if request.method == "POST" and uform.is_valid() and aform.is_valid():
        with transaction.atomic():
            user = uform.save(commit=False)
            user.set_password(uform.cleaned_data["password"])
            user.must_change_password = True  # the admin knows this one
            user.save()
            a = aform.save(commit=False)
            a.user = user
            a.save()
        messages.success(request, f"已创建用户 {user.username}")
        return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/user_form.html", {"uform": uform, "aform": aform})


@requires("manages_county")
def user_detail(request, pk):
    root = _root(request.user)
    target = get_object_or_404(User, pk=pk)
    aform = AssignmentForm(request.POST or None, root_code=root)
    if request.method == "POST" and aform.is_valid():
        a = aform.save(commit=False)
        a.user = target
        a.save()
        messages.success(request, f"已为 {target} 增加角色：{a}")
        return redirect("accounts:user", pk=target.pk)
    return render(request, "accounts/user_detail.html", {"target": target, "aform": aform, "assignments": target.assignments.all()})


@requires("manages_county")
@require_POST
def assignment_delete(request, pk, assignment_pk):
    a = get_object_or_404(Assignment, pk=assignment_pk, user_id=pk)
    a.delete()
    messages.success(request, f"已移除角色：{a}")
    return redirect("accounts:user", pk=pk)


@requires("manages_county")
@require_POST
def user_toggle_active(request, pk):
    target = get_object_or_404(User, pk=pk)
    if target == request.user:
        messages.error(request, "不能停用自己的账号")
    else:
        target.is_active = not target.is_active
        target.save(update_fields=["is_active"])
        messages.success(request, f"{target} 已{'启用' if target.is_active else '停用'}")
    return redirect("accounts:user", pk=pk)
