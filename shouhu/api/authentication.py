"""API token authentication with expiry (idle and absolute), read by DRF from settings; kept apart
from the views so that settings can import it while DRF is still loading."""
from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from shouhu.accounts.models import ApiToken

# last_used is written at most once a minute: an idle limit of hours does not need more
TOUCH_EVERY = timedelta(minutes=1)


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`; an expired token is deleted and answers 401."""

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌无效，请重新登录")
        now = timezone.now()
        if token.expired(now):
            token.delete()
            raise exceptions.AuthenticationFailed("令牌已过期，请重新登录")
        if now - token.last_used > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        return token.user, token
