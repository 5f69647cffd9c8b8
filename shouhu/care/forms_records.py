"""Forms of the people and records of care work: helpers (with trainings and service hours),
pairing, micro-wishes, activities, counselling. Choices are limited to the actor's scope; the
services check again. Errors the services raise are put beside the field they concern
(`apply_errors`)."""
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.core.forms import BootstrapMixin
from shouhu.regions.models import Region, School, code_range
from shouhu.rules import care as R
from shouhu.rules.phones import normalise_phone, phone_error

from .models import Activity, CounsellingSession, Helper

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FUTURE = "日期不能晚于今天"


def _not_future(day, message: str = FUTURE):
    if day and day > timezone.localdate():
        raise ValidationError(message)
    return day


def _phone(value: str) -> str:
    value = (value or "").strip()
    if msg := phone_error(value):
        raise ValidationError(msg)
    return normalise_phone(value) if value else ""


class _Form(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


# -- helpers ---------------------------------------------------------------------------------------
def pair_regions(actor):
    """Regions (township and below) where the actor may register helpers."""
    q = NOTHING
    for a in scope_of(actor).assignments_with("can_pair"):
        if a.region_id:
            q |= Q(code__range=(a.region.code, code_range(a.region.code)[1]))
    return Region.objects.filter(q, level__gte=3).select_related("parent").order_by("code")


def pair_schools(actor):
    q = NOTHING
    for a in scope_of(actor).assignments_with("can_pair"):
        if a.region_id:
            q |= Q(region_code__range=(a.region.code, code_range(a.region.code)[1]))
        if a.school_id:
            q |= Q(pk=a.school_id)
    return School.objects.filter(q).order_by("region_code", "name")


def region_label(r: Region) -> str:
    if r.level == 5 and r.parent_id:
        return f"{r.parent.display_name} · {r.display_name}"
    return r.display_name


class HelperForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Helper
        fields = ["name", "kind", "sex", "phone", "unit", "region", "school", "volunteer_no", "registered_on", "skills", "active"]
        widgets = {"registered_on": DATE}
        help_texts = {"region": "帮扶人服务的乡镇或村（社区）", "school": "教师等学校人员填写"}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = pair_regions(actor)
        self.fields["region"].label_from_instance = region_label
        self.fields["school"].queryset = pair_schools(actor)
        self.fields["name"].error_messages["required"] = "请填写姓名"
        self.style_widgets()

    def clean_phone(self):
        return _phone(self.cleaned_data.get("phone"))

    def clean_registered_on(self):
        return _not_future(self.cleaned_data.get("registered_on"), "登记日期不能晚于今天")

    def clean(self):
        data = super().clean()
        if not data.get("region") and not data.get("school") and "region" not in self.errors and "school" not in self.errors:
            self.add_error("region", "请选择服务区域或所在学校")
        return data


class TrainingForm(_Form):
    """Field names differ from the service form's: both sit on the helper page, and each error
    sits beside its own field."""

    training_date = forms.DateField(label="培训日期", widget=DATE)
    topic = forms.CharField(label="培训内容", max_length=128, error_messages={"required": "请填写培训内容"})
    training_hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1, min_value=Decimal("0"), max_value=Decimal("200"),
                                        initial=2)
    organiser = forms.CharField(label="组织单位", max_length=64, required=False)
    service_names = {"date": "training_date", "hours": "training_hours"}

    def clean_training_date(self):
        return _not_future(self.cleaned_data["training_date"])

    def values(self) -> dict:
        d = self.cleaned_data
        return {"date": d["training_date"], "topic": d["topic"], "hours": d["training_hours"], "organiser": d["organiser"]}


class ServiceForm(_Form):
    service_date = forms.DateField(label="服务日期", widget=DATE)
    service_hours = forms.DecimalField(label="时长（小时）", max_digits=5, decimal_places=1, min_value=Decimal("0.5"), max_value=Decimal("24"),
                                       error_messages={"min_value": "时长至少0.5小时", "max_value": "一次服务不能超过24小时"})
    content = forms.CharField(label="服务内容", max_length=128, error_messages={"required": "请填写服务内容"})
    service_names = {"date": "service_date", "hours": "service_hours"}

    def clean_service_date(self):
        return _not_future(self.cleaned_data["service_date"])

    def values(self) -> dict:
        d = self.cleaned_data
        return {"date": d["service_date"], "hours": d["service_hours"], "content": d["content"]}


