"""Signing in to the API: a token for username + password (+ a TOTP code for the roles that need one),
and the authentication class that refuses an expired token. Failed attempts count towards the same
lockout as the login page: `authenticate` gets the request, so django-axes sees them."""
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import authenticate
from django_otp import match_token
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from shouhu.accounts.models import ApiToken
from shouhu.accounts.security import LOCKED, has_device, needs_second_factor
from shouhu.audit.models import AccessLog
from shouhu.audit.services import log_access
from shouhu.core.errors import ErrorCode, Forbidden, ServiceError

from .permissions import declare


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField()
    otp = serializers.CharField(required=False, help_text="动态验证码：查看完整身份证号或心理辅导记录的角色必填")


class TokenResponse(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField(help_text="最迟失效时间；闲置超过8小时也会失效")


class SignInCode(StrEnum):
    LOCKED = "locked"  # too many failed sign-ins for this username: wait or ask the county admin


class Locked(ServiceError):
    status = 429
    default_code = SignInCode.LOCKED


class TokenView(APIView):
    """POST username, password (and otp for roles that need a second factor) → {"token", "expires"}."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequest, responses={200: TokenResponse})
    def post(self, request):
        data = request.data
        username, password = str(data.get("username") or ""), str(data.get("password") or "")
        if not username or not password:
            raise ServiceError("请填写用户名和密码", code=ErrorCode.REQUIRED, field="username" if not username else "password")
        user = authenticate(request._request, username=username, password=password)
        if getattr(request._request, "axes_locked_out", False):
            raise Locked(LOCKED, field="username")
        if user is None:
            raise ServiceError("用户名或密码不正确", code=ErrorCode.INVALID, field="password")
        if needs_second_factor(user):
            otp = str(data.get("otp") or "")
            if not otp:
                raise ServiceError("该角色需要动态验证码（otp）", code=ErrorCode.REQUIRED, field="otp")
            if not has_device(user):
                raise Forbidden("请先在网页上绑定动态验证码", field="otp")
            if match_token(user, otp) is None:
                raise ServiceError("动态验证码不正确", code=ErrorCode.INVALID, field="otp")
        if user.must_change_password:
            raise Forbidden("请先在网页上修改初始密码", field="password")
        token, key = ApiToken.issue(user)
        # a token is a sign-in: logged like the login page (failures are, through authenticate()'s signal)
        log_access(actor=user, action=AccessLog.Action.LOGIN, detail="接口令牌", request=request)
        return Response({"token": key, "expires": token.created + settings.SHOUHU_TOKEN_MAX_AGE})


class LogoutView(APIView):
    """POST with the token: the token is deleted."""

    needs = declare(("post",), "signed_in")

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            request.auth.delete()
            log_access(actor=request.user, action=AccessLog.Action.LOGOUT, detail="接口令牌", request=request)
        return Response(status=204)
