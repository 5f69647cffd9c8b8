"""我的待办 over the API."""
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from shouhu.care.dues.selectors import my_tasks
from shouhu.core.params import int_param

from ..audit import LoggedListMixin
from ..permissions import declare

# how far into the task list a client may page (keeps offset + limit a 64-bit number)
MAX_OFFSET = 1_000_000


class TaskSerializer(serializers.Serializer):
    child = serializers.UUIDField(source="child.uid", help_text="儿童 id")
    name = serializers.CharField(source="child.name")
    kind = serializers.ChoiceField(choices=["visit", "contact", "pairing"])
    title = serializers.CharField()
    detail = serializers.CharField()
    due = serializers.DateField()
    state = serializers.ChoiceField(choices=["overdue", "today", "soon"])
    days = serializers.IntegerField(help_text="逾期天数（>0）或距到期天数（<=0）")


class TasksSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()),
                                   help_text="kind → {overdue, soon}")
    items = TaskSerializer(many=True)


class OneObjectSchema(AutoSchema):
    """`list` here answers one object (counts and items), not a list of objects."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class TaskViewSet(LoggedListMixin, viewsets.GenericViewSet):
    """我的待办: visits due or overdue, family contact gaps, children still without a one-to-one helper."""
    needs = declare(("list",), "care_work")

    serializer_class = TasksSerializer
    schema = OneObjectSchema()
    pagination_class = None

    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=["visit", "contact", "pairing"]),
                               OpenApiParameter("limit", int, description="最多条数（默认30，最多200）"), OpenApiParameter("offset", int)])
    def list(self, request):
        g = request.query_params
        kind = g.get("kind", "")
        if kind not in ("", "visit", "contact", "pairing"):
            raise ValidationError({"kind": "应为 visit、contact 或 pairing"})
        limit = min(int_param(g, "limit", default=30, min_value=0), 200)
        offset = int_param(g, "offset", default=0, min_value=0, max_value=MAX_OFFSET)
        tasks = my_tasks(request.user, kind=kind, limit=limit, offset=offset)
        return Response(TasksSerializer(tasks).data)
