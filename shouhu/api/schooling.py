"""School rosters over the API (学籍核对): the schools' uploads, the entries of the current roster,
and the two 人籍一致 lists of a school.

The same selectors and services as the schooling pages: a school's roster is for the roles whose
scope covers the whole school (`schooling.selectors.roster_schools_visible_to`) — for a head
teacher, a village director, a helper or another school's staff every school, roster and list is
the same 404 as a missing one. An upload goes through `schooling.services.roster_upload` for
those who may upload for the school (else 404); an unusable file is a 400 on `file`. ID numbers
(and the 学籍号 that carries one) are masked unless the caller's scope shows them in full. Reading
a roster upload, the entries or a 人籍一致 list writes an access-log line, as the pages' export does."""
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core.params import int_param
from shouhu.regions.models import School
from shouhu.schooling import selectors, services
from shouhu.schooling.forms import RosterUploadForm
from shouhu.schooling.models import STATUSES, Roster, RosterEntry
from shouhu.schooling.views import LISTS

from .audit import LoggedListMixin
from .permissions import READ, declare
from .quality import choice_param
from .search import SearchByPostMixin


class RosterSearchSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, help_text="姓名（包含）")
    school = serializers.IntegerField(required=False)
    status = serializers.CharField(required=False, help_text="就学状态：" + "、".join(STATUSES))


class ListSearchSerializer(serializers.Serializer):
    """A 人籍一致 list searched by name: POST with `q` (and `class`, `status`) in the body."""

    q = serializers.CharField(required=False, allow_blank=True, help_text="姓名（包含）")
    status = serializers.CharField(required=False, help_text="就学状态：" + "、".join(STATUSES))


def school_param(actor, value, name: str = "school"):
    """The school of `?school=` / the `school` field: one whose roster the caller may read, else
    the same 404 as a missing one."""
    if value in (None, ""):
        raise ValidationError({name: "请指定学校"})
    return selectors.school_for(actor, value)


def shown_id(request, number: str | None) -> str:
    return scope_of(request.user).show_id(number) if number else ""


# -- serializers -------------------------------------------------------------------------------------
class ProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Excel 中的行号")
    column = serializers.CharField(help_text="列（表头）")
    message = serializers.CharField()
    kept = serializers.BooleanField(help_text="true：已导入（附说明）；false：未导入")


class RosterSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)
    uploaded_by = serializers.StringRelatedField(read_only=True, help_text="上传人")

    class Meta:
        model = Roster
        fields = ["id", "school", "school_name", "uploaded_by", "uploaded_at", "file_name", "rows_total", "rows_stored", "rows_rejected"]
        read_only_fields = fields


class RosterDetailSerializer(RosterSerializer):
    problems = ProblemSerializer(many=True, read_only=True, help_text="未导入的行与已导入但有说明的行，按行号")

    class Meta(RosterSerializer.Meta):
        fields = [*RosterSerializer.Meta.fields, "problems"]
        read_only_fields = fields


class RosterUploadSerializer(serializers.Serializer):
    school = serializers.IntegerField(help_text="学校 id（须是您可以上传名册的学校，否则 404）")
    file = serializers.FileField(help_text="学籍名册 Excel 文件（.xlsx），表头见模板；新名册整体替换该校旧名册")


class RosterEntrySerializer(serializers.ModelSerializer):
    class_label = serializers.CharField(read_only=True, help_text="年级与班级（如名册所写）")
    id_number = serializers.SerializerMethodField(help_text="身份证号（无完整查看权限时打码）")
    student_no = serializers.SerializerMethodField(help_text="学籍号（含身份证号时同样打码）")

    class Meta:
        model = RosterEntry
        fields = ["id", "roster", "school", "school_class", "row_no", "name", "sex", "birth_date", "id_number", "student_no", "grade",
                  "class_name", "class_label", "father_name", "mother_name", "carer_name", "status"]
        read_only_fields = fields

    def get_id_number(self, obj) -> str:
        return shown_id(self.context["request"], obj.id_number)

    def get_student_no(self, obj) -> str:
        if obj.id_number and obj.id_number in obj.student_no:
            return obj.student_no.replace(obj.id_number, shown_id(self.context["request"], obj.id_number))
        return obj.student_no  # a temporary L… number, as the page shows it


class MissingChildSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uid", help_text="儿童 id（/api/v1/children/ 的 id）")
    name = serializers.CharField()
    sex = serializers.CharField()
    birth_date = serializers.DateField()
    id_number = serializers.SerializerMethodField(help_text="身份证号（无完整查看权限时打码）")
    school_class = serializers.IntegerField(source="school_class_id", allow_null=True)
    class_label = serializers.SerializerMethodField(help_text="班级")
    schooling = serializers.CharField(help_text="就学情况（档案）")
    township = serializers.SerializerMethodField(help_text="乡镇（街道）")
    village = serializers.CharField(source="village.code", help_text="村（社区）区划代码")
    village_name = serializers.CharField(source="village.short_name")
    father_name = serializers.CharField()
    mother_name = serializers.CharField()

    def get_id_number(self, obj) -> str:
        return shown_id(self.context["request"], obj.id_number)

    def get_class_label(self, obj) -> str:
        return str(obj.school_class or "")

    def get_township(self, obj) -> str:
        return obj.village.parent.short_name if obj.village.parent else ""


class RosterSchoolSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    township = serializers.CharField(source="region_code", help_text="所在乡镇（街道）区划代码")
    stage = serializers.CharField()
    roster_entries = serializers.IntegerField(help_text="当前名册人数")
    roster_at = serializers.DateTimeField(allow_null=True, help_text="最近一次上传时间（未上传为 null）")
    can_upload = serializers.SerializerMethodField(help_text="您能否为该校上传名册")

    def get_can_upload(self, obj) -> bool:
        return obj.pk in self.context.get("upload_ids", ())


# -- rosters (uploads) ---------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("school", int, description="学校（须在您的范围内，否则 404）")]),
    create=extend_schema(request={"multipart/form-data": RosterUploadSerializer}, responses={201: RosterDetailSerializer}),
)
class RosterViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """学籍名册上传记录: the uploads of the schools whose roster the caller may read, latest first
    (the list without `problems`; the detail with every row not stored or stored with a remark).
    POST (multipart `school`, `file`) uploads a school's roster, replacing its entries — for county
    admins, county education and the school's own staff."""
    needs = declare((*READ, "create"), "reads_records")

    serializer_class = RosterSerializer
    queryset = Roster.objects.none()
    parser_classes = [MultiPartParser, FormParser]

    def get_serializer_class(self):
        return RosterSerializer if self.action == "list" else RosterDetailSerializer

    def get_queryset(self):
        actor = self.request.user
        qs = Roster.objects.filter(school__in=selectors.roster_schools_visible_to(actor)).select_related("school", "uploaded_by")
        if self.action == "list" and "school" in self.request.query_params:
            qs = qs.filter(school=school_param(actor, self.request.query_params["school"]))
        return qs.order_by("-uploaded_at", "-id")

    def retrieve(self, request, *args, **kwargs):
        roster = self.get_object()
        log_access(actor=request.user, action="api_view", scope=f"{roster.school.name} 学籍名册",
                   detail=f"接口查看学籍名册上传记录 #{roster.pk}", request=request)
        return Response(self.get_serializer(roster).data)

    def create(self, request, *args, **kwargs):
        school = school_param(request.user, request.data.get("school"))
        if not selectors.can_upload(request.user, school):
            raise Http404("未找到该学校")
        form = RosterUploadForm(files=request.FILES)  # the page's checks: present, an Excel file, not too large
        if not form.is_valid():
            raise ValidationError({k: list(v) for k, v in form.errors.items()})
        roster = services.roster_upload(actor=request.user, school=school, file=form.cleaned_data["file"])
        return Response(RosterDetailSerializer(roster, context=self.get_serializer_context()).data, status=201)


