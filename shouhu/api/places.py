"""阵地建设 over the API (docs/domain.md, "Places"): the places a caller answers for (list filtered by
kind and state, one with its "六个一"), registering and changing one, its steps (申报、验收、退回、停用、
恢复), and its sessions with attendance counts. The same selectors and services as the pages: a user
of another township gets the 404 of a missing place."""
from django.db.models import Count, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhu.places import selectors as Sel
from shouhu.places import services as V
from shouhu.places.models import PlaceSetting, Session
from shouhu.regions.models import Place, Region, School
from shouhu.rules import places as P

from .audit import LoggedListMixin
from .permissions import READ, declare
from .quality import choice_param
from .versions import VersionedMixin, versioned_schema

WRITABLE = ["kind", "name", "region", "school", "address", "manager_name", "manager_phone", "hours", "checklist"]


class PlaceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), required=False,
                                          help_text="所在村（社区）或乡镇的区划代码；学校的场所按学校所在乡镇")
    region_name = serializers.CharField(source="region.display_name", read_only=True)
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all(), allow_null=True, required=False, help_text="所在学校 id（可选）")
    school_name = serializers.CharField(source="school.name", read_only=True, default="")
    checklist = serializers.DictField(child=serializers.BooleanField(), required=False,
                                      help_text="“六个一”各项是否达标（标准由县里设置，见 missing）")
    missing = serializers.SerializerMethodField(help_text="尚未达标的“六个一”项目")

    class Meta:
        model = Place
        fields = ["id", "kind", "kind_label", "name", "region", "region_name", "school", "school_name", "address", "manager_name",
                  "manager_phone", "hours", "status", "status_label", "checklist", "missing", "declared_on", "accepted_on", "closed_on",
                  "note", "version"]
        # what a client may write; the state and its dates change only by steps (`act`)
        read_only_fields = [f for f in fields if f not in WRITABLE]

    def get_missing(self, obj) -> list[str]:
        return P.missing_items(obj.checklist or {}, self.context.get("items", ()))


class PlaceActSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(P.ACTIONS), help_text="、".join(f"{k}（{v}）" for k, v in P.ACTION_LABELS.items()))
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="退回、停用须写明原因")


class SessionSerializer(serializers.ModelSerializer):
    children = serializers.IntegerField(source="n_children", read_only=True, help_text="签到儿童数")
    guardians = serializers.IntegerField(source="n_guardians", read_only=True, help_text="家长参加人次（家长学校讲座）")
    remote = serializers.IntegerField(source="n_remote", read_only=True, help_text="其中电话、视频参加的人次")

    class Meta:
        model = Session
        fields = ["id", "date", "parent_school", "topic", "speaker", "note", "children", "guardians", "remote"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="场所列表", description="调用者管辖范围内的留守儿童之家、儿童之家、服务站、亲情联系室、心理咨询室、四点半课堂、家长学校",
                       parameters=[OpenApiParameter("kind", str, enum=list(P.KINDS), description="类型"),
                                   OpenApiParameter("status", str, enum=list(P.STATES), description="状态")]),
    retrieve=extend_schema(summary="场所详情", description="含“六个一”达标情况、申报/验收/停用日期"),
    create=extend_schema(summary="登记场所", description="新登记的场所处于“筹建中”；“六个一”全部达标后申报验收"),
    **versioned_schema(PlaceSerializer),
)
class PlaceViewSet(VersionedMixin, LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """场所: those of the caller's regions and school; the keepers register and change them and
    declare them (申报); the county accepts (验收), sends back, closes (停用) and reopens them."""
    needs = {**declare((*READ, "sessions"), "records_attendance"), **declare(("create", "update", "partial_update", "act"), "manages_places")}
    serializer_class = PlaceSerializer
    queryset = Place.objects.none()

    def get_serializer_context(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is made without a database
            return super().get_serializer_context()
        return {**super().get_serializer_context(), "items": PlaceSetting.current().items}

    def get_queryset(self):
        qs = Sel.places_visible_to(self.request.user)
        if self.action != "list":
            return qs
        g = self.request.query_params
        if kind := choice_param(g, "kind", list(P.KINDS)):
            qs = qs.filter(kind=kind)
        if status := choice_param(g, "status", list(P.STATES)):
            qs = qs.filter(status=status)
        return qs.order_by("code", "kind", "name", "id")

    def _fill(self, place: Place, data: dict) -> Place:
        for k, v in data.items():
            setattr(place, k, v)
        if place.school_id:
            place.region = place.school.township
        return place

    def perform_create(self, serializer):
        d = serializer.validated_data
        if "region" not in d and not d.get("school"):
            raise serializers.ValidationError({"region": "请选择所在村（社区）或乡镇"})
        serializer.instance = V.place_save(actor=self.request.user, place=self._fill(Place(), d))

    def perform_update(self, serializer):
        place = Sel.place_for(self.request.user, serializer.instance.pk, flag="manages_places")
        serializer.instance = V.place_save(actor=self.request.user, place=self._fill(place, serializer.validated_data),
                                           version=self.expected_version)

    @extend_schema(summary="场所的一步操作", description="申报（declare）、验收通过（accept）、退回完善（return）、停用（close）、恢复运行（reopen）；"
                   "验收、退回、停用、恢复由县级管理员进行", request=PlaceActSerializer, responses=PlaceSerializer)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        s = PlaceActSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        place = V.place_act(actor=request.user, place=self.get_object(), action=s.validated_data["action"], note=s.validated_data["note"])
        return Response(PlaceSerializer(place, context=self.get_serializer_context()).data)

    @extend_schema(summary="场所的开放、活动与讲座", description="最近的在前，含签到儿童数和家长参加人次（不含姓名）", responses=SessionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def sessions(self, request, pk=None):
        place = self.get_object()
        rows = (place.sessions.annotate(n_children=Count("children", distinct=True), n_guardians=Count("guardians", distinct=True),
                                        n_remote=Count("guardians", filter=~Q(guardians__mode="present"), distinct=True))
                .order_by("-date", "-id")[:100])
        return Response(SessionSerializer(rows, many=True).data)
