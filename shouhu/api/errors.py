"""A service's error over the API: `{"code", "detail", "field"}` with its status (400/403/404/409)."""
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from shouhu.core.errors import ServiceError


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, OverflowError):
        # a number too big for the database that a parameter reader let through (core.params is
        # the first net): the request is bad, not the server
        return Response({"code": "invalid", "detail": "请求中的数字超出范围", "field": None}, status=400)
    return drf_handler(exc, context)
