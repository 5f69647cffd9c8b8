"""Sign-in rules: who needs a second factor, and what a password change or a logout ends."""
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ApiToken, User
from .scope import scope_of


def needs_second_factor(user) -> bool:
    """Roles that see full ID numbers or counselling notes sign in with a TOTP code (`Role.needs_2fa`)."""
    if not settings.SHOUHU_SECOND_FACTOR or not getattr(user, "is_authenticated", False):
        return False
    return any(a.role_def.needs_2fa for a in scope_of(user).assignments)


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def password_change(*, user: User, password: str, request=None) -> None:
    """Set a new (already validated) password: the user's API tokens die, other sessions end
    (Django's session hash changes), this one is kept."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    ApiToken.objects.filter(user=user).delete()
    if request is not None:
        update_session_auth_hash(request, user)


@receiver(user_logged_out)
def _tokens_die_at_logout(sender, request, user, **kwargs):
    if user is not None:
        ApiToken.objects.filter(user=user).delete()


LOCKED = "登录失败次数过多，该账号已锁定15分钟，请稍后再试或联系县级管理员解锁"


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out username gets (`AXES_LOCKOUT_CALLABLE`): the API's error body, or a page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked", "detail": LOCKED, "field": "username"}, status=429)
    return render(request, "accounts/locked.html", {"failure_limit": settings.AXES_FAILURE_LIMIT}, status=429)
