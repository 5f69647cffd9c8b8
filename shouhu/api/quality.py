"""Data quality over the API (数据质量): the issues the checks found, dismissing one with a reason,
and the candidate duplicate pairs with their two decisions (merge, or "not the same").

The same selectors and services as the quality pages: every queryset comes from a
`quality.selectors` function (out of scope is the same 404 as missing), every write goes through
a `quality.services` function (a service's error becomes `{"code", "detail", "field"}` with its
status through the API's exception handler; out of scope is a 404, as on the pages). Children are referenced by their opaque
`uid` — the `id` of `/api/v1/children/` — never by their database key."""
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core.params import int_param
from shouhu.quality import selectors as Q
from shouhu.quality import services
from shouhu.quality.models import DuplicatePair, Issue
from shouhu.regions.selectors import regions_visible_to, schools_visible_to
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to
from shouhu.registry.services import merge_fields
from shouhu.rules import quality as R

from .audit import LoggedListMixin
from .care import ChildField
from .permissions import READ, declare

# Checks whose `related` lists other children (shown as their uid, and only those in the caller's
# scope); the others list visits (visit checks) or 学籍 roster entries (cross-line check).
RELATED_CHILD_CODES = frozenset(c for c, chk in R.CATALOGUE.items() if chk.subject == "child" and chk.kind in ("duplicate", "fabrication"))
MERGE_FIELD_NAMES = [f.name for f in merge_fields()]


def choice_param(params, name: str, choices, default: str = "") -> str:
    """`?name=` among `choices` ("" when left out and no default); anything else is a 400."""
    v = params.get(name, default)
    if v and v not in choices:
        raise ValidationError({name: f"应为 {'、'.join(choices)} 之一"})
    return v


def node_param(actor, params) -> dict:
    """The node of ?school= / ?region= (one in the caller's scope, else 404), or {}."""
    if params.get("school") is not None:
        pk = int_param(params, "school")
        if pk is None or not schools_visible_to(actor).filter(pk=pk).exists():
            raise Http404("未找到该学校")
        return {"school": pk}
    if (v := params.get("region")) is not None:
        if not (v.isdigit() and len(v) <= 12 and regions_visible_to(actor).filter(code=v).exists()):
            raise Http404("未找到该区域")
        return {"region": v}
    return {}


NODE_PARAMS = [OpenApiParameter("region", str, description="区划代码（含下级；须在您的范围内，否则 404）"),
               OpenApiParameter("school", int, description="学校（须在您的范围内，否则 404）")]


