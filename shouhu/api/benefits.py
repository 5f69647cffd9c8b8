"""兜底保障 and funds over the API (docs/domain.md, "Benefits and funds"): benefit grants of the children
whose benefits the caller handles (list filtered by kind and status, one, register one, stop one); funds
the caller keeps with their balance and spending. The same selectors and services as the pages: a user
of another village or township gets the 404 of a missing record, and nobody else sees an amount."""
from decimal import Decimal

from django.db.models import Sum
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhu.audit.services import log_access
from shouhu.benefits import selectors as Sel
from shouhu.benefits import services as V
from shouhu.benefits.models import Fund, Grant, Spending
from shouhu.rules import benefits as B

from .audit import LoggedListMixin
from .permissions import READ, declare

CENT = Decimal("0.01")
KIND_HELP = "、".join(f"{k.code}（{k.label}）" for k in B.KINDS.values())


class GrantSerializer(serializers.ModelSerializer):
    child = serializers.UUIDField(source="child.uid", read_only=True, help_text="儿童档案编号")
    name = serializers.CharField(source="child.name", read_only=True)
    village = serializers.CharField(source="child.village_code", read_only=True, help_text="村（社区）区划代码")
    kind_label = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Grant
        fields = ["id", "child", "name", "village", "kind", "kind_label", "monthly_amount", "start", "end", "status", "status_label",
                  "stop_reason", "application", "note"]
        read_only_fields = fields


class GrantCreateSerializer(serializers.Serializer):
    child = serializers.UUIDField(help_text="儿童档案编号")
    kind = serializers.ChoiceField(choices=list(B.KINDS), help_text=KIND_HELP)
    monthly_amount = serializers.DecimalField(max_digits=8, decimal_places=2, help_text="元/月；临时救助为一次的金额")
    start = serializers.DateField(help_text="起始月份（取该月1日）")
    end = serializers.DateField(required=False, allow_null=True, default=None, help_text="终止月份（可不填）")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class StopSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=128)
    last_month = serializers.DateField(required=False, allow_null=True, default=None, help_text="最后发放月份，默认本月")
    pause = serializers.BooleanField(required=False, default=False, help_text="true：暂停而非停发")


@extend_schema_view(
    list=extend_schema(summary="兜底保障发放记录", description="经办兜底保障的人员可见范围内儿童的发放记录",
                       parameters=[OpenApiParameter("kind", str, enum=list(B.KINDS), description=KIND_HELP),
                                   OpenApiParameter("status", str, enum=Grant.Status.values, description="active 发放中、paused 暂停、stopped 停发")]),
    retrieve=extend_schema(summary="一条发放记录"),
    create=extend_schema(summary="登记发放", request=GrantCreateSerializer, responses={201: GrantSerializer}),
)
class GrantViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """兜底保障 grants: the children whose benefits the caller handles; POST registers one; `stop` stops or pauses one."""
    needs = declare((*READ, "create", "stop"), "handles_benefits")
    serializer_class = GrantSerializer
    queryset = Grant.objects.none()

    def get_queryset(self):
        qs = Sel.grants_visible_to(self.request.user).select_related("child").order_by("child__village_code", "child__name_pinyin", "id")
        if self.action == "list":
            kind, status = self.request.query_params.get("kind"), self.request.query_params.get("status")
            if kind in B.KINDS:
                qs = qs.filter(kind=kind)
            if status in Grant.Status.values:
                qs = qs.filter(status=status)
        return qs

    def retrieve(self, request, *args, **kwargs):
        g = Sel.grant_for(request.user, kwargs["pk"])
        log_access(actor=request.user, action="view", child=g.child, scope="兜底保障", detail=f"API 发放记录 #{g.pk}", request=request)
        return Response(GrantSerializer(g).data)

    def create(self, request, *args, **kwargs):
        s = GrantCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        g = V.grant_create(actor=request.user, child=Sel.child_for(request.user, d["child"]), kind=d["kind"], monthly_amount=d["monthly_amount"],
                           start=d["start"], end=d["end"], note=d["note"])
        return Response(GrantSerializer(g).data, status=201)

    @extend_schema(summary="停发或暂停", request=StopSerializer, responses=GrantSerializer)
    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None):
        s = StopSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        g = V.grant_stop(actor=request.user, grant=Sel.grant_for(request.user, pk), reason=d["reason"], last_month=d["last_month"], pause=d["pause"])
        return Response(GrantSerializer(g).data)


class SpendingSerializer(serializers.ModelSerializer):
    purpose_label = serializers.CharField(source="get_purpose_display", read_only=True)
    child = serializers.UUIDField(source="child.uid", read_only=True, default=None)

    class Meta:
        model = Spending
        fields = ["id", "purpose", "purpose_label", "amount", "spent_on", "payee", "what", "child", "voucher_no", "roll"]
        read_only_fields = fields


class FundSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    region = serializers.CharField(source="region_code", read_only=True, help_text="使用范围的区划代码")
    spent = serializers.SerializerMethodField(help_text="已支出（元）")
    balance = serializers.SerializerMethodField(help_text="余额（元）")

    class Meta:
        model = Fund
        fields = ["id", "kind", "kind_label", "name", "source", "amount", "received_on", "region", "note", "spent", "balance"]
        read_only_fields = fields

    def get_spent(self, obj) -> str:
        return str(Decimal(getattr(obj, "spent_sum", None) or 0).quantize(CENT))

    def get_balance(self, obj) -> str:
        return str((obj.amount - Decimal(getattr(obj, "spent_sum", None) or 0)).quantize(CENT))


@extend_schema_view(list=extend_schema(summary="资金", description="专项经费、爱心基金、慈善项目，含已支出和余额"),
                    retrieve=extend_schema(summary="一项资金"))
class FundViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Funds the caller keeps (its region and below), with spent and balance; `spending` lists what was spent."""
    needs = declare((*READ, "spending"), "manages_funds")
    audit_list_actions = ("list", "spending")  # the spending names the children it helped
    serializer_class = FundSerializer
    queryset = Fund.objects.none()

    def get_queryset(self):
        return Sel.funds_visible_to(self.request.user).annotate(spent_sum=Sum("spending__amount")).order_by("-received_on", "-id")

    @extend_schema(summary="资金支出明细", responses=SpendingSerializer(many=True))
    @action(detail=True, methods=["get"])
    def spending(self, request, pk=None):
        fund = Sel.fund_for(request.user, pk)
        return Response(SpendingSerializer(fund.spending.select_related("child"), many=True).data)
