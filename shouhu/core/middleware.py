"""A `ServiceError` no view caught becomes the page for its status, with its sentence.

Views catch the errors they expect (and show them beside the field); this is the net under them,
so an unexpected one is never a 500. `NotFound` is Django's 404 (the same page as a missing URL)."""
from django.http import Http404
from django.shortcuts import render

from .errors import NotFound, ServiceError


class ServiceErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404(exception.message)
        if isinstance(exception, ServiceError):
            return render(request, "error.html", {"error": exception}, status=exception.status)
        return None
