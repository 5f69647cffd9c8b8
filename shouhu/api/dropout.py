"""控辍保学 cases over the API (docs/domain.md, "Keeping children in school"): the cases the caller
works (the school's staff and the pupil's head teacher, the township's supervisor, the village's
child director for a registered pupil, county education), filtered by step, school and source; one
case with its timeline and the actions its step allows; opening one by hand; one step; 下落不明.
The same selectors and services as the pages: anyone else — another school, a volunteer, a
statistics-only user, an inspector — gets the 404 of a missing case."""
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhu.audit.services import log_access
from shouhu.core.errors import ErrorCode, NotFound, ServiceError
from shouhu.core.params import int_param
from shouhu.regions.models import SchoolClass
from shouhu.regions.selectors import schools_visible_to
from shouhu.registry.selectors import children_visible_to
from shouhu.rules import dropout as D
from shouhu.schooling import dropout as S
from shouhu.schooling.models import DropoutCase, DropoutStep

from .audit import LoggedListMixin
from .care import ChildField
from .permissions import READ, declare
from .quality import choice_param

# the page's filters (open, late, all) and each step by its code; the page's "reported" groups the
# three steps after the written report, the API's is the step itself
STATUSES = ["open", "late", "all", *D.STATES]
STEP_LABELS = {**D.ACTION_LABELS, "open": "立案", "overdue": "逾期", "missing": "下落不明"}
ACTION_CHOICES = tuple(D.ACTIONS)
MODE_CHOICES = D.ATTEMPT_MODES


def _filter(qs, status: str):
    if status in D.STATES:
        return qs.filter(state=status)
    if status == "late":
        return qs.filter(S.late_q(timezone.localdate()))
    return qs.filter(S.LIST_FILTERS[status][1])


class DropoutStepSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField()
    label = serializers.SerializerMethodField()

    class Meta:
        model = DropoutStep
        fields = ["action", "label", "state", "on", "at", "by", "mode", "note"]
        read_only_fields = fields

    def get_label(self, obj) -> str:
        return STEP_LABELS.get(obj.action, obj.action)


class DropoutCaseSerializer(serializers.ModelSerializer):
    child = ChildField(read_only=True, allow_null=True, help_text="儿童 id（已登记的儿童；未登记的学生为空）")
    school_name = serializers.CharField(source="school.name", read_only=True, default="")
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    trigger_label = serializers.CharField(source="get_trigger_display", read_only=True)
    due_label = serializers.SerializerMethodField(help_text="下一步应办的事项")
    late = serializers.SerializerMethodField(help_text="已超过时限")
    allowed_actions = serializers.SerializerMethodField(help_text="此刻可进行的操作（POST …/act/ 的 action）")

    class Meta:
        model = DropoutCase
        fields = ["id", "child", "name", "birth_date", "school", "school_name", "school_class", "class_label", "trigger", "trigger_label",
                  "state", "state_label", "opened_on", "entered_on", "streak", "failed_attempts", "last_attempt_on", "due_kind", "due_label",
                  "due_on", "late", "legal_due", "placement", "returned_on", "follow_ups_done", "outcome", "whereabouts_unknown",
                  "village_code", "allowed_actions"]
        read_only_fields = fields

    def get_due_label(self, obj) -> str:
        return D.DUE_LABELS.get(obj.due_kind, "")

    def get_late(self, obj) -> bool:
        return obj.is_open and D.is_overdue(obj.due_on, timezone.localdate())

    def get_allowed_actions(self, obj) -> list[str]:
        return S.actions_open(obj)


class HeadsSerializer(serializers.Serializer):
    """“七长”: each responsible person as “姓名 职务 电话”."""
    county = serializers.CharField(required=False, allow_blank=True, max_length=48, help_text="县长")
    bureau = serializers.CharField(required=False, allow_blank=True, max_length=48, help_text="教育局长")
    township = serializers.CharField(required=False, allow_blank=True, max_length=48, help_text="乡镇长")
    principal = serializers.CharField(required=False, allow_blank=True, max_length=48, help_text="校长")
    village = serializers.CharField(required=False, allow_blank=True, max_length=48, help_text="村长")
    teacher = serializers.CharField(required=False, allow_blank=True, max_length=48, help_text="班主任（师长）")
    parent = serializers.CharField(required=False, allow_blank=True, max_length=48, help_text="家长")


class DropoutCaseDetailSerializer(DropoutCaseSerializer):
    heads = HeadsSerializer(read_only=True)
    steps = DropoutStepSerializer(many=True, read_only=True)

    class Meta(DropoutCaseSerializer.Meta):
        fields = [*DropoutCaseSerializer.Meta.fields, "heads", "steps"]
        read_only_fields = fields


class DropoutOpenSerializer(serializers.Serializer):
    child = serializers.UUIDField(required=False, allow_null=True, default=None, help_text="已登记儿童的 id；未登记的学生填写学校、姓名和出生日期")
    school = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="学校 id（未登记的学生必填）")
    school_class = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="班级 id（可选）")
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    id_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=18, write_only=True,
                                      help_text="公民身份号码（可选；有则以此识别学生，不保存原文）")
    class_label = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="发现的情况")


