"""Sign-ins, failed sign-ins and sign-outs go into the access log through Django's auth
signals, whatever login view or lockout sits in front (docs/domain.md, "Privacy")."""
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AccessLog
from .services import log_access, log_event


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender, request, user, **kwargs):
    log_access(actor=user, action=AccessLog.Action.LOGIN, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        log_access(actor=user, action=AccessLog.Action.LOGOUT, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django already masks the password in `credentials`; only the username typed is kept.
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")
    user = get_user_model().objects.filter(username=username).first() if username else None
    log_event(username=username, user=user, action=AccessLog.Action.LOGIN_FAILED, request=request)
