"""A `ServiceError` no view caught becomes the page for its status, with its sentence.

Views catch the errors they expect (and show them beside the field); this is the net under them,
so an unexpected one is never a 500. `NotFound` and `Forbidden` are left to Django (they are its
Http404 and PermissionDenied): the same pages as for a missing URL or a forbidden one."""
from django.conf import settings
from django.shortcuts import render

from .errors import Forbidden, NotFound, ServiceError


class ServiceErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ServiceError) and not isinstance(exception, (NotFound, Forbidden)):
            return render(request, "error.html", {"error": exception}, status=exception.status)
        if isinstance(exception, OverflowError):
            # A number too big for the database (`?school=3456…7472`, 30 digits) that a parameter
            # reader let through: the request is bad, not the server (core.params is the first net).
            return render(request, "400.html", {"message": "请求中的数字超出范围"}, status=400)
        return None


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every response (settings.PERMISSIONS_POLICY): Django has no setting for it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response
