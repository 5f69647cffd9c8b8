"""Early-warning alerts over the API (预警): the alerts the caller sees (where the child is; a
confidential alert only to the confidential roles), and the owner's three actions. The same
selectors and services as the pages: out of sight is the same 404 as missing."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhu.audit.services import log_access
from shouhu.protection import selectors as S
from shouhu.protection import services
from shouhu.protection.models import Alert
from shouhu.rules import alerts as A

from .audit import LoggedListMixin
from .care import ChildField
from .permissions import READ, declare
from .quality import choice_param


class AlertSerializer(serializers.ModelSerializer):
    child = ChildField(read_only=True, help_text="儿童 id（/api/v1/children/ 的 id）")
    child_name = serializers.CharField(source="child.name", read_only=True)
    title = serializers.CharField(source="rule.title", read_only=True)
    basis = serializers.CharField(source="rule.basis", read_only=True, help_text="依据")

    class Meta:
        model = Alert
        fields = ["id", "child", "child_name", "code", "title", "basis", "level", "facts", "event_date", "status", "stage", "owner_role",
                  "opened_at", "acknowledged_at", "acted_at", "action", "note", "closed_at", "next_check_at", "village_code"]
        read_only_fields = fields


class ActSerializer(serializers.Serializer):
    action = serializers.CharField(required=False, allow_blank=True, default="", help_text=f"采取的措施：{'、'.join(A.ACTIONS)}")
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="处置说明（措施为“其他”时必填）")


class CloseSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="关闭原因")


STATUSES = [*Alert.Status.values, "active", "all"]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("status", str, enum=STATUSES, description="默认 active（待签收与已签收）"),
    OpenApiParameter("level", str, enum=list(A.LEVELS)), OpenApiParameter("code", str, enum=list(A.RULES)),
    OpenApiParameter("mine", bool, description="只看归我处理的")]))
class AlertViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """预警, most urgent first. `acknowledge` (签收), `act` (处置:措施 + 说明), `close` (关闭: 原因) — for the
    alert's current owner or a role further up its chain."""
    needs = declare((*READ, "acknowledge", "act", "close"), "sees_alerts")

    serializer_class = AlertSerializer
    queryset = Alert.objects.none()

    def get_queryset(self):
        qs = S.alerts_visible_to(self.request.user).select_related("child")
        if self.action != "list":
            return qs
        g = self.request.query_params
        status = choice_param(g, "status", STATUSES, default="active")
        if status == "active":
            qs = qs.filter(status__in=Alert.ACTIVE)
        elif status != "all":
            qs = qs.filter(status=status)
        for name, choices in (("level", list(A.LEVELS)), ("code", list(A.RULES))):
            if v := choice_param(g, name, choices):
                qs = qs.filter(**{name: v})
        if g.get("mine") in ("1", "true"):
            qs = qs.filter(S.mine_q(self.request.user))
        return S.by_urgency(qs)

    def retrieve(self, request, *args, **kwargs):
        alert = self.get_object()
        log_access(actor=request.user, action="api_view", child=alert.child, detail=f"接口查看预警 #{alert.pk}",
                   confidential=alert.confidential, request=request)
        return Response(AlertSerializer(alert, context=self.get_serializer_context()).data)

    def _done(self, alert):
        alert.refresh_from_db()
        return Response(AlertSerializer(alert, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """签收。"""
        return self._done(services.alert_acknowledge(actor=request.user, alert=self.get_object()))

    @extend_schema(request=ActSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        """记录处置：措施与说明。"""
        s = ActSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.alert_act(actor=request.user, alert=self.get_object(), **s.validated_data))

    @extend_schema(request=CloseSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """无需处置，写明原因后关闭。"""
        s = CloseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.alert_close(actor=request.user, alert=self.get_object(), reason=s.validated_data["reason"]))
