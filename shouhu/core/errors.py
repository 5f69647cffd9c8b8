"""Errors of services: a code for programs, a Chinese sentence for people, and the field it concerns.

A service raises one of these; a page turns it into an error beside the field
(`core.forms.apply_service_error`) or, if the view does not expect it, into the page for its
status (`core.middleware`); the API answers `{"code", "detail", "field"}` with the status
(`api.errors`). "Missing" and "not yours" are the same `NotFound`, so an error never tells whether
a record exists outside the actor's scope.
"""
from enum import StrEnum

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404


class ErrorCode(StrEnum):
    """Codes every app shares. An app adds its own `StrEnum` of codes where a client needs to tell
    cases apart (`CareErrorCode.ALREADY_PAIRED`); the code's text is what the API returns."""

    NOT_FOUND = "not_found"  # missing, or outside the actor's scope: the same answer
    FORBIDDEN = "forbidden"  # in scope, but the actor's role may not do this
    INVALID = "invalid"  # a value is wrong
    REQUIRED = "required"  # a value is missing
    WRONG_STATE = "wrong_state"  # the record is not in a state that allows this (a wish already fulfilled)
    CONFLICT = "conflict"  # someone else changed it meanwhile, or it exists already
    SEARCH_BY_POST = "search_by_post"  # a name or ID number in a URL's query string: send it in a POST body
    STALE = "stale"  # saved over a version other than the one read (core.versions)


class ServiceError(Exception):
    """`ServiceError("请填写培训内容", code=ErrorCode.REQUIRED, field="topic")`."""

    status = 400
    default_code: StrEnum = ErrorCode.INVALID

    def __init__(self, message: str, *, code: StrEnum | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field

    def as_dict(self) -> dict:
        return {"code": str(self.code), "detail": self.message, "field": self.field}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={str(self.code)!r}, field={self.field!r})"


# NotFound and Forbidden are also Django's Http404 and PermissionDenied, so Django's own
# handlers answer them with the 404 and 403 pages, as for any other missing or forbidden page.
class NotFound(ServiceError, Http404):
    status = 404
    default_code = ErrorCode.NOT_FOUND


class Forbidden(ServiceError, PermissionDenied):
    status = 403
    default_code = ErrorCode.FORBIDDEN


class Conflict(ServiceError):
    """A wrong state or a concurrent change: the request was fine, the record is not (HTTP 409)."""

    status = 409
    default_code = ErrorCode.CONFLICT


class BadParameter(ServiceError, BadRequest):
    """A query parameter that is there but unusable (`?school=abc`, a number past 64 bits): a 400
    with a sentence on the page and `{"code": "invalid", "detail", "field": <parameter>}` over the API."""

    status = 400
