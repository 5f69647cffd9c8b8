"""Early-warning alerts (预警), mandatory reports (强制报告), protection cases (个案) and joint meetings
(联席会议) over the API: the alerts the caller sees (where the child is; a confidential alert only
to the confidential roles) and the owner's actions; reports filed by anyone, received and answered
by their handlers; cases read and worked by their handlers only (need to know); meetings and their
items. The same selectors and services as the pages: out of sight is the same 404 as missing."""
from django.db.models import F
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhu.audit.services import log_access
from shouhu.core.errors import NotFound
from shouhu.protection import cases, meetings, reports, services
from shouhu.protection import selectors as S
from shouhu.protection.models import ActionItem, Alert, CaseStep, MandatoryReport, Meeting, PlanItem, ProtectionCase
from shouhu.regions.models import Region
from shouhu.registry.selectors import children_visible_to
from shouhu.rules import alerts as A
from shouhu.rules import cases as C

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


class EscalateSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="上报原因")


STATUSES = [*Alert.Status.values, "active", "all"]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("status", str, enum=STATUSES, description="默认 active（待签收与已签收）"),
    OpenApiParameter("level", str, enum=list(A.LEVELS)), OpenApiParameter("code", str, enum=list(A.RULES)),
    OpenApiParameter("mine", bool, description="只看归我处理的")]))
class AlertViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """预警, most urgent first. `acknowledge` (签收), `act` (处置:措施 + 说明), `close` (关闭: 原因) — for the
    alert's current owner or a role further up its chain."""
    needs = declare((*READ, "acknowledge", "act", "close", "escalate"), "sees_alerts")

    serializer_class = AlertSerializer
    queryset = Alert.objects.none()

    def get_queryset(self):
        qs = S.alerts_visible_to(self.request.user).select_related("child")
        if self.action != "list":
            return qs
        g = self.request.query_params
        status = choice_param(g, "status", STATUSES, default="active")
        if status not in ("active", "all"):
            qs = qs.filter(status=status)
        for name, choices in (("level", list(A.LEVELS)), ("code", list(A.RULES))):
            if v := choice_param(g, name, choices):
                qs = qs.filter(**{name: v})
        if g.get("mine") in ("1", "true"):
            qs = qs.filter(S.mine_q(self.request.user))
        return S.by_urgency(qs, active_only=status == "active")

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

    @extend_schema(request=EscalateSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """上报上一级（写明原因）。"""
        s = EscalateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.alert_escalate(actor=request.user, alert=self.get_object(), note=s.validated_data["note"]))

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
    received it, the police receipt, which registered child it was matched to when the reporter
    cannot see that child) — the page shows the same."""
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
        user = self.context["request"].user
        if not S.handles(user, obj):
            for f in self.HANDLER_ONLY:
                data.pop(f, None)
            if not S.shows_child(user, obj):  # which record the handlers matched is theirs to know
                data["child"] = None
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


# -- protection cases -------------------------------------------------------------------------------
class PlanItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanItem
        fields = ["id", "service", "unit", "owner", "due", "status", "done_at", "result"]
        read_only_fields = fields


class CaseStepSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField()
    label = serializers.SerializerMethodField()

    class Meta:
        model = CaseStep
        fields = ["action", "label", "state", "at", "by", "note"]
        read_only_fields = fields

    def get_label(self, obj) -> str:
        return C.step_label(obj.action)


class CaseSerializer(serializers.ModelSerializer):
    child = ChildField(read_only=True, help_text="儿童 id（/api/v1/children/ 的 id）")
    child_name = serializers.CharField(source="child.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    allowed_actions = serializers.SerializerMethodField(help_text="此刻可进行的操作（POST …/act/ 的 action）")

    class Meta:
        model = ProtectionCase
        fields = ["id", "child", "child_name", "state", "state_label", "opened_at", "entered_at", "placement", "risk", "assessment",
                  "due_kind", "due_at", "alert", "report", "village_code", "allowed_actions"]
        read_only_fields = fields

    def get_allowed_actions(self, obj) -> list[str]:
        return cases.actions_for(self.context["request"].user, obj)


class CaseDetailSerializer(CaseSerializer):
    plan = PlanItemSerializer(many=True, read_only=True)
    steps = CaseStepSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "plan", "steps"]
        read_only_fields = fields


class CaseOpenSerializer(serializers.Serializer):
    child = serializers.UUIDField(required=False, allow_null=True, default=None, help_text="儿童 id")
    alert = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="由预警立案：预警 id")
    report = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="由强制报告立案：报告 id")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseActSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(C.ACTIONS), help_text="操作：" + "、".join(f"{k}（{v}）" for k, v in C.ACTION_LABELS.items()))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    placement = serializers.CharField(required=False, allow_blank=True, default="", help_text="安置方式：" + "、".join(C.PLACEMENTS))
    risk = serializers.CharField(required=False, allow_blank=True, default="", help_text="风险等级：高、中、低")
    assessment = serializers.CharField(required=False, allow_blank=True, default="", help_text="评估情况")


class PlanAddSerializer(serializers.Serializer):
    service = serializers.CharField(required=False, allow_blank=True, default="", help_text="服务：" + "、".join(C.SERVICES))
    unit = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    owner = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
    due = serializers.DateField(required=False, allow_null=True, default=None)


CASE_STATUSES = ["open", "late", "approval", "revisit", "ended", "all", *C.STATES]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("status", str, enum=CASE_STATUSES, description="默认 open（进行中）；也可为某一步骤的代码")]))
class CaseViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """保护个案, for those who work them (the township supervisor of the child's place, the county
    protection staff); anyone else gets 404. POST opens one (from a child, an alert or a report);
    `act` takes one step (`allowed_actions` lists them), `approve` approves the plan or the closure
    awaiting approval, `plan` adds a service to the help plan."""
    needs = declare((*READ, "create", "act", "approve", "plan"), "handles_cases")
    audit_confidential = True

    serializer_class = CaseSerializer
    queryset = ProtectionCase.objects.none()

    def get_queryset(self):
        if self.action != "list":
            return cases.cases_handled_by(self.request.user).select_related("child")
        status = choice_param(self.request.query_params, "status", CASE_STATUSES, default="open")
        if status in C.STATES:
            qs = cases.cases_handled_by(self.request.user).filter(state=status).order_by(F("due_at").asc(nulls_last=True), "-opened_at")
        else:
            qs = cases.filtered_cases(self.request.user, status)[0]
        return qs.select_related("child")

    def _out(self, case, status=200):
        case = cases.cases_handled_by(self.request.user).select_related("child").get(pk=case.pk)
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data, status=status)

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        log_access(actor=request.user, action="api_view", child=case.child, scope="保护个案", detail=f"接口查看个案 #{case.pk}",
                   confidential=True, request=request)
        return self._out(case)

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseDetailSerializer})
    def create(self, request, *args, **kwargs):
        s = CaseOpenSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        alert = S.alert_for(request.user, d["alert"]) if d["alert"] else None
        report = S.report_for(request.user, d["report"]) if d["report"] else None
        if report is not None and not S.handles(request.user, report):
            raise NotFound("报告不存在")
        child = alert.child if alert else (report.child if report and report.child_id else None)
        if child is None:
            child = children_visible_to(request.user).filter(uid=d["child"]).first() if d["child"] else None
        if child is None:
            raise NotFound("未找到该儿童")
        return self._out(cases.case_open(actor=request.user, child=child, alert=alert, report=report, note=d["note"]), status=201)

    @extend_schema(request=CaseActSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        """进行一步：确认安全、安置、评估、提交计划、审批、复核、申请结案、回访。"""
        s = CaseActSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._out(cases.case_act(actor=request.user, case=self.get_object(), **s.validated_data))

    @extend_schema(request=CloseSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """批准待审批的帮扶计划或结案申请（须由提交人以外的人员审批）。"""
        case = self.get_object()
        act = {"planning": "approve_plan", "closing": "approve_close"}.get(case.state, "approve_plan")
        return self._out(cases.case_act(actor=request.user, case=case, action=act, note=request.data.get("reason", "") or ""))

    @extend_schema(request=PlanAddSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        """帮扶计划中添加一项服务（评估之后）。"""
        s = PlanAddSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        case = self.get_object()
        cases.plan_item_add(actor=request.user, case=case, **s.validated_data)
        return self._out(case, status=201)


# -- joint meetings ---------------------------------------------------------------------------------
class ItemSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_code", read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "text", "unit", "owner", "due", "region", "case", "status", "evidence", "done_at"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_code", read_only=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "held_on", "title", "region", "units", "attendees", "minutes", "items"]
        read_only_fields = fields

    def get_items(self, obj) -> list[dict]:
        items = meetings.items_visible_to(self.context["request"].user).filter(meeting=obj)
        return ItemSerializer(items, many=True).data


class MeetingCreateSerializer(serializers.Serializer):
    held_on = serializers.DateField(required=False, allow_null=True, default=None)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    region = serializers.CharField(required=False, allow_blank=True, default="", help_text="召开层级的区划代码（县或乡镇）")
    units = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    attendees = serializers.CharField(required=False, allow_blank=True, default="")
    minutes = serializers.CharField(required=False, allow_blank=True, default="")


class ItemAddSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    unit = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    owner = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
    due = serializers.DateField(required=False, allow_null=True, default=None)
    region = serializers.CharField(required=False, allow_blank=True, default="", help_text="涉及乡镇或村的区划代码（可选）")
    case = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="涉及个案 id（可选，经办人）")


class ItemDoneSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="事项 id")
    evidence = serializers.CharField(required=False, allow_blank=True, default="")


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """联席会议 of the caller's county or township (and those above it), with the action items the
    caller answers for. POST records a meeting; `items` adds an action item; `done` closes one."""
    needs = declare((*READ, "create", "items", "done"), "joint_meetings")

    serializer_class = MeetingSerializer
    queryset = Meeting.objects.none()

    def get_queryset(self):
        return meetings.meetings_visible_to(self.request.user)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer})
    def create(self, request, *args, **kwargs):
        s = MeetingCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        code = d.pop("region")
        region = next((r for r in meetings.regions_of(request.user) if r.code == code), None) if code else None
        m = meetings.meeting_record(actor=request.user, region=region, **d)
        return Response(MeetingSerializer(m, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=ItemAddSerializer, responses={201: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        """添加议定事项：事项、责任单位、责任人、时限，可关联乡镇或村、个案。"""
        s = ItemAddSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        code = d.pop("region")
        region = Region.objects.filter(code=code).first() if code else None
        m = self.get_object()
        meetings.item_add(actor=request.user, meeting=m, region=region, **d)
        return Response(MeetingSerializer(m, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=ItemDoneSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """办结一个事项（写明办结情况）。"""
        s = ItemDoneSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        m = self.get_object()
        item = meetings.items_visible_to(request.user).filter(meeting=m, pk=s.validated_data["item"]).first()
        if item is None:
            raise NotFound("事项不存在")
        meetings.item_done(actor=request.user, item=item, evidence=s.validated_data["evidence"])
        return Response(MeetingSerializer(m, context=self.get_serializer_context()).data)