# -- pairing ----------------------------------------------------------------------------------------
class PairingForm(_Form):
    helper = forms.ModelChoiceField(label="帮扶人", queryset=Helper.objects.none(), empty_label="请选择帮扶人",
                                    error_messages={"required": "请选择帮扶人", "invalid_choice": "请从列表中选择帮扶人"})
    mode = forms.ChoiceField(label="结对方式", choices=[(m, m) for m in R.PAIRING_MODES])
    start = forms.DateField(label="开始日期", widget=DATE)
    note = forms.CharField(label="备注", max_length=128, required=False)

    def __init__(self, *args, helpers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = helpers
        self.fields["helper"].label_from_instance = lambda h: f"{h.name}（{h.kind}{'，' + h.unit if h.unit else ''}）"


class PairingEndForm(_Form):
    end = forms.DateField(label="结束日期", widget=DATE)
    reason = forms.CharField(label="结束原因", max_length=64, error_messages={"required": "请填写结束原因"},
                             help_text="如：儿童父母返乡、帮扶人调离、儿童已退出")

    def clean_end(self):
        return _not_future(self.cleaned_data["end"], "结束日期不能晚于今天")


# -- wishes -----------------------------------------------------------------------------------------
class WishForm(_Form):
    text = forms.CharField(label="心愿", max_length=128, error_messages={"required": "请填写心愿内容"},
                           widget=forms.TextInput(attrs={"placeholder": "如：一套课外书、一个新书包"}))
    created_on = forms.DateField(label="登记日期", widget=DATE)

    def clean_created_on(self):
        return _not_future(self.cleaned_data["created_on"])


class WishClaimForm(_Form):
    donor_name = forms.CharField(label="认领人", max_length=32, error_messages={"required": "请填写认领人"})
    donor_phone = forms.CharField(label="认领人电话", max_length=20, required=False)
    donor_unit = forms.CharField(label="认领人单位", max_length=64, required=False)
    claimed_on = forms.DateField(label="认领日期", widget=DATE)

    def clean_donor_phone(self):
        return _phone(self.cleaned_data.get("donor_phone"))

    def clean_claimed_on(self):
        return _not_future(self.cleaned_data["claimed_on"])


class WishFulfilForm(_Form):
    fulfilled_on = forms.DateField(label="实现日期", widget=DATE)
    note = forms.CharField(label="实现情况", max_length=255, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="如：已将书包送到孩子手中")

    def clean_fulfilled_on(self):
        return _not_future(self.cleaned_data["fulfilled_on"])


# -- activities -------------------------------------------------------------------------------------
def activity_regions(actor):
    """Regions an activity may be held in: the regions of the actor's care roles (a school's
    staff: the school's township)."""
    scope = scope_of(actor)
    q = NOTHING
    for a in scope.assignments_with("can_care"):
        if a.region_id:
            q |= Q(code__range=(a.region.code, code_range(a.region.code)[1]))
        school = a.school or (a.school_class.school if a.school_class_id else None)
        if school is not None:
            q |= Q(code=school.region_code)
    return Region.objects.filter(q, level__gte=3).select_related("parent").order_by("code")


class ActivityForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "kind", "date", "place", "organiser", "region", "description"]
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = activity_regions(actor)
        self.fields["region"].label_from_instance = region_label
        self.fields["title"].error_messages["required"] = "请填写活动名称"
        self.style_widgets()

    def clean_date(self):
        return _not_future(self.cleaned_data.get("date"), "只能登记已经开展的活动（日期不能晚于今天）")


# -- counselling ------------------------------------------------------------------------------------
class CounsellingForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = CounsellingSession
        fields = ["date", "topic", "notes", "risk", "next_date"]
        widgets = {"date": DATE, "next_date": DATE, "notes": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].error_messages["required"] = "请填写主题"
        self.fields["notes"].error_messages["required"] = "请填写辅导记录"
        self.style_widgets()

    def clean_date(self):
        return _not_future(self.cleaned_data.get("date"))

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("next_date") and data["next_date"] < data["date"]:
            self.add_error("next_date", "下次辅导日期不能早于本次")
        return data

