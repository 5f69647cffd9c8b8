"""微心愿 over the API: 登记 → 认领 → 实现（或取消）."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhu.care.selectors import child_in
from shouhu.care.wishes import selectors, services
from shouhu.care.wishes.models import Wish

from ..audit import LoggedListMixin
from ..permissions import READ, declare
from .fields import CHILD_PARAM, ChildField, child_filter, child_name_field


class WishSerializer(serializers.ModelSerializer):
    child = ChildField(help_text="儿童 id")
    child_name = child_name_field()
    created_on = serializers.DateField(required=False, help_text="登记日期（默认今天）")

    class Meta:
        model = Wish
        fields = ["id", "child", "child_name", "text", "status", "created_on", "donor_name", "donor_phone", "donor_unit", "claimed_on",
                  "fulfilled_on", "fulfil_note"]
        read_only_fields = ["status", "donor_name", "donor_phone", "donor_unit", "claimed_on", "fulfilled_on", "fulfil_note"]


class WishClaimSerializer(serializers.Serializer):
    donor_name = serializers.CharField(max_length=32)
    donor_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    donor_unit = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    on = serializers.DateField(required=False, help_text="认领日期（默认今天）")


class WishFulfilSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="实现日期（默认今天）")
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


@extend_schema_view(list=extend_schema(parameters=[CHILD_PARAM, OpenApiParameter("status", str, enum=list(Wish.Status.values))]))
class WishViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """微心愿: 登记 → 认领 → 实现（或取消）."""
    needs = {**declare(READ, "sees_children"), **declare(("create", "claim", "fulfil", "cancel"), "can_care")}

    serializer_class = WishSerializer
    queryset = Wish.objects.none()

    def get_queryset(self):
        g = self.request.query_params
        qs = child_filter(selectors.wishes_visible_to(self.request.user).select_related("child"), g)
        if st := g.get("status"):
            qs = qs.filter(status=st)
        return qs

    def perform_create(self, serializer):
        d = serializer.validated_data
        child = child_in(self.request.user, d["child"], "can_care")
        serializer.instance = services.wish_create(actor=self.request.user, child=child, text=d["text"], created_on=d.get("created_on"))

    def _done(self, wish):
        return Response(WishSerializer(wish, context=self.get_serializer_context()).data)

    @extend_schema(request=WishClaimSerializer, responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """认领."""
        wish = self.get_object()
        s = WishClaimSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.wish_claim(actor=request.user, wish=wish, **s.validated_data))

    @extend_schema(request=WishFulfilSerializer, responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        """标记为已实现."""
        wish = self.get_object()
        s = WishFulfilSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.wish_fulfil(actor=request.user, wish=wish, **s.validated_data))

    @extend_schema(request=None, responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """取消."""
        wish = self.get_object()
        return self._done(services.wish_cancel(actor=request.user, wish=wish))
