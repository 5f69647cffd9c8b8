"""关爱活动 over the API."""
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from shouhu.care.activities import selectors, services
from shouhu.care.activities.models import Activity
from shouhu.core.errors import NotFound
from shouhu.regions.models import Region
from shouhu.registry.selectors import children_visible_to

from ..audit import LoggedListMixin
from ..permissions import READ, declare
from .fields import DATE_PARAMS, date_filter


class ActivitySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="所属区域（区划代码）")
    participants = serializers.ListField(child=serializers.UUIDField(), write_only=True, required=False,
                                         help_text="参加的儿童 id")
    children = serializers.SerializerMethodField(help_text="参加的儿童（只列出您范围内的）")
    participant_count = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "title", "kind", "date", "place", "organiser", "region", "description", "participants", "children",
                  "participant_count", "created_at"]
        read_only_fields = ["created_at"]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_children(self, obj):
        visible = children_visible_to(self.context["request"].user).filter(participations__activity=obj)
        return [{"id": str(uid), "name": name} for uid, name in visible.order_by("name_pinyin", "id").values_list("uid", "name")]

    def get_participant_count(self, obj) -> int:
        return obj.participations.count()


@extend_schema_view(list=extend_schema(parameters=DATE_PARAMS))
class ActivityViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """关爱活动."""
    needs = {**declare(READ, "sees_children"), **declare(("create",), "can_care")}

    serializer_class = ActivitySerializer
    queryset = Activity.objects.none()

    def get_queryset(self):
        return date_filter(selectors.activities_visible_to(self.request.user).select_related("region"), self.request.query_params)

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        uids = set(d.pop("participants", []))
        children = list(children_visible_to(self.request.user, flag="can_care").filter(uid__in=uids))
        if len(children) != len(uids):
            raise NotFound("未找到该儿童")
        serializer.instance = services.activity_save(actor=self.request.user, activity=Activity(**d), children=children)
