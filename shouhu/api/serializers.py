from django.db import models
from django.utils import timezone
from rest_framework import serializers

from shouhu.accounts.scope import scope_of
from shouhu.regions.models import Region, School, SchoolClass
from shouhu.registry.fields import visible_fields
from shouhu.registry.models import PARENT_FIELDS, Child
from shouhu.registry.selectors import children_visible_to
from shouhu.rules.idcard import mask_id, normalise_number
from shouhu.rules.record import check_record, normalise_numbers

DERIVED = ["is_left_behind", "left_behind_kind", "is_orphan", "is_de_facto", "is_difficulty", "difficulty_kinds",
           "flag_parents_imprisoned", "flag_unguarded", "flag_poor_guardianship", "category_reasons", "status",
           "entered_on", "exited_on", "exit_reason"]
ID_FIELDS = ["id_number", "father_id_number", "mother_id_number", "carer_id_number"]


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "short_name", "level", "parent"]


class SchoolSerializer(serializers.ModelSerializer):
    township = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = School
        fields = ["id", "name", "township", "stage", "boarding", "active"]


class SchoolClassSerializer(serializers.ModelSerializer):
    grade_name = serializers.CharField(source="get_grade_display", read_only=True)

    class Meta:
        model = SchoolClass
        fields = ["id", "school", "grade", "grade_name", "name", "active"]


# The fields a client may write, listed rather than "everything not excluded": a field added to
# the model stays read-only until someone decides it belongs here. Derived categories, status,
# merge bookkeeping (`merged_into`), timestamps and search keys are written only by the services.
WRITABLE = [
    "archive_no", "name", "sex", "ethnicity", "birth_date", "id_number", "hukou_registered", "hukou_place",
    "village", "address_detail", "health", "disability", "illness", "serious_illness",
    "schooling", "school", "school_class", "boarding",
    *(f"{p}_{f}" for p in ("father", "mother") for f in PARENT_FIELDS), "grandparents",
    "carer_name", "carer_id_number", "carer_phone", "carer_relation", "carer_address", "carer_health", "carer_barred",
    "agreement_date", "guardianship", "living_alone", "abused_or_abandoned", "income_sources", "benefits",
    "poor_household", "emergency_contacts", "reporter", "reported_on",
]
WRITE_ONLY = ["effective_date", "change_reason"]
READ_ONLY = ["id", "age", "merged_into", *DERIVED, "created_at", "updated_at"]


class ChildSerializer(serializers.ModelSerializer):
    """A child as the requesting user may read it: the fields of their role's set
    (`registry.fields`), ID numbers as their scope shows them."""

    id = serializers.UUIDField(source="uid", read_only=True, help_text="Opaque stable identifier")
    age = serializers.IntegerField(source="age_years", read_only=True, help_text="周岁")
    village = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.filter(level=5))
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all(), allow_null=True, required=False)
    school_class = serializers.PrimaryKeyRelatedField(queryset=SchoolClass.objects.all(), allow_null=True, required=False)
    merged_into = serializers.SerializerMethodField(help_text="并入的保留档案 id；无权查看该档案时为空")
    effective_date = serializers.DateField(write_only=True, required=False, help_text="变更生效日期（默认今天）")
    change_reason = serializers.CharField(write_only=True, required=False, max_length=100)

    class Meta:
        model = Child
        fields = READ_ONLY + WRITABLE + WRITE_ONLY
        read_only_fields = [f for f in READ_ONLY if f not in ("id", "age", "merged_into")]

    def _scope(self):
        request = self.context.get("request")
        return scope_of(request.user) if request is not None else None

    def get_fields(self):
        fields = super().get_fields()
        scope = self._scope()
        if scope is None or not scope.user.is_authenticated:  # the schema describes every field
            return fields
        allowed = visible_fields(scope)
        return fields if allowed is None else {k: v for k, v in fields.items() if k in allowed}

    def get_merged_into(self, obj) -> str | None:
        # Only as the kept record's id, and only when the reader may open it: the field must not
        # answer "does this record exist" for children outside the reader's scope.
        if not obj.merged_into_id:
            return None
        kept = children_visible_to(self.context["request"].user).filter(pk=obj.merged_into_id).values_list("uid", flat=True).first()
        return str(kept) if kept else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        scope = self._scope()
        for f in ID_FIELDS:
            if data.get(f):
                data[f] = scope.show_id(data[f]) if scope is not None else mask_id(data[f])
        return data

    def validate_id_number(self, value):
        # One number, one record: the uniqueness is the blind index's (the model field is
        # ciphertext), so DRF no longer adds a UniqueValidator from the model field.
        value = normalise_number(value) if value else value
        if value:
            same = Child.objects.with_id_number(value)
            if self.instance is not None:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                raise serializers.ValidationError("已有儿童档案使用此公民身份号码")
        return value

    def validate(self, attrs):
        attrs.pop("effective_date", None), attrs.pop("change_reason", None)
        normalise_numbers(attrs)
        record = {}
        if self.instance is not None:
            record = {f.name: getattr(self.instance, f.name) for f in Child._meta.concrete_fields if not isinstance(f, models.ForeignKey)}
            record.update(school=self.instance.school, school_class=self.instance.school_class)
        record.update(attrs)
        errors = check_record(record, today=timezone.localdate())
        sc, school = record.get("school_class"), record.get("school")
        if sc and school and sc.school_id != school.id:
            errors.setdefault("school_class", "该班级不属于所选学校")
        if errors:
            raise serializers.ValidationError(errors)
        village = attrs.get("village")
        if village is not None and not scope_of(self.context["request"].user).can_edit_village(village.code):
            raise serializers.ValidationError({"village": "该村（社区）不在您的管辖范围内"})
        return attrs
