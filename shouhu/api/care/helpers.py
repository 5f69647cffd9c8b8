"""帮扶人 over the API: those of the regions and schools in the caller's scope."""
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers, viewsets

from shouhu.care.helpers import selectors, services
from shouhu.care.helpers.models import Helper
from shouhu.core.errors import Forbidden
from shouhu.regions.models import Region, School

from ..audit import LoggedListMixin
from ..permissions import READ, WRITE, declare
from ..versions import VersionedMixin, versioned_schema


class HelperSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), allow_null=True, required=False,
                                          help_text="服务区域（区划代码）")
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all(), allow_null=True, required=False)
    has_account = serializers.SerializerMethodField(help_text="是否有登录账号")

    class Meta:
        model = Helper
        fields = ["id", "name", "kind", "sex", "phone", "unit", "region", "school", "volunteer_no", "registered_on", "skills", "active",
                  "has_account", "created_at"]
        read_only_fields = ["created_at"]

    def get_has_account(self, obj) -> bool:
        return obj.user_id is not None


@extend_schema_view(**versioned_schema(HelperSerializer))
class HelperViewSet(VersionedMixin, LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                    viewsets.GenericViewSet):
    """帮扶人: those of the regions and schools in the caller's scope (and the caller's own record)."""
    needs = {**declare(READ, "sees_children"), **declare(WRITE, "can_pair")}

    serializer_class = HelperSerializer
    queryset = Helper.objects.none()  # schema only; get_queryset applies the scope

    def get_queryset(self):
        qs = selectors.helpers_visible_to(self.request.user)
        if (a := self.request.query_params.get("active")) in ("true", "false"):
            qs = qs.filter(active=a == "true")
        return qs

    def perform_create(self, serializer):
        helper = Helper(**serializer.validated_data)
        serializer.instance = services.helper_save(actor=self.request.user, helper=helper)

    def perform_update(self, serializer):
        helper = serializer.instance
        if not selectors.helper_editable(self.request.user, helper):
            raise Forbidden("您无权修改该帮扶人")
        for k, v in serializer.validated_data.items():
            setattr(helper, k, v)
        services.helper_save(actor=self.request.user, helper=helper, expected_version=self.expected_version)
