"""亲情联系 over the API."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from shouhu.care.selectors import child_in
from shouhu.care.visits import selectors, services
from shouhu.care.visits.models import FamilyContact

from ..audit import LoggedListMixin
from ..permissions import READ, declare
from .fields import CHILD_PARAM, DATE_PARAMS, ChildField, child_filter, child_name_field, date_filter


class ContactSerializer(serializers.ModelSerializer):
    child = ChildField(help_text="儿童 id")
    child_name = child_name_field()
    client_key = serializers.UUIDField(required=False, allow_null=True, write_only=True,
                                       help_text="客户端为这条记录生成的 UUID：同一用户以同一值再次提交，返回已保存的记录，不重复保存")

    class Meta:
        model = FamilyContact
        fields = ["id", "child", "child_name", "date", "kind", "with_whom", "place", "minutes", "note", "created_at", "client_key"]
        read_only_fields = ["created_at"]


@extend_schema_view(list=extend_schema(parameters=[CHILD_PARAM, *DATE_PARAMS]))
class ContactViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """亲情联系."""
    needs = {**declare(READ, "sees_children"), **declare(("create",), "can_care")}

    serializer_class = ContactSerializer
    queryset = FamilyContact.objects.none()

    def get_queryset(self):
        g = self.request.query_params
        return date_filter(child_filter(selectors.contacts_visible_to(self.request.user).select_related("child"), g), g)

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        child = child_in(self.request.user, d.pop("child"), "can_care")
        for f in ("kind", "with_whom"):  # the model's defaults when left out
            d.setdefault(f, FamilyContact._meta.get_field(f).default)
        serializer.instance = services.contact_record(actor=self.request.user, child=child, **d)
