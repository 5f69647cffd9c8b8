"""REST API. Every queryset comes from the scope selectors: out of scope is 404, like missing."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied

from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core.params import code_param, int_param
from shouhu.regions.selectors import classes_visible_to, regions_visible_to, schools_visible_to
from shouhu.registry import selectors, services
from shouhu.registry.models import Child

from . import serializers as S
from .audit import LoggedListMixin
from .permissions import READ, WRITE, declare
from .search import SearchByPostMixin
from .versions import VersionedMixin, versioned_schema

CHILD_FILTERS = [
    OpenApiParameter("region", str, description="区划代码（含下级）"),
    OpenApiParameter("school", int), OpenApiParameter("class", int),
    OpenApiParameter("category", str, enum=list(selectors.CATEGORY_FILTERS)),
    OpenApiParameter("guardianship", str), OpenApiParameter("schooling", str),
    OpenApiParameter("age", str, enum=list(selectors.AGE_BANDS)),
    OpenApiParameter("status", str, enum=["active", "exited", "all"]),
]


class ChildSearchSerializer(serializers.Serializer):
    """The body of `POST /api/v1/children/search/`: the list's filters plus `q`."""

    q = serializers.CharField(required=False, allow_blank=True, help_text="姓名、拼音首字母、身份证号（完整或末4位以上）或档案编号")
    region = serializers.CharField(required=False, allow_blank=True, help_text="区划代码（含下级）")
    school = serializers.IntegerField(required=False)
    # "class" is a Python keyword: declared below
    category = serializers.ChoiceField(required=False, choices=list(selectors.CATEGORY_FILTERS))
    guardianship = serializers.CharField(required=False, allow_blank=True)
    schooling = serializers.CharField(required=False, allow_blank=True)
    age = serializers.ChoiceField(required=False, choices=list(selectors.AGE_BANDS))
    status = serializers.CharField(required=False, help_text="active | exited | all（默认 all）")


ChildSearchSerializer._declared_fields["class"] = serializers.IntegerField(required=False)


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    needs = declare(('list', 'retrieve'), "signed_in")
    serializer_class = S.RegionSerializer
    lookup_field = "code"

    def get_queryset(self):
        qs = regions_visible_to(self.request.user).select_related("parent")
        if p := self.request.query_params.get("parent"):
            qs = qs.filter(parent__code=p)
        if (lv := int_param(self.request.query_params, "level")) is not None:
            qs = qs.filter(level=lv)
        return qs


class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    needs = declare(('list', 'retrieve'), "signed_in")
    serializer_class = S.SchoolSerializer

    def get_queryset(self):
        return schools_visible_to(self.request.user).order_by("region_code", "name")


class SchoolClassViewSet(viewsets.ReadOnlyModelViewSet):
    needs = declare(('list', 'retrieve'), "signed_in")
    serializer_class = S.SchoolClassSerializer

    def get_queryset(self):
        qs = classes_visible_to(self.request.user)
        if (s := int_param(self.request.query_params, "school")) is not None:
            qs = qs.filter(school_id=s)
        return qs


@extend_schema_view(list=extend_schema(parameters=CHILD_FILTERS), **versioned_schema(S.ChildSerializer))
class ChildViewSet(VersionedMixin, LoggedListMixin, SearchByPostMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    needs = {**declare((*READ, "search"), "sees_children"), **declare(WRITE, "edits_records")}
    serializer_class = S.ChildSerializer
    lookup_field = "uid"
    lookup_url_kwarg = "id"
    audit_list_actions = ("list", "search")

    def get_queryset(self):
        g = self.params
        f = selectors.ChildFilter(
            region=code_param(g), school=int_param(g, "school"), school_class=int_param(g, "class"),
            category=g.get("category", ""), guardianship=g.get("guardianship", ""), schooling=g.get("schooling", ""),
            age_band=g.get("age", ""), status=g.get("status", "all") if self.action in ("list", "search") else "all", q=g.get("q", ""),
        )
        return selectors.list_children(self.request.user, f)

    @extend_schema(request=ChildSearchSerializer, responses=S.ChildSerializer(many=True),
                   parameters=[OpenApiParameter("page", int)])
    @action(detail=False, methods=["post"])
    def search(self, request, *args, **kwargs):
        """按姓名、拼音、身份证号或档案编号查找（条件放在请求体中，不进入地址和日志）；其余筛选条件同列表。"""
        return self.list(request, *args, **kwargs)

    def get_object(self):
        child = selectors.child_for(self.request.user, self.kwargs["id"])
        self.check_object_permissions(self.request, child)
        return child

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        log_access(actor=request.user, action="api_view", child=self.get_object(), request=request)
        return response

    def perform_create(self, serializer):
        child = Child(**serializer.validated_data)
        data = self.request.data
        services.child_register(actor=self.request.user, child=child, reason=data.get("change_reason") or "接口登记",
                                effective_date=serializer.fields["effective_date"].to_internal_value(data["effective_date"]) if data.get("effective_date") else None)
        serializer.instance = child

    def perform_update(self, serializer):
        child = serializer.instance
        if not scope_of(self.request.user).can_edit(child):
            raise PermissionDenied("您无权修改该儿童档案")
        for k, v in serializer.validated_data.items():
            setattr(child, k, v)
        data = self.request.data
        services.child_update(actor=self.request.user, child=child, reason=data.get("change_reason") or "接口更新",
                              expected_version=self.expected_version,
                              effective_date=serializer.fields["effective_date"].to_internal_value(data["effective_date"]) if data.get("effective_date") else None)
