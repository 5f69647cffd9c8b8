"""户籍比对 over the API (docs/domain.md, "The 户籍 cross-check"): the county admin's comparisons
(the list and one comparison's counts carry no personal data), the three lists a comparison
leaves — 户籍 children under 16 with no record, registered children the extract lacks, the
disagreements (data-quality issues 与户籍不一致) — paginated and each read written to the access log
as the page does, and an upload (multipart) that starts a comparison.

The same code as the pages (`quality.hukou`, `quality.hukou_views.UploadForm`): the upload goes
through the page's form (a file, at most 50 MB) and `hukou_upload`, which keeps the extract
encrypted and queues the same background comparison; anyone but a county admin gets the 404 of
a missing comparison. ID numbers are shown through the caller's scope (whole for a county admin)."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shouhu.accounts.scope import scope_of
from shouhu.core.errors import NotFound
from shouhu.quality import hukou
from shouhu.quality import selectors as Q
from shouhu.quality.hukou_views import UploadForm
from shouhu.quality.models import HukouCandidate, HukouCheck, Issue
from shouhu.regions.models import Region
from shouhu.rules import hukou as H

from .audit import LoggedListMixin
from .permissions import READ, declare
from .quality import IssueSerializer

LISTS = ("unregistered", "missing", "mismatches")


class HukouCheckSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uid", read_only=True)
    created_by = serializers.StringRelatedField(read_only=True, help_text="上传人")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    file_kept = serializers.SerializerMethodField(help_text="上传的户籍数据（加密）是否仍保存")

    class Meta:
        model = HukouCheck
        fields = ["id", "created_by", "created_at", "finished_at", "filename", "status", "status_label", "message", "delete_after",
                  "file_kept", "file_deleted_at"]
        read_only_fields = fields

    def get_file_kept(self, obj) -> bool:
        return bool(obj.stored)


class HukouCheckDetailSerializer(HukouCheckSerializer):
    unregistered_count = serializers.SerializerMethodField(help_text="户籍中有、未建档的16周岁以下儿童（摸底对象）")
    missing_count = serializers.SerializerMethodField(help_text="已建档（在册、已登记户口）但户籍数据中没有")

    class Meta(HukouCheckSerializer.Meta):
        fields = [*HukouCheckSerializer.Meta.fields, "rows_total", "matched_count", "mismatch_count", "outside_count", "older_count",
                  "unregistered_count", "missing_count"]
        read_only_fields = fields
        extra_kwargs = {
            "rows_total": {"help_text": "户籍数据行数"}, "matched_count": {"help_text": "按身份号码匹配到档案的人数"},
            "mismatch_count": {"help_text": "与档案不一致的项数（数据质量问题“与户籍不一致”）"},
            "outside_count": {"help_text": "户籍地址不在本县各村的人数"}, "older_count": {"help_text": "年满16周岁、未列入的人数"},
        }

    def get_unregistered_count(self, obj) -> int:
        return obj.candidates.count()

    def get_missing_count(self, obj) -> int:
        return len(obj.missing_ids or [])


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="公安机关提供的户籍数据：Excel（.xlsx/.xls）或 CSV（GBK 或 UTF-8），须含姓名、公民身份号码、户籍地址列，不超过 50 MB")
    delete_after = serializers.BooleanField(required=False, default=True, help_text="比对完成后立即删除上传的户籍数据（默认 true）")


class HukouCandidateSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField(help_text="公民身份号码（按您的权限显示或打码）")
    village = serializers.CharField(source="village_code", read_only=True, help_text="户籍地址所在村（社区）的区划代码")
    village_name = serializers.SerializerMethodField()

    class Meta:
        model = HukouCandidate
        fields = ["row_no", "name", "sex", "birth_date", "id_number", "village", "village_name", "address"]
        read_only_fields = fields
        extra_kwargs = {"row_no": {"help_text": "户籍数据中的行号"}, "address": {"help_text": "户籍地址"}}

    def get_id_number(self, obj) -> str:
        return scope_of(self.context["request"].user).show_id(obj.id_number)

    def get_village_name(self, obj) -> str:
        return self.context.get("village_names", {}).get(obj.village_code, "")


class HukouMissingSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uid", help_text="儿童 id（/api/v1/children/ 的 id）")
    name = serializers.CharField()
    sex = serializers.CharField()
    birth_date = serializers.DateField()
    id_number = serializers.SerializerMethodField(help_text="公民身份号码（按您的权限显示或打码）")
    village = serializers.CharField(source="village_code", help_text="村（社区）区划代码")
    village_name = serializers.CharField(source="village.short_name")
    hukou_place = serializers.CharField(help_text="户籍所在地（档案）")

    def get_id_number(self, obj) -> str:
        return scope_of(self.context["request"].user).show_id(obj.id_number)


def village_param(params) -> str:
    """`?village=` a 12-digit village code, or "" (as the page reads it; anything else is a 400)."""
    v = params.get("village", "")
    if v and not (v.isdigit() and len(v) == 12):
        raise ValidationError({"village": "应为12位村（社区）区划代码"})
    return v


VILLAGE = [OpenApiParameter("village", str, description="村（社区）区划代码")]


@extend_schema_view(
    list=extend_schema(summary="户籍比对列表", description="县级管理员的户籍比对，最新在前；不含个人信息。"),
    retrieve=extend_schema(summary="一次户籍比对的结果统计", description="状态与各项人数；名单见 unregistered、missing、mismatches。",
                           responses=HukouCheckDetailSerializer),
    create=extend_schema(summary="上传户籍数据并开始比对",
                         description="multipart：file（户籍数据文件）、delete_after。文件加密保存，后台比对（与页面相同），"
                                     "返回的比对状态为排队中或已完成，请按 id 查询结果。",
                         request={"multipart/form-data": UploadSerializer}, responses={201: HukouCheckDetailSerializer}),
    unregistered=extend_schema(summary="户籍中有、未建档（摸底对象）", description="分页；每次读取记入访问日志。", parameters=VILLAGE,
                               responses=HukouCandidateSerializer(many=True)),
    missing=extend_schema(summary="已建档、户籍中没有", description="分页；每次读取记入访问日志。", parameters=VILLAGE,
                          responses=HukouMissingSerializer(many=True)),
    mismatches=extend_schema(summary="与户籍不一致（数据质量问题）",
                             description="尚未解决的“与户籍不一致”问题（下次比对一致时自动关闭），分页；每次读取记入访问日志。",
                             parameters=VILLAGE, responses=IssueSerializer(many=True)),
)
class HukouCheckViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """户籍比对: the county admin's comparisons of the register with the police's 户籍 extract."""
    needs = declare((*READ, "create", *LISTS), "manages_county")
    audit_list_actions = LISTS  # the lists name children; the comparisons themselves do not

    serializer_class = HukouCheckSerializer
    queryset = HukouCheck.objects.none()
    lookup_field = "uid"
    lookup_url_kwarg = "pk"
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return hukou.checks_visible_to(self.request.user).select_related("created_by")

    def get_object(self):
        return hukou.check_for(self.request.user, self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        return Response(HukouCheckDetailSerializer(self.get_object(), context=self.get_serializer_context()).data)

    def create(self, request, *args, **kwargs):
        if not scope_of(request.user).is_county_admin:  # as the service: not a county admin, not there
            raise NotFound()
        form = UploadForm(data=request.data, files=request.FILES)  # the page's checks: a file, not too large
        if not form.is_valid():
            raise ValidationError({k: list(v) for k, v in form.errors.items()})
        f = form.cleaned_data["file"]
        # the page's box is ticked by default; over the API, left out means the same
        delete_after = form.cleaned_data["delete_after"] if "delete_after" in request.data else True
        check = hukou.hukou_upload(actor=request.user, data=f.read(), filename=f.name, delete_after=delete_after)
        check.refresh_from_db()
        return Response(HukouCheckDetailSerializer(check, context=self.get_serializer_context()).data, status=201)

    def _page(self, qs, serializer, **context):
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(serializer(page, many=True, context={**self.get_serializer_context(), **context}).data)

    @action(detail=True, methods=["get"])
    def unregistered(self, request, pk=None):
        qs = hukou.candidates_of(self.get_object(), village=village_param(request.query_params)).order_by("village_code", "row_no", "id")
        page = self.paginate_queryset(qs)
        names = dict(Region.objects.filter(code__in={c.village_code for c in page}).values_list("code", "short_name"))
        return self.get_paginated_response(HukouCandidateSerializer(page, many=True, context={**self.get_serializer_context(),
                                                                                         "village_names": names}).data)

    @action(detail=True, methods=["get"])
    def missing(self, request, pk=None):
        return self._page(hukou.missing_for(request.user, self.get_object(), village=village_param(request.query_params)), HukouMissingSerializer)

    @action(detail=True, methods=["get"])
    def mismatches(self, request, pk=None):
        self.get_object()  # a comparison of the caller's, else 404
        qs = Q.issues_visible_to(request.user).filter(code=H.CODE, status=Issue.Status.OPEN).select_related("child")
        if village := village_param(request.query_params):
            qs = qs.filter(village_code=village)
        return self._page(qs.order_by("village_code", "child_id", "field", "id"), IssueSerializer)