# -- issues ----------------------------------------------------------------------------------------
@extend_schema_field({"type": "array", "items": {"oneOf": [{"type": "string", "format": "uuid"}, {"type": "integer"}]}})
class RelatedField(serializers.Field):
    """Other children by their uid (only those the caller may see), or visit / roster entry ids."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, issue):
        if issue.code not in RELATED_CHILD_CODES:
            return list(issue.related or [])
        uids = self.context.get("related_uids", {})
        return [uids[x] for x in issue.related or [] if x in uids]


class IssueSerializer(serializers.ModelSerializer):
    child = ChildField(read_only=True, help_text="儿童 id（/api/v1/children/ 的 id）")
    child_name = serializers.CharField(source="child.name", read_only=True)
    title = serializers.SerializerMethodField(help_text="检查项名称")
    explanation = serializers.SerializerMethodField(help_text="问题说明与修改方法")
    related = RelatedField(help_text="相关记录：其他儿童的 id（只列出您范围内的），或走访记录 id、学籍名册条目 id")

    class Meta:
        model = Issue
        fields = ["id", "child", "child_name", "code", "title", "explanation", "kind", "level", "field", "message", "related", "status",
                  "village_code", "first_seen", "last_seen", "closed_on", "dismiss_reason"]
        read_only_fields = fields

    def get_title(self, obj) -> str:
        return chk.title if (chk := R.CATALOGUE.get(obj.code)) else obj.code

    def get_explanation(self, obj) -> str:
        return chk.explanation if (chk := R.CATALOGUE.get(obj.code)) else ""


class DismissSerializer(serializers.Serializer):
    # not required here: the service says what a reason needs (a 400 on `reason`)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="",
                                   help_text="不需要修改的理由（至少4个字）")


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("code", str, enum=list(R.CATALOGUE), description="检查项"),
    OpenApiParameter("kind", str, enum=list(R.KINDS)), OpenApiParameter("level", str, enum=list(R.LEVELS)),
    OpenApiParameter("status", str, enum=[*Issue.Status.values, "all"], description="默认 open"), *NODE_PARAMS]))
class IssueViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """数据质量问题: the checks' findings on the records in the caller's scope (school staff see
    their school's; roles that see limited fields see none). `dismiss` closes one that is not a
    mistake, with a reason — for those who may edit the child's record."""
    needs = declare((*READ, "dismiss"), "reads_records")

    serializer_class = IssueSerializer
    queryset = Issue.objects.none()

    def get_queryset(self):
        qs = Q.issues_visible_to(self.request.user).select_related("child")
        if self.action != "list":  # a closed issue is still there to look at (and dismissing it says so)
            return qs
        g = self.request.query_params
        qs = qs.filter(Q.node_q(node_param(self.request.user, g)))
        for name, choices in (("code", list(R.CATALOGUE)), ("kind", R.KINDS), ("level", R.LEVELS)):
            if v := choice_param(g, name, choices):
                qs = qs.filter(**{name: v})
        if (st := choice_param(g, "status", [*Issue.Status.values, "all"], default=Issue.Status.OPEN)) != "all":
            qs = qs.filter(status=st)
        return qs.order_by("village_code", "child_id", "code", "id")

    def _context(self, issues) -> dict:
        wanted = {x for i in issues if i.code in RELATED_CHILD_CODES for x in i.related or []}
        visible = children_visible_to(self.request.user).filter(pk__in=wanted) if wanted else Child.objects.none()
        return {**self.get_serializer_context(), "related_uids": {pk: str(uid) for pk, uid in visible.values_list("pk", "uid")}}

    def _one(self, issue):
        return Response(IssueSerializer(issue, context=self._context([issue])).data)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(IssueSerializer(page, many=True, context=self._context(page)).data)

    def retrieve(self, request, *args, **kwargs):
        issue = self.get_object()
        log_access(actor=request.user, action="api_view", child=issue.child, detail=f"接口查看数据质量问题 #{issue.pk}", request=request)
        return self._one(issue)

    @extend_schema(request=DismissSerializer, responses=IssueSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        """说明并关闭（不是错误：如双胞胎、法定例外），须写明理由。"""
        issue = self.get_object()
        s = DismissSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.dismiss(actor=request.user, issue=issue, reason=s.validated_data["reason"])
        return self._one(issue)


# -- duplicate pairs -------------------------------------------------------------------------------
class PairChildSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uid", help_text="儿童 id（/api/v1/children/ 的 id）")
    name = serializers.CharField()
    archive_no = serializers.CharField(allow_null=True)
    village = serializers.CharField(source="village.display_name", help_text="村（社区）")
    birth_date = serializers.DateField()
    sex = serializers.CharField()
    id_number = serializers.SerializerMethodField(help_text="身份证号（无完整查看权限时打码）")

    def get_id_number(self, obj) -> str | None:
        if not obj.id_number:
            return obj.id_number
        return scope_of(self.context["request"].user).show_id(obj.id_number)


class PairSerializer(serializers.ModelSerializer):
    a = PairChildSerializer(read_only=True)
    b = PairChildSerializer(read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="判断为疑似重复的理由")

    class Meta:
        model = DuplicatePair
        fields = ["id", "score", "reasons", "status", "note", "decided_at", "a", "b"]
        read_only_fields = fields


class MergeSerializer(serializers.Serializer):
    keep = serializers.ChoiceField(choices=["a", "b"], help_text="保留哪一份档案")
    take = serializers.ListField(child=serializers.ChoiceField(choices=MERGE_FIELD_NAMES), required=False,
                                 help_text="从另一份档案取值的字段（默认：保留的档案缺少的字段）")
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class NotSameSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="",
                                   help_text="理由，如“双胞胎”“同名不同人，身份号码不同”")


class MergeResultSerializer(serializers.Serializer):
    child = serializers.UUIDField(help_text="保留的档案（/api/v1/children/ 的 id）")
    pair = PairSerializer()


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("status", str, enum=[*DuplicatePair.Status.values, "all"], description="默认 open"), *NODE_PARAMS]))
class DuplicatePairViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """疑似重复档案: pairs whose two records the caller may both see (a pair across two villages is
    for the township or county). Looking at a pair is logged for both children. `merge` and
    `not-same` are for those who may edit both records."""
    needs = declare((*READ, "merge", "not_same"), "reads_records")

    serializer_class = PairSerializer
    queryset = DuplicatePair.objects.none()

    def get_queryset(self):
        g = self.request.query_params
        if self.action != "list":
            return Q.pairs_visible_to(self.request.user)
        qs = Q.pairs_visible_to(self.request.user, node_param(self.request.user, g))
        if (st := choice_param(g, "status", [*DuplicatePair.Status.values, "all"], default=DuplicatePair.Status.OPEN)) != "all":
            qs = qs.filter(status=st)
        return qs.select_related("a__village", "b__village").order_by("-score", "pk")

    def get_object(self):
        pair = Q.pair_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, pair)
        return pair

    def _pair(self, pk):
        return PairSerializer(Q.pair_for(self.request.user, pk), context=self.get_serializer_context()).data

    def retrieve(self, request, *args, **kwargs):
        pair = self.get_object()
        for child in (pair.a, pair.b):
            log_access(actor=request.user, action="api_view", child=child, detail="接口对比疑似重复档案", request=request)
        return Response(self.get_serializer(pair).data)

    @extend_schema(request=MergeSerializer, responses=MergeResultSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """合并为一份档案：保留 a 或 b，另一份并入（保留历史，关爱记录移到保留的档案）。"""
        pair = self.get_object()
        s = MergeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        child = services.pair_merge(actor=request.user, pair=pair, keep=pair.a_id if d["keep"] == "a" else pair.b_id,
                                    take=d.get("take"), reason=d["reason"])
        return Response({"child": str(child.uid), "pair": self._pair(pair.pk)})

    @extend_schema(request=NotSameSerializer, responses=PairSerializer)
    @action(detail=True, methods=["post"], url_path="not-same")
    def not_same(self, request, pk=None):
        """不是同一人：以后不再提示这一对，两份档案的疑似重复问题以该理由关闭。"""
        pair = self.get_object()
        s = NotSameSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.pair_not_same(actor=request.user, pair=pair, reason=s.validated_data["reason"])
        return Response(self._pair(pair.pk))
