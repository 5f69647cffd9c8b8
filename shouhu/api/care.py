"""Care work over the API (关爱帮扶): helpers and pairing, visits, family contact, wishes,
counselling, activities, the care month and "my tasks".

The same selectors and services as the pages: every queryset comes from a `care.selectors`
function (out of scope is the same 404 as missing), every write goes through a `care.services`
function (a service's ValidationError becomes a 400 with field messages; Http404 a 404;
PermissionDenied a 403). Children are referenced by their opaque `uid` — the `id` of
`/api/v1/children/` — never by their database key."""
import uuid
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.dateparse import parse_date
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.care import selectors as Q
from shouhu.care import services
from shouhu.care.models import Activity, Campaign, CounsellingSession, FamilyContact, Helper, Pairing, Visit, Wish
from shouhu.regions.models import Region, School
from shouhu.registry import selectors as registry
from shouhu.registry.models import Child
from shouhu.rules import care as R

from .permissions import declare


@contextmanager
def service_errors():
    """A service's Django ValidationError → DRF's (400 with field messages)."""
    try:
        yield
    except DjangoValidationError as e:
        raise ValidationError(e.message_dict if hasattr(e, "error_dict") else {"non_field_errors": e.messages}) from None


# -- fields ----------------------------------------------------------------------------------------
class ChildField(serializers.UUIDField):
    """A child by its opaque id (the `id` of /api/v1/children/)."""

    def to_representation(self, value):
        return str(value.uid) if isinstance(value, Child) else super().to_representation(value)


@extend_schema_field({"type": "string", "enum": list(R.PAIRING_MODES)}, component_name="PairingModeEnum")
class PairingModeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=R.PAIRING_MODES, **kwargs)


@extend_schema_field({"type": "string", "enum": list(R.VISIT_MODES)}, component_name="VisitModeEnum")
class VisitModeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=R.VISIT_MODES, **kwargs)


def child_name_field():
    return serializers.CharField(source="child.name", read_only=True)


# -- helpers ---------------------------------------------------------------------------------------
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


class HelperViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                    viewsets.GenericViewSet):
    """帮扶人: those of the regions and schools in the caller's scope (and the caller's own record)."""
    needs = declare(('list', 'retrieve', 'create', 'update', 'partial_update'), "signed_in")

    serializer_class = HelperSerializer
    queryset = Helper.objects.none()  # schema only; get_queryset applies the scope

    def get_queryset(self):
        qs = Q.helpers_visible_to(self.request.user)
        if (a := self.request.query_params.get("active")) in ("true", "false"):
            qs = qs.filter(active=a == "true")
        return qs

    def perform_create(self, serializer):
        helper = Helper(**serializer.validated_data)
        with service_errors():
            serializer.instance = services.helper_save(actor=self.request.user, helper=helper)

    def perform_update(self, serializer):
        helper = serializer.instance
        if not Helper.objects.filter(services.helpers_editable_q(self.request.user), pk=helper.pk).exists():
            raise PermissionDenied("您无权修改该帮扶人")
        for k, v in serializer.validated_data.items():
            setattr(helper, k, v)
        with service_errors():
            services.helper_save(actor=self.request.user, helper=helper)


# -- pairings --------------------------------------------------------------------------------------
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
        return R.pairing_warning(services.groups_of(obj.child), obj.mode) if obj.end is None else ""


class PairingEndSerializer(serializers.Serializer):
    end = serializers.DateField(required=False, help_text="结束日期（默认今天）")
    reason = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


def child_filter(qs, params, field="child"):
    """`?child=<uuid>`: a malformed id matches nothing (like a missing one)."""
    if (c := params.get("child")) is not None:
        try:
            return qs.filter(**{f"{field}__uid": uuid.UUID(c)})
        except ValueError:
            return qs.none()
    return qs


def date_filter(qs, params, field="date"):
    for key, lookup in (("date_from", "gte"), ("date_to", "lte")):
        if v := params.get(key):
            try:
                day = parse_date(v) if len(v) == 10 else None
            except ValueError:  # well formed but not a day (2025-13-40)
                day = None
            if day is None:
                raise ValidationError({key: "日期格式应为 YYYY-MM-DD"})
            qs = qs.filter(**{f"{field}__{lookup}": day})
    return qs


CHILD_PARAM = OpenApiParameter("child", OpenApiTypes.UUID, description="儿童 id")
DATE_PARAMS = [OpenApiParameter("date_from", OpenApiTypes.DATE, description="起始日期（含）"),
               OpenApiParameter("date_to", OpenApiTypes.DATE, description="截止日期（含）")]


@extend_schema_view(list=extend_schema(parameters=[CHILD_PARAM, OpenApiParameter("helper", int),
                                                   OpenApiParameter("active", bool, description="只看（或排除）当前有效的结对")]))
class PairingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """结对帮扶. Create answers with `warning` when a key child (孤儿、事实无人抚养、无人监护) is paired other than 一对一."""
    needs = declare(('list', 'retrieve', 'create', 'end'), "signed_in")

    serializer_class = PairingSerializer
    queryset = Pairing.objects.none()

    def get_queryset(self):
        g = self.request.query_params
        qs = child_filter(Q.pairings_visible_to(self.request.user).select_related("helper", "child"), g)
        if (h := g.get("helper")) is not None:
            qs = qs.filter(helper_id=h) if h.isdigit() else qs.none()
        if (a := g.get("active")) in ("true", "false"):
            active = Pairing.objects.active_on(timezone.localdate()).values("pk")
            qs = qs.filter(pk__in=active) if a == "true" else qs.exclude(pk__in=active)
        return qs.order_by("-start", "-id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        child = services.child_in(self.request.user, d["child"], "can_pair")
        with service_errors():
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
        with service_errors():
            services.pairing_end(actor=request.user, pairing=pairing, end=s.validated_data.get("end") or timezone.localdate(),
                                 reason=s.validated_data["reason"])
        return Response(PairingSerializer(pairing, context=self.get_serializer_context()).data)


# -- visits ----------------------------------------------------------------------------------------
class VisitSerializer(serializers.ModelSerializer):
    child = ChildField()
    child_name = child_name_field()
    mode = VisitModeField(read_only=True)
    visitor_role_name = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField(help_text="照片（经本接口按权限下载）")

    class Meta:
        model = Visit
        fields = ["id", "child", "child_name", "date", "mode", "visitor_role", "visitor_role_name", "visitor_name", "helper",
                  "life", "study", "mind", "safety", "carer", "concerns", "needs", "actions", "follow_up", "follow_up_date", "photos",
                  "created_at"]

    def get_visitor_role_name(self, obj) -> str:
        return Q.ROLE_LABELS.get(obj.visitor_role, obj.visitor_role)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_photos(self, obj):
        return [{"id": p.pk, "url": f"/api/v1/visits/{obj.pk}/photos/{p.pk}/"} for p in obj.photos.all()]


class VisitCreateSerializer(serializers.Serializer):
    child = serializers.UUIDField(help_text="儿童 id")
    date = serializers.DateField()
    mode = VisitModeField(default=R.HOME_VISIT)
    role = serializers.CharField(required=False, allow_blank=True, help_text="以哪个身份走访（角色代码）；默认最具体的身份")
    helper = serializers.PrimaryKeyRelatedField(queryset=Helper.objects.all(), required=False, allow_null=True,
                                                help_text="代为登记没有账号的帮扶人的走访")
    visitor_name = serializers.CharField(required=False, allow_blank=True, max_length=32)
    life = serializers.CharField(required=False, allow_blank=True)
    study = serializers.CharField(required=False, allow_blank=True)
    mind = serializers.CharField(required=False, allow_blank=True)
    safety = serializers.CharField(required=False, allow_blank=True)
    carer = serializers.CharField(required=False, allow_blank=True)
    concerns = serializers.ListField(child=serializers.ChoiceField(choices=R.CONCERNS), required=False)
    needs = serializers.CharField(required=False, allow_blank=True)
    actions = serializers.CharField(required=False, allow_blank=True)
    follow_up = serializers.CharField(required=False, allow_blank=True)
    follow_up_date = serializers.DateField(required=False, allow_null=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, help_text="照片（JPG/PNG/WebP，multipart）")


@extend_schema_view(list=extend_schema(parameters=[CHILD_PARAM, *DATE_PARAMS]),
                    create=extend_schema(request={"multipart/form-data": VisitCreateSerializer, "application/json": VisitCreateSerializer},
                                         responses={201: VisitSerializer}))
class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """走访记录."""
    needs = declare(('list', 'retrieve', 'create', 'photo'), "signed_in")

    serializer_class = VisitSerializer
    queryset = Visit.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        g = self.request.query_params
        qs = Q.visits_visible_to(self.request.user).select_related("child").prefetch_related("photos")
        return date_filter(child_filter(qs, g), g)

    def retrieve(self, request, *args, **kwargs):
        visit = self.get_object()
        log_access(actor=request.user, action="api_view", child=visit.child, detail=f"走访记录 #{visit.pk}", request=request)
        return Response(self.get_serializer(visit).data)

    def create(self, request, *args, **kwargs):
        s = VisitCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        child = services.child_in(request.user, d.pop("child"), "can_care")
        areas = {k: d.pop(k, "") for k, _ in R.VISIT_AREAS}
        with service_errors():
            visit = services.visit_record(actor=request.user, child=child, areas=areas, role=d.pop("role", "") or None, **d)
        return Response(VisitSerializer(visit, context=self.get_serializer_context()).data, status=201)

    @extend_schema(parameters=[OpenApiParameter("photo_id", int, OpenApiParameter.PATH)],
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>[0-9]+)")
    def photo(self, request, pk=None, photo_id=None):
        """一张走访照片（按权限）。"""
        visit = self.get_object()
        p = visit.photos.filter(pk=photo_id).first()
        if p is None:
            raise Http404("未找到该照片")
        return FileResponse(p.file.open("rb"))


# -- family contact ----------------------------------------------------------------------------------
class ContactSerializer(serializers.ModelSerializer):
    child = ChildField(help_text="儿童 id")
    child_name = child_name_field()

    class Meta:
        model = FamilyContact
        fields = ["id", "child", "child_name", "date", "kind", "with_whom", "place", "minutes", "note", "created_at"]
        read_only_fields = ["created_at"]


@extend_schema_view(list=extend_schema(parameters=[CHILD_PARAM, *DATE_PARAMS]))
class ContactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """亲情联系."""
    needs = declare(('list', 'retrieve', 'create'), "signed_in")

    serializer_class = ContactSerializer
    queryset = FamilyContact.objects.none()

    def get_queryset(self):
        g = self.request.query_params
        return date_filter(child_filter(Q.contacts_visible_to(self.request.user).select_related("child"), g), g)

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        child = services.child_in(self.request.user, d.pop("child"), "can_care")
        for f in ("kind", "with_whom"):  # the model's defaults when left out
            d.setdefault(f, FamilyContact._meta.get_field(f).default)
        with service_errors():
            serializer.instance = services.contact_record(actor=self.request.user, child=child, **d)


# -- wishes ------------------------------------------------------------------------------------------
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
class WishViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """微心愿: 登记 → 认领 → 实现（或取消）."""
    needs = declare(('list', 'retrieve', 'create', 'claim', 'fulfil', 'cancel'), "signed_in")

    serializer_class = WishSerializer
    queryset = Wish.objects.none()

    def get_queryset(self):
        g = self.request.query_params
        qs = child_filter(Q.wishes_visible_to(self.request.user).select_related("child"), g)
        if st := g.get("status"):
            qs = qs.filter(status=st)
        return qs

    def perform_create(self, serializer):
        d = serializer.validated_data
        child = services.child_in(self.request.user, d["child"], "can_care")
        with service_errors():
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
        with service_errors():
            return self._done(services.wish_claim(actor=request.user, wish=wish, **s.validated_data))

    @extend_schema(request=WishFulfilSerializer, responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        """标记为已实现."""
        wish = self.get_object()
        s = WishFulfilSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        with service_errors():
            return self._done(services.wish_fulfil(actor=request.user, wish=wish, **s.validated_data))

    @extend_schema(request=None, responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """取消."""
        wish = self.get_object()
        with service_errors():
            return self._done(services.wish_cancel(actor=request.user, wish=wish))


# -- counselling -------------------------------------------------------------------------------------
class CounsellingSerializer(serializers.ModelSerializer):
    child = ChildField(help_text="儿童 id")
    child_name = child_name_field()
    counsellor = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = CounsellingSession
        fields = ["id", "child", "child_name", "counsellor", "date", "topic", "notes", "risk", "next_date", "created_at"]
        read_only_fields = ["created_at"]


@extend_schema_view(list=extend_schema(parameters=[CHILD_PARAM, *DATE_PARAMS]))
class CounsellingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """心理辅导: counsellors only. Everyone else gets an empty list and 404s."""
    needs = declare(('list', 'retrieve', 'create'), "signed_in")

    serializer_class = CounsellingSerializer
    queryset = CounsellingSession.objects.none()

    def get_queryset(self):
        g = self.request.query_params
        return date_filter(child_filter(Q.counselling_visible_to(self.request.user).select_related("child", "counsellor"), g), g)

    def retrieve(self, request, *args, **kwargs):
        session = self.get_object()
        # the log says who looked at the child, not that there are counselling notes
        log_access(actor=request.user, action="api_view", child=session.child, request=request)
        return Response(self.get_serializer(session).data)

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        child = services.child_in(self.request.user, d.pop("child"), "counsellor")
        with service_errors():
            serializer.instance = services.counselling_record(actor=self.request.user, child=child, **d)


# -- activities --------------------------------------------------------------------------------------
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
        visible = Child.objects.filter(scope_of(self.context["request"].user).children_q(), participations__activity=obj)
        return [{"id": str(uid), "name": name} for uid, name in visible.order_by("name_pinyin", "id").values_list("uid", "name")]

    def get_participant_count(self, obj) -> int:
        return obj.participations.count()


@extend_schema_view(list=extend_schema(parameters=DATE_PARAMS))
class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """关爱活动."""
    needs = declare(('list', 'retrieve', 'create'), "signed_in")

    serializer_class = ActivitySerializer
    queryset = Activity.objects.none()

    def get_queryset(self):
        return date_filter(Q.activities_visible_to(self.request.user).select_related("region"), self.request.query_params)

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        uids = set(d.pop("participants", []))
        children = list(Child.objects.filter(scope_of(self.request.user).children_q_with("can_care"), uid__in=uids))
        if len(children) != len(uids):
            raise Http404("未找到该儿童")
        with service_errors():
            serializer.instance = services.activity_save(actor=self.request.user, activity=Activity(**d), children=children)


# -- the care month ----------------------------------------------------------------------------------
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
    needs = declare(('list', 'retrieve', 'progress', 'missing'), "signed_in")

    serializer_class = CampaignSerializer
    queryset = Campaign.objects.none()

    def get_queryset(self):
        return Q.campaigns_visible_to(self.request.user)

    def _node(self) -> dict:
        """The node of ?class= / ?school= / ?region= (one in scope, else 404), or the caller's own."""
        g, actor = self.request.query_params, self.request.user
        for key, qs in (("class", registry.classes_visible_to(actor)), ("school", registry.schools_visible_to(actor))):
            if (v := g.get(key)) is not None:
                if not (v.isdigit() and qs.filter(pk=v).exists()):
                    raise Http404("未找到该学校或班级")
                return {key: int(v)}
        if (v := g.get("region")) is not None:
            if not (v.isdigit() and registry.regions_visible_to(actor).filter(code=v).exists()):
                raise Http404("未找到该区域")
            return {"region": v}
        return Q.default_node(actor)

    @extend_schema(parameters=NODE_PARAMS, responses=ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """六项措施的完成情况，按下一级单位（乡镇→村；学校→班级）。"""
        campaign = self.get_object()
        return Response(ProgressSerializer(Q.campaign_progress(request.user, campaign, self._node())).data)

    @extend_schema(parameters=[*NODE_PARAMS, OpenApiParameter("measure", str, enum=list(R.MEASURES), description="缺哪一项（默认任一项）")],
                   responses=MissingSerializer(many=True))
    @action(detail=True, methods=["get"])
    def missing(self, request, pk=None):
        """尚未完成某项措施的儿童。"""
        campaign = self.get_object()
        measure = request.query_params.get("measure", "")
        if measure and measure not in R.MEASURES:
            raise ValidationError({"measure": "未知的措施"})
        marks = Q.campaign_missing(request.user, campaign, self._node(), measure)
        page = self.paginate_queryset(marks)
        return self.get_paginated_response(MissingSerializer(page, many=True).data)


# -- my tasks ------------------------------------------------------------------------------------------
class TaskSerializer(serializers.Serializer):
    child = serializers.UUIDField(source="child.uid", help_text="儿童 id")
    name = serializers.CharField(source="child.name")
    kind = serializers.ChoiceField(choices=["visit", "contact", "pairing"])
    title = serializers.CharField()
    detail = serializers.CharField()
    due = serializers.DateField()
    state = serializers.ChoiceField(choices=["overdue", "today", "soon"])
    days = serializers.IntegerField(help_text="逾期天数（>0）或距到期天数（<=0）")


class TasksSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()),
                                   help_text="kind → {overdue, soon}")
    items = TaskSerializer(many=True)


class OneObjectSchema(AutoSchema):
    """`list` here answers one object (counts and items), not a list of objects."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class TaskViewSet(viewsets.GenericViewSet):
    """我的待办: visits due or overdue, family contact gaps, children still without a one-to-one helper."""
    needs = declare(('list',), "signed_in")

    serializer_class = TasksSerializer
    schema = OneObjectSchema()
    pagination_class = None

    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=["visit", "contact", "pairing"]),
                               OpenApiParameter("limit", int, description="最多条数（默认30，最多200）"), OpenApiParameter("offset", int)])
    def list(self, request):
        g = request.query_params
        kind = g.get("kind", "")
        if kind not in ("", "visit", "contact", "pairing"):
            raise ValidationError({"kind": "应为 visit、contact 或 pairing"})
        limit = min(int(g["limit"]), 200) if g.get("limit", "").isdigit() else 30
        offset = int(g["offset"]) if g.get("offset", "").isdigit() else 0
        tasks = Q.my_tasks(request.user, kind=kind, limit=limit, offset=offset)
        return Response(TasksSerializer(tasks).data)
