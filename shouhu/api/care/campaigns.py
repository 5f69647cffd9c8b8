"""关爱保护月 over the API: progress of the six measures under a node, and the children still missing one."""
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from shouhu.care.campaigns import selectors
from shouhu.care.campaigns.models import Campaign
from shouhu.core.params import int_param
from shouhu.regions.selectors import classes_visible_to, regions_visible_to, schools_visible_to
from shouhu.rules import care as R

from ..permissions import READ, declare


class CampaignSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.display_name", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "region", "region_name", "start", "end", "created_at"]


class ProgressRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    node = serializers.DictField(source="link", help_text="下钻参数（region / school / class）")
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="total, all_six 与六项措施各自的人数")


class ProgressSerializer(serializers.Serializer):
    title = serializers.CharField()
    unit_label = serializers.CharField()
    rows = ProgressRowSerializer(many=True)
    total = ProgressRowSerializer()


class MissingSerializer(serializers.Serializer):
    child = serializers.UUIDField(source="child.uid")
    name = serializers.CharField(source="child.name")
    village = serializers.CharField(source="child.village.display_name")
    done = serializers.IntegerField()
    ledger = serializers.BooleanField()
    pairing = serializers.BooleanField()
    contact = serializers.BooleanField()
    visit = serializers.BooleanField()
    activity = serializers.BooleanField()
    wish = serializers.BooleanField()


NODE_PARAMS = [OpenApiParameter("region", str, description="区划代码"), OpenApiParameter("school", int), OpenApiParameter("class", int)]


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """关爱保护月: progress of the six measures under a node, and the children still missing one."""
    needs = declare((*READ, "progress", "missing"), "reads_records")

    serializer_class = CampaignSerializer
    queryset = Campaign.objects.none()

    def get_queryset(self):
        return selectors.campaigns_visible_to(self.request.user)

    def _node(self) -> dict:
        """The node of ?class= / ?school= / ?region= (one in scope, else 404), or the caller's own."""
        g, actor = self.request.query_params, self.request.user
        for key, qs in (("class", classes_visible_to(actor)), ("school", schools_visible_to(actor))):
            if g.get(key) is not None:
                pk = int_param(g, key)
                if pk is None or not qs.filter(pk=pk).exists():
                    raise Http404("未找到该学校或班级")
                return {key: pk}
        if (v := g.get("region")) is not None:
            if not (v.isdigit() and len(v) <= 12 and regions_visible_to(actor).filter(code=v).exists()):
                raise Http404("未找到该区域")
            return {"region": v}
        return selectors.default_node(actor)

    @extend_schema(parameters=NODE_PARAMS, responses=ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """六项措施的完成情况，按下一级单位（乡镇→村；学校→班级）。"""
        campaign = self.get_object()
        return Response(ProgressSerializer(selectors.campaign_progress(request.user, campaign, self._node())).data)

    @extend_schema(parameters=[*NODE_PARAMS, OpenApiParameter("measure", str, enum=list(R.MEASURES), description="缺哪一项（默认任一项）")],
                   responses=MissingSerializer(many=True))
    @action(detail=True, methods=["get"])
    def missing(self, request, pk=None):
        """尚未完成某项措施的儿童。"""
        campaign = self.get_object()
        measure = request.query_params.get("measure", "")
        if measure and measure not in R.MEASURES:
            raise ValidationError({"measure": "未知的措施"})
        marks = selectors.campaign_missing(request.user, campaign, self._node(), measure)
        page = self.paginate_queryset(marks)
        return self.get_paginated_response(MissingSerializer(page, many=True).data)
