"""Forms of helpers (with trainings and service hours) and pairing. Choices are limited to the
actor's scope; the services check again."""
from decimal import Decimal

from django import forms
from django.db.models import Q

from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.core.forms import BootstrapMixin
from shouhu.core.versions import VersionFormMixin
from shouhu.regions.models import Region, School, code_range
from shouhu.rules import care as R

from ..forms import DATE, CareForm, normalised_phone, not_future, region_label
from .models import Helper


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


class HelperForm(VersionFormMixin, BootstrapMixin, forms.ModelForm):
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
        self.add_version_field()
        self.style_widgets()

    def clean_phone(self):
        return normalised_phone(self.cleaned_data.get("phone"))

    def clean_registered_on(self):
        return not_future(self.cleaned_data.get("registered_on"), "登记日期不能晚于今天")

    def clean(self):
        data = super().clean()
        if not data.get("region") and not data.get("school") and "region" not in self.errors and "school" not in self.errors:
            self.add_error("region", "请选择服务区域或所在学校")
        return data


class TrainingForm(CareForm):
    """Field names differ from the service form's: both sit on the helper page, and each error
    sits beside its own field."""

    training_date = forms.DateField(label="培训日期", widget=DATE)
    topic = forms.CharField(label="培训内容", max_length=128, error_messages={"required": "请填写培训内容"})
    training_hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1, min_value=Decimal("0"), max_value=Decimal("200"),
                                        initial=2)
    organiser = forms.CharField(label="组织单位", max_length=64, required=False)
    service_names = {"date": "training_date", "hours": "training_hours"}

    def clean_training_date(self):
        return not_future(self.cleaned_data["training_date"])

    def values(self) -> dict:
        d = self.cleaned_data
        return {"date": d["training_date"], "topic": d["topic"], "hours": d["training_hours"], "organiser": d["organiser"]}


class ServiceForm(CareForm):
    service_date = forms.DateField(label="服务日期", widget=DATE)
    service_hours = forms.DecimalField(label="时长（小时）", max_digits=5, decimal_places=1, min_value=Decimal("0.5"), max_value=Decimal("24"),
                                       error_messages={"min_value": "时长至少0.5小时", "max_value": "一次服务不能超过24小时"})
    content = forms.CharField(label="服务内容", max_length=128, error_messages={"required": "请填写服务内容"})
    service_names = {"date": "service_date", "hours": "service_hours"}

    def clean_service_date(self):
        return not_future(self.cleaned_data["service_date"])

    def values(self) -> dict:
        d = self.cleaned_data
        return {"date": d["service_date"], "hours": d["service_hours"], "content": d["content"]}


class PairingForm(CareForm):
    helper = forms.ModelChoiceField(label="帮扶人", queryset=Helper.objects.none(), empty_label="请选择帮扶人",
                                    error_messages={"required": "请选择帮扶人", "invalid_choice": "请从列表中选择帮扶人"})
    mode = forms.ChoiceField(label="结对方式", choices=[(m, m) for m in R.PAIRING_MODES])
    start = forms.DateField(label="开始日期", widget=DATE)
    note = forms.CharField(label="备注", max_length=128, required=False)

    def __init__(self, *args, helpers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = helpers
        self.fields["helper"].label_from_instance = lambda h: f"{h.name}（{h.kind}{'，' + h.unit if h.unit else ''}）"


class PairingEndForm(CareForm):
    end = forms.DateField(label="结束日期", widget=DATE)
    reason = forms.CharField(label="结束原因", max_length=64, error_messages={"required": "请填写结束原因"},
                             help_text="如：儿童父母返乡、帮扶人调离、儿童已退出")

    def clean_end(self):
        return not_future(self.cleaned_data["end"], "结束日期不能晚于今天")
