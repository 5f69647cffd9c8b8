"""Account changes by the county admin: users, role assignments, activation. Each one is
written to the access log here, in the same transaction (docs/domain.md, "Privacy")."""
from enum import StrEnum

from django.db import transaction

from shouhu.audit.models import AccessLog
from shouhu.audit.services import log_access
from shouhu.core.errors import Forbidden, NotFound

from .models import Assignment, User
from .roles import ROLES


class AccountErrorCode(StrEnum):
    SELF_GRANT = "self_grant"  # nobody grants a role to themselves
    SELF_DEACTIVATE = "self_deactivate"


def _describe(a: Assignment) -> str:
    return f"{a.get_role_display()} · {a.node_label}"


def _log_role(*, actor, action: str, assignment: Assignment, target: User, request=None) -> None:
    # scope carries the role code, so the county's "保密角色变更" list can pick confidential roles
    log_access(actor=actor, action=action, scope=assignment.role, target=target.get_username(),
               detail=_describe(assignment), request=request)


@transaction.atomic
def user_create(*, actor, user: User, password: str, assignment: Assignment, request=None) -> User:
    user.set_password(password)
    user.must_change_password = True  # the admin knows this one: changed at first sign-in
    user.save()
    log_access(actor=actor, action=AccessLog.Action.USER_CREATE, target=user.get_username(), request=request)
    assignment_grant(actor=actor, target=user, assignment=assignment, request=request)
    return user


@transaction.atomic
def assignment_grant(*, actor, target: User, assignment: Assignment, request=None) -> Assignment:
    """Give `target` one (role, scope node). Nobody grants a role to themselves: a confidential
    role would open the records it guards (counselling notes) to whoever administers accounts,
    and a wider region would widen one's own scope; another county admin does it, and the log
    shows who (decisions 44)."""
    if target.pk == getattr(actor, "pk", None):
        label = ROLES[assignment.role].label if assignment.role in ROLES else assignment.role
        raise Forbidden(f"不能给自己分配角色（{label}），请由另一位县级管理员操作", code=AccountErrorCode.SELF_GRANT, field="role")
    assignment.user = target
    assignment.full_clean(exclude=["user"])
    assignment.save()
    _log_role(actor=actor, action=AccessLog.Action.ROLE_GRANT, assignment=assignment, target=target, request=request)
    return assignment


@transaction.atomic
def assignment_revoke(*, actor, target: User, assignment_id: int, request=None) -> Assignment:
    """Remove one assignment. Removing one's own is allowed (stepping down) and logged like any other."""
    a = Assignment.objects.select_related("region", "school", "school_class__school").filter(pk=assignment_id, user=target).first()
    if a is None:
        raise NotFound("该角色不存在")
    _log_role(actor=actor, action=AccessLog.Action.ROLE_REVOKE, assignment=a, target=target, request=request)
    a.delete()
    return a


@transaction.atomic
def user_set_active(*, actor, target: User, active: bool, request=None) -> User:
    if target.pk == getattr(actor, "pk", None) and not active:
        raise Forbidden("不能停用自己的账号", code=AccountErrorCode.SELF_DEACTIVATE)
    if target.is_active != active:
        target.is_active = active
        target.save(update_fields=["is_active"])
        log_access(actor=actor, action=AccessLog.Action.ACTIVATE if active else AccessLog.Action.DEACTIVATE,
                   target=target.get_username(), request=request)
    return target
