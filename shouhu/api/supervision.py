"""督查整改 over the API (docs/domain.md, "Supervision"): inspections for the inspection team (list,
plan one, draw a seeded sample, record a field check); findings for those who file, answer or
re-check them (list filtered by state and source, one with its timeline, file one, one step). The
same selectors and services as the pages: a user of another village, township or school gets the
404 of a missing finding."""
from django.db.models import Count
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from shouhu.audit.services import log_access
from shouhu.core.errors import NotFound
from shouhu.regions.models import Region, School
from shouhu.rules import evaluation as E
from shouhu.rules import supervision as S
from shouhu.supervision import scoreboard as SB
from shouhu.supervision import selectors as Sel
from shouhu.supervision import services as V
from shouhu.supervision.models import Finding, FindingStep, Inspection, SampleItem

from .audit import LoggedListMixin
from .permissions import READ, declare
from .quality import choice_param

STATUSES = list(Sel.LIST_FILTERS)


class InspectionSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    region = serializers.CharField(source="region_code", read_only=True, help_text="督查范围的区划代码")
    findings = serializers.IntegerField(source="n", read_only=True, default=0, help_text="发现问题数")

    class Meta:
        model = Inspection
        fields = ["id", "title", "kind", "kind_label", "state", "state_label", "region", "planned_on", "done_on", "team_note", "findings"]
        read_only_fields = fields


class InspectionCreateSerializer(serializers.Serializer):
    region = serializers.CharField(max_length=12, help_text="督查范围（县或乡镇）的区划代码")
    kind = serializers.ChoiceField(choices=list(S.KINDS), help_text="、".join(f"{k}（{v}）" for k, v in S.KINDS.items()))
    planned_on = serializers.DateField()
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    units = serializers.ListField(child=serializers.CharField(max_length=12), required=False, default=list, help_text="督查村的区划代码")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DrawSerializer(serializers.Serializer):
    village = serializers.CharField(max_length=12, help_text="村（社区）区划代码")
    size = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=50)


class SampleItemSerializer(serializers.ModelSerializer):
    child = serializers.UUIDField(source="child.uid", read_only=True)
    name = serializers.CharField(source="child.name", read_only=True)

    class Meta:
        model = SampleItem
        fields = ["id", "child", "name", "answers", "checked_at"]
        read_only_fields = fields


class CheckSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="抽查名单中的条目 id")
    answers = serializers.DictField(child=serializers.ChoiceField(choices=list(S.ANSWERS)),
                                    help_text="每项核查的结果：" + "、".join(f"{k}（{v}）" for k, v in S.CHECKS.items()) + "；取值 yes / no / unknown")
    note = serializers.CharField(required=False, allow_blank=True, default="")


def _region(code: str, field: str) -> Region:
    r = Region.objects.filter(code=code).first()
    if r is None:
        raise NotFound("未找到该区划")
    return r


@extend_schema_view(list=extend_schema(description="督查组和县级管理员的督查（最近的在前）"))
class InspectionViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet):
    """督查: plan one (POST), draw a seeded sample of a village's children (`sample`), record the field
    check of one sampled child (`check`: a "no" files a finding on the village)."""
    needs = declare((*READ, "create", "sample", "check"), "inspects")
    serializer_class = InspectionSerializer
    queryset = Inspection.objects.none()

    def get_queryset(self):
        return Sel.inspections_visible_to(self.request.user).annotate(n=Count("findings")).order_by("-planned_on", "-id")

    @extend_schema(request=InspectionCreateSerializer, responses={201: InspectionSerializer})
    def create(self, request, *args, **kwargs):
        s = InspectionCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        units = [_region(c, "units") for c in d["units"]]
        i = V.inspection_create(actor=request.user, region=_region(d["region"], "region"), kind=d["kind"], planned_on=d["planned_on"],
                                title=d["title"], units=units, note=d["note"])
        return Response(InspectionSerializer(self.get_queryset().get(pk=i.pk)).data, status=201)

    @extend_schema(request=DrawSerializer, responses={201: SampleItemSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def sample(self, request, pk=None):
        """随机抽取该村在册儿童（种子记录在案，可复现），返回抽查名单。"""
        s = DrawSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        sample = V.sample_draw(actor=request.user, inspection=self.get_object(), village=_region(s.validated_data["village"], "village"),
                               size=s.validated_data["size"], request=request)
        return Response({"sample": sample.pk, "seed": sample.seed, "pool": sample.pool,
                         "items": SampleItemSerializer(sample.items.select_related("child"), many=True).data}, status=201)

    @extend_schema(request=CheckSerializer, responses=SampleItemSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """记录一名抽查儿童的实地核查结果；任一项为 no 即登记为该村的督查问题。"""
        s = CheckSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        item = SampleItem.objects.filter(pk=s.validated_data["item"], sample__inspection=self.get_object()).first()
        if item is None:
            raise NotFound("未找到该抽查条目")
        V.sample_check(actor=request.user, item=item, answers=s.validated_data["answers"], note=s.validated_data["note"])
        item.refresh_from_db()
        return Response(SampleItemSerializer(item).data)


class FindingStepSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField()
    label = serializers.SerializerMethodField()

    class Meta:
        model = FindingStep
        fields = ["action", "label", "state", "at", "by", "note"]
        read_only_fields = fields

    def get_label(self, obj) -> str:
        return S.ACTION_LABELS.get(obj.action, obj.action)


class FindingSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit_code", read_only=True, help_text="责任单位的区划代码")
    unit_name = serializers.CharField(source="unit.display_name", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True, default="")
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    late = serializers.SerializerMethodField(help_text="已逾期")
    allowed_actions = serializers.SerializerMethodField(help_text="此刻可进行的操作（POST …/act/ 的 action）")

    class Meta:
        model = Finding
        fields = ["id", "inspection", "source", "source_label", "unit", "unit_name", "school", "school_name", "problem", "state",
                  "state_label", "found_on", "due_on", "late", "closed_on", "allowed_actions"]
        read_only_fields = fields

    def get_late(self, obj) -> bool:
        return S.is_overdue(obj.state, obj.due_on, timezone.localdate())

    def get_allowed_actions(self, obj) -> list[str]:
        return Sel.actions_for(self.context["request"].user, obj)


class FindingDetailSerializer(FindingSerializer):
    steps = FindingStepSerializer(many=True, read_only=True)

    class Meta(FindingSerializer.Meta):
        fields = [*FindingSerializer.Meta.fields, "detail", "steps"]
        read_only_fields = fields


class FindingCreateSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=12, help_text="责任单位（村、乡镇）的区划代码")
    school = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="责任学校 id（可选）")
    inspection = serializers.IntegerField(required=False, allow_null=True, default=None)
    problem = serializers.CharField(max_length=64)
    detail = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class FindingActSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(S.ACTIONS), help_text="、".join(f"{k}（{S.ACTION_LABELS[k]}）" for k in S.ACTIONS))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                  help_text="佐证材料（multipart；提交整改时必需）")


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("status", str, enum=STATUSES, description="默认 open（待整改）"),
    OpenApiParameter("source", str, enum=list(S.SOURCES))]))
class FindingViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """督查问题: the caller's units' findings, soonest deadline first; POST files one (the inspection
    team); `act` answers (the unit, with evidence) or re-checks (someone above the unit)."""
    needs = {**declare((*READ, "act"), "findings"), **declare(("create",), "inspects")}
    serializer_class = FindingSerializer
    queryset = Finding.objects.none()

    def get_queryset(self):
        qs = Sel.findings_visible_to(self.request.user).select_related("unit", "school")
        if self.action != "list":
            return qs
        g = self.request.query_params
        qs = Sel.filtered(qs, choice_param(g, "status", STATUSES, default="open"))
        if source := choice_param(g, "source", list(S.SOURCES)):
            qs = qs.filter(source=source)
        return qs.order_by("due_on", "id")

    def _out(self, finding, status=200):
        f = self.get_queryset().get(pk=finding.pk)
        return Response(FindingDetailSerializer(f, context=self.get_serializer_context()).data, status=status)

    def retrieve(self, request, *args, **kwargs):
        f = self.get_object()
        if f.child_id:
            log_access(actor=request.user, action="api_view", child=f.child, scope="督查整改", detail=f"接口查看督查问题 #{f.pk}", request=request)
        return self._out(f)

    @extend_schema(request=FindingCreateSerializer, responses={201: FindingDetailSerializer})
    def create(self, request, *args, **kwargs):
        s = FindingCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        school = School.objects.filter(pk=d["school"]).first() if d["school"] else None
        if d["school"] and school is None:
            raise NotFound("未找到该学校")
        inspection = Sel.inspection_for(request.user, d["inspection"]) if d["inspection"] else None
        f = V.finding_create(actor=request.user, unit=_region(d["unit"], "unit"), school=school, inspection=inspection,
                             problem=d["problem"], detail=d["detail"], due_on=d["due_on"])
        return self._out(f, status=201)

    @extend_schema(request=FindingActSerializer, responses=FindingDetailSerializer)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        """提交整改（answer，附佐证材料）、复核通过（pass）、退回重改（return，写明原因）。"""
        s = FindingActSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        return self._out(V.finding_act(actor=request.user, finding=self.get_object(), action=d["action"], note=d["note"], files=d["files"]))


class ScoreRowSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="township / school / total")
    key = serializers.CharField(help_text="乡镇区划代码或学校 id")
    label = serializers.CharField()
    score = serializers.FloatField(allow_null=True, help_text="百分制得分（无适用指标时为空）")
    veto = serializers.BooleanField(help_text="一票否决")
    values = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()), help_text="指标 → [达标数, 应统计数]")


class ScoreboardSerializer(serializers.Serializer):
    period = serializers.CharField()
    label = serializers.CharField()
    frozen = serializers.BooleanField()
    indicators = serializers.ListField(child=serializers.DictField())
    townships = ScoreRowSerializer(many=True)
    schools = ScoreRowSerializer(many=True)
    total = ScoreRowSerializer()


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("period", str, description="2026Q3（季度）或 2026（年度），默认本季度"),
                                                   OpenApiParameter("live", bool, description="已冻结的考核期也实时计算")],
                                       responses=ScoreboardSerializer))
class ScoreboardViewSet(viewsets.ViewSet):
    """考核: each township and school scored for a quarter or a year (frozen after the period once
    the county has frozen it), the indicators with weights and targets; counts only, no names."""
    needs = declare(("list",), "scoreboard")

    def list(self, request):
        try:
            year, quarter = E.parse_period(request.query_params.get("period") or E.period_key(*E.quarter_of(timezone.localdate())))
        except ValueError as e:
            raise ValidationError({"period": str(e)}) from None
        figures, frozen = SB.scoreboard(request.user, year=year, quarter=quarter, live=request.query_params.get("live") in ("1", "true"))
        return Response({**figures, "frozen": frozen is not None})
