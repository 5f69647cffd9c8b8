"""走访记录 over the API, with their photos (downloaded through the scope check)."""
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from shouhu.audit.services import log_access
from shouhu.care.helpers.models import Helper
from shouhu.care.selectors import child_in
from shouhu.care.visits import selectors, services
from shouhu.care.visits.models import Visit
from shouhu.rules import care as R

from ..audit import LoggedListMixin
from ..permissions import READ, declare
from .fields import CHILD_PARAM, DATE_PARAMS, ChildField, VisitModeField, child_filter, child_name_field, date_filter


class VisitSerializer(serializers.ModelSerializer):
    child = ChildField()
    child_name = child_name_field()
    mode = VisitModeField(read_only=True)
    visitor_role_name = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField(help_text="照片（经本接口按权限下载）")

    class Meta:
        model = Visit
        fields = ["id", "child", "child_name", "date", "mode", "visitor_role", "visitor_role_name", "visitor_name", "helper",
                  "life", "study", "mind", "safety", "carer", "concerns", "needs", "actions", "follow_up", "follow_up_date", "photos",
                  "created_at"]

    def get_visitor_role_name(self, obj) -> str:
        return selectors.ROLE_LABELS.get(obj.visitor_role, obj.visitor_role)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_photos(self, obj):
        return [{"id": p.pk, "url": f"/api/v1/visits/{obj.pk}/photos/{p.pk}/"} for p in obj.photos.all()]


class VisitCreateSerializer(serializers.Serializer):
    child = serializers.UUIDField(help_text="儿童 id")
    date = serializers.DateField()
    mode = VisitModeField(default=R.HOME_VISIT)
    role = serializers.CharField(required=False, allow_blank=True, help_text="以哪个身份走访（角色代码）；默认最具体的身份")
    helper = serializers.PrimaryKeyRelatedField(queryset=Helper.objects.all(), required=False, allow_null=True,
                                                help_text="代为登记没有账号的帮扶人的走访")
    visitor_name = serializers.CharField(required=False, allow_blank=True, max_length=32)
    life = serializers.CharField(required=False, allow_blank=True)
    study = serializers.CharField(required=False, allow_blank=True)
    mind = serializers.CharField(required=False, allow_blank=True)
    safety = serializers.CharField(required=False, allow_blank=True)
    carer = serializers.CharField(required=False, allow_blank=True)
    concerns = serializers.ListField(child=serializers.ChoiceField(choices=R.CONCERNS), required=False)
    needs = serializers.CharField(required=False, allow_blank=True)
    actions = serializers.CharField(required=False, allow_blank=True)
    follow_up = serializers.CharField(required=False, allow_blank=True)
    follow_up_date = serializers.DateField(required=False, allow_null=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, help_text="照片（JPG/PNG/WebP，multipart）")
    client_key = serializers.UUIDField(required=False, allow_null=True,
                                       help_text="客户端为这条记录生成的 UUID：同一用户以同一值再次提交，返回已保存的记录，不重复保存")


@extend_schema_view(list=extend_schema(parameters=[CHILD_PARAM, *DATE_PARAMS]),
                    create=extend_schema(request={"multipart/form-data": VisitCreateSerializer, "application/json": VisitCreateSerializer},
                                         responses={201: VisitSerializer}))
class VisitViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """走访记录."""
    needs = {**declare((*READ, "photo"), "sees_children"), **declare(("create",), "can_care")}

    serializer_class = VisitSerializer
    queryset = Visit.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        g = self.request.query_params
        qs = selectors.visits_visible_to(self.request.user).select_related("child").prefetch_related("photos")
        return date_filter(child_filter(qs, g), g)

    def retrieve(self, request, *args, **kwargs):
        visit = self.get_object()
        log_access(actor=request.user, action="api_view", child=visit.child, detail=f"走访记录 #{visit.pk}", request=request)
        return Response(self.get_serializer(visit).data)

    def create(self, request, *args, **kwargs):
        s = VisitCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        child = child_in(request.user, d.pop("child"), "can_care")
        areas = {k: d.pop(k, "") for k, _ in R.VISIT_AREAS}
        visit = services.visit_record(actor=request.user, child=child, areas=areas, role=d.pop("role", "") or None, **d)
        return Response(VisitSerializer(visit, context=self.get_serializer_context()).data, status=201)

    @extend_schema(parameters=[OpenApiParameter("photo_id", int, OpenApiParameter.PATH)],
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>[0-9]+)")
    def photo(self, request, pk=None, photo_id=None):
        """一张走访照片（按权限）。"""
        visit = self.get_object()
        p = visit.photos.filter(pk=photo_id).first()
        if p is None:
            raise Http404("未找到该照片")
        return FileResponse(p.file.open("rb"))