class DropoutActSerializer(serializers.Serializer):
    """The fields a step may carry; which of them a step needs is the service's to say (400 with the field)."""
    action = serializers.ChoiceField(choices=ACTION_CHOICES, help_text="操作：" + "、".join(f"{k}（{v}）" for k, v in D.ACTION_LABELS.items()))
    on = serializers.DateField(required=False, allow_null=True, default=None, help_text="日期，默认今天")
    mode = serializers.ChoiceField(choices=MODE_CHOICES, required=False, allow_blank=True, default="", help_text="劝返方式（attempt）")
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="情况")
    heads = HeadsSerializer(required=False, default=dict, help_text="“七长”（start）")
    legal_step = serializers.ChoiceField(choices=list(D.LEGAL_STEPS), required=False, allow_blank=True, default="",
                                         help_text="督促措施（legal）：" + "、".join(f"{k}（{v}）" for k, v in D.LEGAL_STEPS.items()))
    legal_due = serializers.DateField(required=False, allow_null=True, default=None, help_text="限期改正截止日期（legal: order）")
    placement = serializers.ChoiceField(choices=list(D.PLACEMENTS), required=False, allow_blank=True, default="", help_text="复学安置（return）")
    outcome = serializers.ChoiceField(choices=list(D.OUTCOMES), required=False, allow_blank=True, default="",
                                      help_text="其他结果（resolve）：" + "、".join(f"{k}（{v}）" for k, v in D.OUTCOMES.items()))

    WRITABLE = ("action", "on", "mode", "note", "heads", "legal_step", "legal_due", "placement", "outcome")


class DropoutMissingSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="情况及向派出所报告的时间、接报人")


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("status", str, enum=STATUSES, description="默认 open（进行中）；late 已逾期；也可为某一步骤的代码"),
    OpenApiParameter("school", int, description="学校 id"), OpenApiParameter("trigger", str, enum=list(D.TRIGGERS))]))
class DropoutCaseViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    """疑似辍学个案, for those who work them; soonest deadline first. POST opens one by hand (a
    registered child, or a pupil not on the register by school, name and birth date); `act` takes
    one step (`allowed_actions` lists them); `missing` reports the pupil's whereabouts unknown."""
    needs = declare((*READ, "create", "act", "missing"), "dropout_work")

    serializer_class = DropoutCaseSerializer
    queryset = DropoutCase.objects.none()

    def get_queryset(self):
        qs = S.dropout_cases_visible_to(self.request.user).select_related("child", "school")
        if self.action != "list":
            return qs
        g = self.request.query_params
        qs = _filter(qs, choice_param(g, "status", STATUSES, default="open"))
        if (school := int_param(g, "school")) is not None:
            qs = qs.filter(school_id=school)
        if trigger := choice_param(g, "trigger", list(D.TRIGGERS)):
            qs = qs.filter(trigger=trigger)
        return qs.order_by(F("due_on").asc(nulls_last=True), "-opened_on", "-id")

    def _out(self, case, status=200):
        case = S.dropout_cases_visible_to(self.request.user).select_related("child", "school").get(pk=case.pk)
        return Response(DropoutCaseDetailSerializer(case, context=self.get_serializer_context()).data, status=status)

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        log_access(actor=request.user, action="api_view", child=case.child, scope="控辍保学", detail=f"接口查看辍学个案 #{case.pk}",
                   request=request)
        return self._out(case)

    @extend_schema(request=DropoutOpenSerializer, responses={201: DropoutCaseDetailSerializer})
    def create(self, request, *args, **kwargs):
        s = DropoutOpenSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        child = school = klass = None
        if d["child"]:
            child = children_visible_to(request.user).filter(uid=d["child"]).first()
            if child is None:
                raise NotFound("未找到该儿童")
        if d["school"] is not None:
            school = schools_visible_to(request.user).filter(pk=d["school"]).first()
            if school is None:
                raise NotFound("未找到该学校")
        if d["school_class"] is not None:
            klass = SchoolClass.objects.filter(pk=d["school_class"], school=school or (child.school if child else None)).first()
            if klass is None:
                raise NotFound("未找到该班级")
        if child is None:
            if school is None:
                raise ServiceError("请选择学校", code=ErrorCode.REQUIRED, field="school")
            if not d["name"].strip():
                raise ServiceError("请填写学生姓名", code=ErrorCode.REQUIRED, field="name")
            if d["birth_date"] is None and not d["id_number"]:
                raise ServiceError("请填写出生日期", code=ErrorCode.REQUIRED, field="birth_date")
        key = "" if child else S.pupil_key(id_number=d["id_number"], school_id=school.pk, name=d["name"], birth_date=d["birth_date"])
        with transaction.atomic():
            case = S.dropout_open(trigger="manual", school=school, school_class=klass, child=child, key=key, name=d["name"].strip(),
                                  birth_date=d["birth_date"], class_label=d["class_label"] or (str(klass) if klass else ""),
                                  actor=request.user, note=d["note"].strip())
            # only a case the caller then works: a head teacher opens for their class, a village
            # director for a registered child of their village (rolled back, the same 404 otherwise)
            if not S.dropout_cases_visible_to(request.user).filter(pk=case.pk).exists():
                raise NotFound("未找到该学生")
        return self._out(case, status=201)

    @extend_schema(request=DropoutActSerializer, responses=DropoutCaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        """进行一步：劝返（attempt）、书面上报（report）、启动乡镇劝返并填写“七长”（start）、依法督促（legal）、
        复学（return）、跟踪回访（follow）、结案（close）、其他结果（resolve）、再次辍学（relapse）。"""
        s = DropoutActSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        args = {k: v for k, v in s.validated_data.items() if k in DropoutActSerializer.WRITABLE}
        return self._out(S.dropout_act(actor=request.user, case=self.get_object(), **args))

    @extend_schema(request=DropoutMissingSerializer, responses=DropoutCaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def missing(self, request, pk=None):
        """学生下落不明：告知乡镇和县教育局（同时电话报告派出所，写明时间和接报人）。"""
        s = DropoutMissingSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._out(S.dropout_missing(actor=request.user, case=self.get_object(), note=s.validated_data["note"]))
