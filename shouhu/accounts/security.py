"""Sign-in rules: who needs a second factor, and what a password change or a logout ends."""
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.dispatch import receiver
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
