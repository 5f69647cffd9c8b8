"""A `ServiceError` no view caught becomes the page for its status, with its sentence.

Views catch the errors they expect (and show them beside the field); this is the net under them,
so an unexpected one is never a 500. `NotFound` and `Forbidden` are left to Django (they are its
Http404 and PermissionDenied): the same pages as for a missing URL or a forbidden one."""
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
        return None
