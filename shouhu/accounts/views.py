"""Users and their (role, scope node) assignments: county admin only."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from shouhu.core.errors import Forbidden

from . import services
from .forms import AssignmentForm, UserForm
from .models import User
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
        user = services.user_create(actor=request.user, user=uform.save(commit=False), password=uform.cleaned_data["password"],
                                    assignment=aform.save(commit=False), request=request)
        messages.success(request, f"已创建用户 {user.username}")
        return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/user_form.html", {"uform": uform, "aform": aform})


@requires("manages_county")
def user_detail(request, pk):
    root = _root(request.user)
    target = get_object_or_404(User, pk=pk)
    aform = AssignmentForm(request.POST or None, root_code=root)
    if request.method == "POST" and aform.is_valid():
        try:
            a = services.assignment_grant(actor=request.user, target=target, assignment=aform.save(commit=False), request=request)
        except Forbidden as exc:
            aform.add_error(exc.field, exc.message)
        else:
            messages.success(request, f"已为 {target} 增加角色：{a}")
            return redirect("accounts:user", pk=target.pk)
    return render(request, "accounts/user_detail.html", {"target": target, "aform": aform, "assignments": target.assignments.all()})


@requires("manages_county")
@require_POST
def assignment_delete(request, pk, assignment_pk):
    target = get_object_or_404(User, pk=pk)
    a = services.assignment_revoke(actor=request.user, target=target, assignment_id=assignment_pk, request=request)
    messages.success(request, f"已移除角色：{a}")
    return redirect("accounts:user", pk=pk)


@requires("manages_county")
@require_POST
def user_toggle_active(request, pk):
    target = get_object_or_404(User, pk=pk)
    try:
        services.user_set_active(actor=request.user, target=target, active=not target.is_active, request=request)
    except Forbidden as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{target} 已{'启用' if target.is_active else '停用'}")
    return redirect("accounts:user", pk=pk)
