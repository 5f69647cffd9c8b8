"""结对帮扶 over the API."""
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from shouhu.care.common import groups_of
from shouhu.care.helpers import selectors, services
from shouhu.care.helpers.models import Helper, Pairing
from shouhu.care.selectors import child_in
from shouhu.core.params import int_param
from shouhu.rules import care as R

from ..audit import LoggedListMixin
from ..permissions import READ, declare
from .fields import CHILD_PARAM, ChildField, PairingModeField, child_filter, child_name_field


class PairingSerializer(serializers.ModelSerializer):
    child = ChildField(help_text="儿童 id（/api/v1/children/ 的 id）")
    child_name = child_name_field()
    helper = serializers.PrimaryKeyRelatedField(queryset=Helper.objects.all())
    helper_name = serializers.CharField(source="helper.name", read_only=True)
    mode = PairingModeField(default=R.ONE_TO_ONE)
    start = serializers.DateField(required=False, help_text="开始日期（默认今天）")
    warning = serializers.SerializerMethodField(help_text="重点儿童未落实“一对一”时的提醒")

    class Meta:
        model = Pairing
        fields = ["id", "child", "child_name", "helper", "helper_name", "mode", "start", "end", "end_reason", "note", "warning", "created_at"]
        read_only_fields = ["end", "end_reason", "created_at"]

    def get_warning(self, obj) -> str:
        if (w := getattr(obj, "warning", None)) is not None:
            return w
        return R.pairing_warning(groups_of(obj.child), obj.mode) if obj.end is None else ""


class PairingEndSerializer(serializers.Serializer):
    end = serializers.DateField(required=False, help_text="结束日期（默认今天）")
    reason = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


@extend_schema_view(list=extend_schema(parameters=[CHILD_PARAM, OpenApiParameter("helper", int),
                                                   OpenApiParameter("active", bool, description="只看（或排除）当前有效的结对")]))
class PairingViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """结对帮扶. Create answers with `warning` when a key child (孤儿、事实无人抚养、无人监护) is paired other than 一对一."""
    needs = {**declare(READ, "sees_children"), **declare(("create", "end"), "can_pair")}

    serializer_class = PairingSerializer
    queryset = Pairing.objects.none()

    def get_queryset(self):
        g = self.request.query_params
        qs = child_filter(selectors.pairings_visible_to(self.request.user).select_related("helper", "child"), g)
        if (h := int_param(g, "helper")) is not None:
            qs = qs.filter(helper_id=h)
        if (a := g.get("active")) in ("true", "false"):
            active = Pairing.objects.active_on(timezone.localdate()).values("pk")
            qs = qs.filter(pk__in=active) if a == "true" else qs.exclude(pk__in=active)
        return qs.order_by("-start", "-id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        child = child_in(self.request.user, d["child"], "can_pair")
        result = services.pairing_create(actor=self.request.user, child=child, helper=d["helper"], mode=d["mode"],
                                         start=d.get("start") or timezone.localdate(), note=d.get("note", ""))
        result.pairing.warning = result.warning
        serializer.instance = result.pairing

    @extend_schema(request=PairingEndSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """结束结对."""
        pairing = self.get_object()
        s = PairingEndSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        if pairing.end is not None:
            raise ValidationError({"end": "该结对已结束"})
        services.pairing_end(actor=request.user, pairing=pairing, end=s.validated_data.get("end") or timezone.localdate(),
                             reason=s.validated_data["reason"])
        return Response(PairingSerializer(pairing, context=self.get_serializer_context()).data)
