"""Early-warning alerts (预警) and mandatory reports (强制报告) over the API: the alerts the caller
sees (where the child is; a confidential alert only to the confidential roles) and the owner's
three actions; reports filed by anyone, received and answered by their handlers. The same
selectors and services as the pages: out of sight is the same 404 as missing."""
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhu.audit.services import log_access
from shouhu.core.errors import NotFound
from shouhu.protection import reports, services
from shouhu.protection import selectors as S
from shouhu.protection.models import Alert, MandatoryReport
from shouhu.regions.models import Region
from shouhu.registry.selectors import children_visible_to
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


# -- mandatory reports ------------------------------------------------------------------------------
class ReportSerializer(serializers.ModelSerializer):
    """Handlers read everything; a reporter reads their own report without the handling (who
    received it, the police receipt) — the page shows the same."""
    child = ChildField(read_only=True, allow_null=True, help_text="儿童 id（已登记的儿童）")
    village = serializers.CharField(source="village.code", read_only=True)
    situation_label = serializers.CharField(source="get_situation_display", read_only=True)

    HANDLER_ONLY = ("reporter_name", "reporter_unit", "reporter_phone", "received_at", "police_notified_at", "police_unit",
                    "police_receipt_no", "civil_affairs_told")

    class Meta:
        model = MandatoryReport
        fields = ["id", "situation", "situation_label", "discovered_at", "seen", "child", "child_name", "child_desc", "village",
                  "place_detail", "status", "filed_at", "feedback", "feedback_given_at", *("reporter_name", "reporter_unit", "reporter_phone",
                  "received_at", "police_notified_at", "police_unit", "police_receipt_no", "civil_affairs_told")]
        read_only_fields = fields

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if not S.handles(self.context["request"].user, obj):
            for f in self.HANDLER_ONLY:
                data.pop(f, None)
        return data


class ReportCreateSerializer(serializers.Serializer):
    situation = serializers.CharField(required=False, allow_blank=True, default="", help_text="情形代码（九种情形之一）")
    discovered_at = serializers.DateTimeField(required=False, allow_null=True, default=timezone.now, help_text="发现时间，默认现在")
    seen = serializers.CharField(required=False, allow_blank=True, default="")
    child = serializers.UUIDField(required=False, allow_null=True, default=None, help_text="已登记儿童的 id；未登记时填写姓名或特征")
    child_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
    child_desc = serializers.CharField(required=False, allow_blank=True, default="", max_length=128)
    village = serializers.CharField(required=False, allow_blank=True, default="", help_text="发现地点所在村（社区）的区划代码")
    place_detail = serializers.CharField(required=False, allow_blank=True, default="", max_length=128)


class ReceiveSerializer(serializers.Serializer):
    police_notified_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    police_unit = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    police_receipt_no = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    civil_affairs_told = serializers.CharField(required=False, allow_blank=True, default="", max_length=128)


class FeedbackSerializer(serializers.Serializer):
    feedback = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class ReportViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """强制报告: anyone signed in files one (POST); handlers (township supervisor, county protection)
    list and receive those of their places; a reporter lists their own."""
    needs = {**declare((*READ, "create"), "signed_in"), **declare(("receive", "feedback"), "handles_cases")}

    serializer_class = ReportSerializer
    queryset = MandatoryReport.objects.none()

    def get_queryset(self):
        return S.reports_visible_to(self.request.user).select_related("child", "village").order_by("-filed_at", "-id")

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        if S.handles(request.user, report):
            log_access(actor=request.user, action="api_view", child=report.child, detail=f"接口查看强制报告 #{report.pk}", request=request)
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportSerializer})
    def create(self, request, *args, **kwargs):
        s = ReportCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        child = children_visible_to(request.user).filter(uid=d.pop("child")).first() if d.get("child") else None
        if d.get("child") is None:
            d.pop("child", None)
        code = d.pop("village")
        village = Region.objects.filter(code=code, level=5).first() if code else None
        report = reports.report_file(actor=request.user, child=child, village=village, **d)
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data, status=201)

    def _handled(self):
        report = self.get_object()
        if not S.handles(self.request.user, report):
            raise NotFound("报告不存在")
        return report

    @extend_schema(request=ReceiveSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        """受理：报案时间、接报公安机关、回执号、已通报的部门。"""
        s = ReceiveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        report = reports.report_receive(actor=request.user, report=self._handled(), **s.validated_data)
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(request=FeedbackSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        """向报告人反馈。"""
        s = FeedbackSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        report = reports.report_feedback(actor=request.user, report=self._handled(), **s.validated_data)
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data)
