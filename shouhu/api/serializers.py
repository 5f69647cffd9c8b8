from django.db import models
from django.utils import timezone
from rest_framework import serializers

from shouhu.accounts.scope import scope_of
from shouhu.regions.models import Region, School, SchoolClass
from shouhu.registry.models import Child
from shouhu.rules.idcard import mask_id
from shouhu.rules.record import check_record

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


class ChildSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uid", read_only=True, help_text="Opaque stable identifier")
    village = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.filter(level=5))
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all(), allow_null=True, required=False)
    school_class = serializers.PrimaryKeyRelatedField(queryset=SchoolClass.objects.all(), allow_null=True, required=False)
    effective_date = serializers.DateField(write_only=True, required=False, help_text="变更生效日期（默认今天）")
    change_reason = serializers.CharField(write_only=True, required=False, max_length=100)

    class Meta:
        model = Child
        exclude = ["uid", "created_by", "village_code", "township_code", "name_pinyin", "name_initials", "name_fuzzy", "agreement_file", "photo"]
        read_only_fields = DERIVED + ["created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not scope_of(self.context["request"].user).full_id:
            for f in ID_FIELDS:
                data[f] = mask_id(data.get(f)) or None if data.get(f) else data.get(f)
        return data

    def validate(self, attrs):
        attrs.pop("effective_date", None), attrs.pop("change_reason", None)
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
