"""心理辅导 over the API: counsellors only; for everyone else the endpoint does not exist."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from shouhu.audit.services import log_access
from shouhu.care.counselling import selectors, services
from shouhu.care.counselling.models import CounsellingSession
from shouhu.care.selectors import child_in

from ..audit import LoggedListMixin
from ..permissions import declare
from .fields import CHILD_PARAM, DATE_PARAMS, ChildField, child_filter, child_name_field, date_filter


class CounsellingSerializer(serializers.ModelSerializer):
    child = ChildField(help_text="儿童 id")
    child_name = child_name_field()
    counsellor = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = CounsellingSession
        fields = ["id", "child", "child_name", "counsellor", "date", "topic", "notes", "risk", "next_date", "created_at"]
        read_only_fields = ["created_at"]


@extend_schema_view(list=extend_schema(parameters=[CHILD_PARAM, *DATE_PARAMS]))
class CounsellingViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """心理辅导: counsellors only."""
    needs = declare(("list", "retrieve", "create"), "counsellor")
    audit_confidential = True

    serializer_class = CounsellingSerializer
    queryset = CounsellingSession.objects.none()

    def get_queryset(self):
        g = self.request.query_params
        return date_filter(child_filter(selectors.counselling_visible_to(self.request.user).select_related("child", "counsellor"), g), g)

    def retrieve(self, request, *args, **kwargs):
        session = self.get_object()
        # marked confidential: the county's log page names the child only to counsellors
        log_access(actor=request.user, action="api_view", child=session.child, detail="接口查看心理辅导记录", confidential=True, request=request)
        return Response(self.get_serializer(session).data)

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        child = child_in(self.request.user, d.pop("child"), "counsellor")
        serializer.instance = services.counselling_record(actor=self.request.user, child=child, **d)
