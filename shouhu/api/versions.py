"""Versions over the API (core.versions): the `ETag` of a record is its version, and an update that
sends `If-Match` is refused with 412 unless it names the version in the database.

An update without `If-Match` is allowed (decision in docs/decisions.md): the service still
compares the version it loaded, so it cannot overwrite a write that raced it inside the request;
a client that reads, waits and writes back a whole record must send `If-Match`."""
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from shouhu.core.versions import Stale, etag, parse_if_match

IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=False,
    description="读取时得到的 ETag；档案已被他人修改（或 ETag 无效）时返回 412",
)
STALE_RESPONSE = OpenApiResponse(description='{"code": "stale", "detail", "field": null}：档案已被他人修改，请重新读取')


class PreconditionFailed(Stale):
    """The version an `If-Match` named is not the record's (HTTP 412, RFC 9110 §13.1.1)."""

    status = 412


def versioned_schema(serializer):
    """`@extend_schema_view(**versioned_schema(S))` documents If-Match and the 412 on updates."""
    doc = extend_schema(parameters=[IF_MATCH], responses={200: serializer, 412: STALE_RESPONSE})
    return {"update": doc, "partial_update": doc}


class VersionedMixin:
    """For a viewset of a `Versioned` model whose `perform_update` passes `self.expected_version`
    to its service. Adds `ETag` to retrieve, create and update responses."""

    expected_version: int | None = None
    _serializer = None

    def get_serializer(self, *args, **kwargs):
        # the serializer of the record a retrieve, create or update answers with (its instance is
        # the saved record after perform_*, however the viewset finds or makes it)
        self._serializer = super().get_serializer(*args, **kwargs)
        return self._serializer

    def _tagged(self, response):
        version = getattr(getattr(self._serializer, "instance", None), "version", None)
        if isinstance(version, int) and 200 <= response.status_code < 300:
            response["ETag"] = etag(version)
        return response

    def retrieve(self, request, *args, **kwargs):
        return self._tagged(super().retrieve(request, *args, **kwargs))

    def create(self, request, *args, **kwargs):
        return self._tagged(super().create(request, *args, **kwargs))

    def update(self, request, *args, **kwargs):
        try:
            wanted = parse_if_match(request.headers.get("If-Match"))
        except Stale as exc:
            raise PreconditionFailed(exc.message) from None
        if wanted:  # a list of versions; None (no header) and [] ("*") check only against races
            current = self.get_object().version
            if current not in wanted:
                raise PreconditionFailed(current=current)
            self.expected_version = current
        try:
            response = super().update(request, *args, **kwargs)
        except Stale as exc:
            if wanted is None:
                raise
            raise PreconditionFailed(current=exc.current) from None
        return self._tagged(response)
