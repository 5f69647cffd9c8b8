"""Fields, filters and parameters the care resources share. Children are referenced by their
opaque `uid` (the `id` of `/api/v1/children/`), never by their database key."""
import uuid

from django.utils.dateparse import parse_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from shouhu.registry.models import Child
from shouhu.rules import care as R


class ChildField(serializers.UUIDField):
    """A child by its opaque id (the `id` of /api/v1/children/)."""

    def to_representation(self, value):
        return str(value.uid) if isinstance(value, Child) else super().to_representation(value)


@extend_schema_field({"type": "string", "enum": list(R.PAIRING_MODES)}, component_name="PairingModeEnum")
class PairingModeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=R.PAIRING_MODES, **kwargs)


@extend_schema_field({"type": "string", "enum": list(R.VISIT_MODES)}, component_name="VisitModeEnum")
class VisitModeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=R.VISIT_MODES, **kwargs)


def child_name_field():
    return serializers.CharField(source="child.name", read_only=True)


def child_filter(qs, params, field="child"):
    """`?child=<uuid>`: a malformed id matches nothing (like a missing one)."""
    if (c := params.get("child")) is not None:
        try:
            return qs.filter(**{f"{field}__uid": uuid.UUID(c)})
        except ValueError:
            return qs.none()
    return qs


def date_filter(qs, params, field="date"):
    for key, lookup in (("date_from", "gte"), ("date_to", "lte")):
        if v := params.get(key):
            try:
                day = parse_date(v) if len(v) == 10 else None
            except ValueError:  # well formed but not a day (2025-13-40)
                day = None
            if day is None:
                raise ValidationError({key: "日期格式应为 YYYY-MM-DD"})
            qs = qs.filter(**{f"{field}__{lookup}": day})
    return qs


CHILD_PARAM = OpenApiParameter("child", OpenApiTypes.UUID, description="儿童 id")
DATE_PARAMS = [OpenApiParameter("date_from", OpenApiTypes.DATE, description="起始日期（含）"),
               OpenApiParameter("date_to", OpenApiTypes.DATE, description="截止日期（含）")]
