"""Sends a signed-in user who still owes something to the page that settles it: a TOTP code (or the
enrolment of a device) for the roles that need one, then a new password when the county admin set
the first one. Until then no other page opens; the API answers 403."""
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .security import has_device, needs_second_factor

OPEN_PREFIXES = ("/static/", "/logout/", "/account/", "/api/v1/auth/")


class AccountGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            target = self.owed(request, user)
            if target:
                if request.path.startswith("/api/"):
                    return JsonResponse({"code": "forbidden", "detail": "请先在网页上完成登录验证", "field": None}, status=403)
                return redirect(target)
        return self.get_response(request)

    @staticmethod
    def owed(request, user) -> str | None:
        if needs_second_factor(user) and not user.is_verified():
            return reverse("otp_verify") if has_device(user) else reverse("otp_enrol")
        if user.must_change_password:
            return reverse("password_change")
        return None