# -- roster entries ------------------------------------------------------------------------------------
@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("school", int, description="学校（须在您的范围内，否则 404；只能看一所学校时可省略）"),
    OpenApiParameter("status", str, enum=list(STATUSES), description="就学状态"),
]))
class RosterEntryViewSet(LoggedListMixin, SearchByPostMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """学籍名册: the current roster of one school (`?school=`, or the caller's one school); by a
    pupil's name through `POST …/search/` (`name` in the body: names stay out of URLs)."""
    needs = declare(("list", "search"), "reads_records")
    personal_params = ("name",)
    audit_list_actions = ("list", "search")

    serializer_class = RosterEntrySerializer
    queryset = RosterEntry.objects.none()

    def _school(self):
        actor, g = self.request.user, self.params
        if "school" not in g:
            schools = list(selectors.roster_schools_visible_to(actor)[:2])
            if not schools:  # no school's roster to read at all (a head teacher, a village director)
                raise Http404("未找到该学校")
            if len(schools) == 1:
                return schools[0]
        return school_param(actor, g.get("school"))

    def get_queryset(self):
        g = self.params
        self.school = self._school()
        qs = RosterEntry.objects.filter(school=self.school)
        if status := choice_param(g, "status", STATUSES):
            qs = qs.filter(status=status)
        if name := g.get("name", "").strip():
            qs = qs.filter(name__contains=name)
        return qs.order_by("grade", "class_name", "row_no", "id")

    def list(self, request, *args, **kwargs):
        qs = self.get_queryset()
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=RosterSearchSerializer, responses=RosterEntrySerializer(many=True), parameters=[OpenApiParameter("page", int)])
    @action(detail=False, methods=["post"])
    def search(self, request, *args, **kwargs):
        """按姓名查找名册条目（姓名放在请求体中，不进入地址和日志）；school、status 同列表。"""
        return self.list(request, *args, **kwargs)


# -- 人籍一致 ------------------------------------------------------------------------------------------
LIST_PARAMS = [OpenApiParameter("class", int, description="班级 id")]


@extend_schema_view(retrieve=extend_schema(responses=RosterSchoolSerializer))
class ConsistencyViewSet(LoggedListMixin, SearchByPostMixin, viewsets.ReadOnlyModelViewSet):
    """人籍一致: the schools whose roster the caller may read (entries on the current roster, the
    latest upload), and for one school the two lists of its page — `unregistered` (学籍在册但未建档:
    roster entries with no child record) and `missing` (建档在该校但学籍名册中没有: the caller's
    children registered at the school who are not on its roster)."""
    needs = declare((*READ, "unregistered", "missing"), "reads_records")

    serializer_class = RosterSchoolSerializer
    queryset = School.objects.none()  # schema only; the rows come from the roster selectors

    def get_serializer_context(self):
        actor = self.request.user
        ids = set(selectors.roster_schools_visible_to(actor).filter(selectors.upload_schools_q(actor)).values_list("pk", flat=True))
        return {**super().get_serializer_context(), "upload_ids": ids}

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(selectors.school_rows(request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        school = selectors.school_for(request.user, kwargs["pk"])
        row = next(s for s in selectors.school_rows(request.user) if s.pk == school.pk)
        return Response(self.get_serializer(row).data)

    def _rows(self, which: str):
        """The school's list as the page filters it (`q`, `class`, and `status` of the unregistered)."""
        school = selectors.school_for(self.request.user, self.kwargs["pk"])
        g = self.params  # a name (`q`) comes in a POST body
        q = g.get("q", "").strip()
        cls = int_param(g, "class")
        if which == "unregistered":
            status = choice_param(g, "status", STATUSES)
            rows = [e for e in selectors.unregistered_entries(school)
                    if (not q or q in e.name) and (not cls or e.school_class_id == cls) and (not status or e.status == status)]
        else:
            rows = [c for c in selectors.missing_children(self.request.user, school)
                    if (not q or q in c.name) and (not cls or c.school_class_id == cls)]
        log_access(actor=self.request.user, action="api_view", scope=f"{school.name} {LISTS[which]}",
                   detail=f"接口查看人籍一致名单 {len(rows)} 条", request=self.request)
        return rows

    @extend_schema(parameters=[*LIST_PARAMS, OpenApiParameter("status", str, enum=[*STATUSES], description="就学状态")],
                   request=ListSearchSerializer, responses=RosterEntrySerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def unregistered(self, request, pk=None):
        """学籍在册但未建档：该校名册上没有儿童档案的学生。"""
        page = self.paginate_queryset(self._rows("unregistered"))
        return self.get_paginated_response(RosterEntrySerializer(page, many=True, context=self.get_serializer_context()).data)

    @extend_schema(parameters=LIST_PARAMS, request=ListSearchSerializer, responses=MissingChildSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def missing(self, request, pk=None):
        """建档在该校但学籍名册中没有：您范围内登记在该校、却不在该校名册上的儿童。"""
        page = self.paginate_queryset(self._rows("missing"))
        return self.get_paginated_response(MissingChildSerializer(page, many=True, context=self.get_serializer_context()).data)

