"""The absence log over the API (考勤; docs/domain.md, "Keeping children in school"): read a class's
day — every pupil with the day's mark and unexcused streak — and post the day's marks, through the
same services as the page (`schooling.absences`). Only the caller's classes (a head teacher's
class, the school's classes for its staff): any other class, missing or not, is the same 404."""
from datetime import date

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from shouhu.audit.services import log_access
from shouhu.schooling import absences as A
from shouhu.schooling.dropout import dropout_settings

from .permissions import declare

MARKS = {"旷课": False, "请假": True}
LABELS = {None: "在校", False: "旷课", True: "请假"}


class PupilDaySerializer(serializers.Serializer):
    pupil_key = serializers.CharField(source="key", help_text="学生的长期标识（身份证号或姓名与出生日期的加密索引；不含号码本身）")
    name = serializers.CharField()
    on_roster = serializers.BooleanField(help_text="在学籍名册上")
    child = serializers.SerializerMethodField(help_text="儿童 id（已建档时；/api/v1/children/ 的 id）")
    mark = serializers.SerializerMethodField(help_text="在校、旷课或请假")
    reason = serializers.CharField()
    streak = serializers.IntegerField(help_text="截至该日连续旷课的上学日数")

    def get_child(self, p) -> str | None:
        return str(p.child.uid) if p.child else None

    def get_mark(self, p) -> str:
        return LABELS[p.excused]


class MarkSerializer(serializers.Serializer):
    pupil_key = serializers.CharField(max_length=64)
    mark = serializers.ChoiceField(choices=list(MARKS), help_text="旷课或请假（在校的学生不用列出）")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=A.REASON_MAX)


class ClassDaySerializer(serializers.Serializer):
    """The writable fields, all of them: the class, the day, the day's absent pupils."""

    school_class = serializers.IntegerField(help_text="班级 id")
    day = serializers.DateField()
    marks = MarkSerializer(many=True, help_text="当天缺勤的学生；未列出的学生视为在校（整体替换该班当天的记录）")

    class Meta:
        fields = ["school_class", "day", "marks"]


class DayResultSerializer(serializers.Serializer):
    school_class = serializers.IntegerField()
    day = serializers.DateField()
    school_day = serializers.BooleanField(help_text="是否为上学日（县教育局校历）")
    threshold = serializers.IntegerField(help_text="连续旷课几个上学日视为疑似辍学")
    pupils = PupilDaySerializer(many=True)


class AbsenceViewSet(viewsets.ViewSet):
    """一个班级某一天的考勤：GET 读取（`school_class`、`day`，默认今天），POST 登记（整体替换当天记录）。"""

    needs = declare(("list", "create"), "records_absences")
    serializer_class = ClassDaySerializer

    def _answer(self, request, school_class, day, *, pupils=None, status=200):
        settings = dropout_settings()
        pupils = pupils if pupils is not None else A.class_day(request.user, school_class, day, settings=settings)
        return Response(DayResultSerializer({"school_class": school_class.pk, "day": day, "school_day": settings.calendar.is_school_day(day),
                                             "threshold": settings.streak_days, "pupils": pupils}).data, status=status)

    @extend_schema(parameters=[OpenApiParameter("school_class", int, required=True), OpenApiParameter("day", date)],
                   responses=DayResultSerializer)
    def list(self, request):
        g = request.query_params
        if not g.get("school_class"):
            raise ValidationError({"school_class": "请指定班级"})
        school_class = A.absence_class_for(request.user, g["school_class"])
        try:
            day = date.fromisoformat(g["day"]) if g.get("day") else None
        except ValueError:
            raise ValidationError({"day": "日期格式应为 YYYY-MM-DD"}) from None
        day = day or timezone.localdate()
        pupils = A.class_day(request.user, school_class, day)
        log_access(actor=request.user, action="api_list", scope="考勤", request=request,
                   detail=f"接口查看考勤 {school_class.school.name}{A.class_label(school_class)} {day:%Y-%m-%d} 共{len(pupils)}人")
        return self._answer(request, school_class, day, pupils=pupils)

    @extend_schema(request=ClassDaySerializer, responses=DayResultSerializer)
    def create(self, request):
        s = ClassDaySerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        school_class = A.absence_class_for(request.user, d["school_class"])
        marks = {m["pupil_key"]: (MARKS[m["mark"]], m["reason"]) for m in d["marks"]}
        pupils = A.absences_record(actor=request.user, school_class=school_class, day=d["day"], marks=marks, request=request)
        return self._answer(request, school_class, d["day"], pupils=pupils, status=201)
