"""队伍建设 over the API (docs/domain.md, "People"): the roster's people (list filtered by township,
post and status; one with tenures and trainings), the county's writes (register a person, appoint,
end a tenure), and the vacancies. The same selectors and services as the pages: a user of another
township gets the 404 of a missing record."""
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhu.core.errors import NotFound
from shouhu.regions.models import Region, School
from shouhu.rules import staffing as R
from shouhu.staffing import selectors as Sel
from shouhu.staffing import services as V
from shouhu.staffing.models import Appointment, Person, Training, Vacancy

from .audit import LoggedListMixin
from .permissions import READ, declare
from .quality import choice_param

STATUSES = ["current", "ended", "all"]


class TenureSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    place = serializers.SerializerMethodField(help_text="区划代码，或学校 school:<id>")
    place_name = serializers.CharField(source="place_label", read_only=True)
    org = serializers.CharField(source="org.name", read_only=True, default="")
    end_reason_label = serializers.CharField(source="get_end_reason_display", read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "kind", "kind_label", "place", "place_name", "org", "start_on", "end_on", "end_reason", "end_reason_label", "end_note"]
        read_only_fields = fields

    def get_place(self, obj) -> str:
        return obj.place_key


class TrainingSerializer(serializers.ModelSerializer):
    has_certificate = serializers.SerializerMethodField()

    class Meta:
        model = Training
        fields = ["id", "on", "topic", "hours", "organiser", "certificate_no", "has_certificate"]
        read_only_fields = fields

    def get_has_certificate(self, obj) -> bool:
        return bool(obj.certificate)


class PersonSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_code", read_only=True, help_text="任职所在区划代码")
    region_name = serializers.CharField(source="region.display_name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True, default="")
    current = serializers.SerializerMethodField(help_text="现任岗位")

    class Meta:
        model = Person
        fields = ["id", "name", "sex", "birth_year", "phone", "other_posts", "education", "org", "org_name", "region", "region_name", "current"]
        read_only_fields = fields

    def get_current(self, obj) -> list[str]:
        today = timezone.localdate()
        return [f"{a.place_label}{a.get_kind_display()}" for a in obj.appointments.all() if R.holds_on(a.tenure(), today)]


class PersonDetailSerializer(PersonSerializer):
    tenures = TenureSerializer(source="appointments", many=True, read_only=True)
    trainings = TrainingSerializer(many=True, read_only=True)

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "tenures", "trainings"]
        read_only_fields = fields


class PersonWriteSerializer(serializers.Serializer):
    """The fields a client may write: nothing else is read from the request."""
    name = serializers.CharField(max_length=32)
    sex = serializers.ChoiceField(choices=[*R.SEXES, ""], required=False, default="")
    birth_year = serializers.IntegerField(required=False, allow_null=True, default=None)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    other_posts = serializers.CharField(max_length=64, required=False, allow_blank=True, default="", help_text="兼任职务，如：村妇联主席、村会计")
    education = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    region = serializers.CharField(max_length=12, help_text="所在区划代码（村、乡镇或县）")


class AppointSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(R.KINDS), help_text="、".join(f"{k}（{v.label}）" for k, v in R.KINDS.items()))
    region = serializers.CharField(max_length=12, required=False, allow_blank=True, default="", help_text="岗位所在区划代码（学校岗位不填）")
    school = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="学校 id（心理辅导教师）")
    start_on = serializers.DateField()
    username = serializers.CharField(max_length=150, required=False, allow_blank=True, default="",
                                     help_text="登录账号：任职期间获得该岗位的权限，离任时收回")


class EndSerializer(serializers.Serializer):
    appointment = serializers.IntegerField(help_text="任职记录 id")
    end_on = serializers.DateField(help_text="不再任职的第一天")
    reason = serializers.ChoiceField(choices=list(R.END_REASONS), help_text="、".join(f"{k}（{v}）" for k, v in R.END_REASONS.items()))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class VacancySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    place = serializers.CharField(source="place_key", read_only=True)
    place_name = serializers.CharField(source="place_label", read_only=True)

    class Meta:
        model = Vacancy
        fields = ["id", "kind", "kind_label", "place", "place_name", "short", "since", "opened_on"]
        read_only_fields = fields


def _region(code: str) -> Region:
    r = Region.objects.filter(code=code).first()
    if r is None:
        raise NotFound("未找到该区划")
    return r


@extend_schema_view(
    list=extend_schema(description="队伍花名册：儿童主任、儿童督导员、心理辅导教师、社工（本人所辖区域）", parameters=[
        OpenApiParameter("township", str, description="乡镇区划代码"), OpenApiParameter("kind", str, enum=list(R.KINDS), description="岗位"),
        OpenApiParameter("status", str, enum=STATUSES, description="current（在任，默认）、ended（已离任）、all")]),
    retrieve=extend_schema(description="一名人员：任职经历与培训记录"),
    create=extend_schema(description="登记人员（县级管理员）", request=PersonWriteSerializer, responses={201: PersonDetailSerializer}))
class StaffViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The roster's people; `appoint` and `end` (the county); `vacancies` (posts with nobody in them today)."""
    needs = {**declare((*READ, "vacancies"), "reads_staff"), **declare(("create", "appoint", "end"), "manages_staff")}
    serializer_class = PersonSerializer
    queryset = Person.objects.none()
    audit_list_actions = ("list", "vacancies")

    def get_queryset(self):
        qs = Sel.people_visible_to(self.request.user).select_related("region", "org").prefetch_related("appointments__region",
                                                                                                          "appointments__school")
        if self.action != "list":
            return qs.prefetch_related("trainings", "appointments__org")
        g, today = self.request.query_params, timezone.localdate()
        tenures = Appointment.objects.all()
        if township := g.get("township", ""):
            tenures = tenures.filter(place_code__startswith=township[:9])
        if kind := choice_param(g, "kind", list(R.KINDS)):
            tenures = tenures.filter(kind=kind)
        status = choice_param(g, "status", STATUSES, default="current")
        if status == "current":
            tenures = tenures.on(today)
        elif status == "ended":
            tenures = tenures.filter(end_on__lte=today)
        if township or kind or status != "all":
            qs = qs.filter(pk__in=tenures.values("person_id"))
        return qs.order_by("region_code", "name", "id")

    def retrieve(self, request, *args, **kwargs):
        return Response(PersonDetailSerializer(self.get_object()).data)

    def create(self, request, *args, **kwargs):
        s = PersonWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        p = V.person_create(actor=request.user, region=_region(d.pop("region")), **d)
        return Response(PersonDetailSerializer(self.get_queryset().get(pk=p.pk)).data, status=201)

    @extend_schema(request=AppointSerializer, responses={201: PersonDetailSerializer})
    @action(detail=True, methods=["post"])
    def appoint(self, request, pk=None):
        """任命到岗位；关联登录账号时，账号在任职期间获得岗位权限。岗位已满（如村里已有在任儿童主任）时返回 post_filled。"""
        s = AppointSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        school = None
        if d["school"]:
            school = School.objects.filter(pk=d["school"]).first()
            if school is None:
                raise NotFound("未找到该学校")
        region = _region(d["region"]) if school is None else None
        V.appointment_start(actor=request.user, person=self.get_object(), kind=d["kind"], region=region, school=school, start_on=d["start_on"],
                            user=V.find_user(d["username"]), request=request)
        return Response(PersonDetailSerializer(self.get_queryset().get(pk=pk)).data, status=201)

    @extend_schema(request=EndSerializer, responses=PersonDetailSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """办理离任：写明日期与原因；关联账号的岗位权限随之收回，岗位空缺时提醒县级管理员。"""
        s = EndSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        person = self.get_object()
        a = Sel.appointment_for(request.user, d["appointment"])
        if a.person_id != person.pk:
            raise NotFound("未找到该任职记录")
        V.appointment_end(actor=request.user, appointment=a, end_on=d["end_on"], reason=d["reason"], note=d["note"], request=request)
        return Response(PersonDetailSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(description="岗位空缺：今天无人在任的岗位（儿童主任、儿童督导员、心理辅导教师）", responses=VacancySerializer(many=True),
                   parameters=[OpenApiParameter("kind", str, enum=list(R.REQUIRED_KINDS))])
    @action(detail=False, methods=["get"])
    def vacancies(self, request):
        qs = Sel.vacancies_visible_to(request.user).select_related("region", "school").order_by("place_code", "kind", "id")
        if kind := choice_param(request.query_params, "kind", list(R.REQUIRED_KINDS)):
            qs = qs.filter(kind=kind)
        page = self.paginate_queryset(qs)
        if page is not None:
            return self.get_paginated_response(VacancySerializer(page, many=True).data)
        return Response(VacancySerializer(qs, many=True).data)
