from django import forms
from django.utils import timezone

from shouhu.core.forms import BootstrapMixin
from shouhu.regions.models import Region, School
from shouhu.rules import supervision as S

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegionChoice(forms.ModelChoiceField):
    def label_from_instance(self, r: Region) -> str:
        return r.display_name


class RegionsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, r: Region) -> str:
        return r.display_name


class MultiFile(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several photos or scans in one input (`<input multiple>`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiFile(attrs={"accept": "image/*,application/pdf", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class InspectionForm(BootstrapMixin, forms.Form):
    region = RegionChoice(label="督查范围", queryset=Region.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label="督查方式", choices=list(S.KINDS.items()))
    planned_on = forms.DateField(label="计划日期", widget=DATE)
    title = forms.CharField(label="名称（可选）", max_length=64, required=False, help_text="不填则按范围、方式和月份生成")
    units = RegionsChoice(label="督查村（社区）", queryset=Region.objects.none(), required=False,
                          widget=forms.SelectMultiple(attrs={"size": 6}), help_text="可多选；抽查时也可选择范围内其他村")
    team_note = forms.CharField(label="其他成员", max_length=255, required=False, help_text="如：县民政局张某、县教育局李某")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        codes = [r.code for r in regions]
        self.fields["region"].queryset = Region.objects.filter(pk__in=[r.pk for r in regions]) | Region.objects.filter(
            level=4, parent__code__in=codes)
        villages = Region.objects.none()
        for r in regions:
            villages |= Region.objects.filter(level=5, code__startswith=r.code)
        self.fields["units"].queryset = villages.order_by("code")
        self.fields["planned_on"].initial = timezone.localdate()
        self.style_widgets()


class DrawForm(BootstrapMixin, forms.Form):
    village = RegionChoice(label="抽查村（社区）", queryset=Region.objects.none(), empty_label=None)
    size = forms.IntegerField(label="抽查人数", min_value=1, max_value=50)

    def __init__(self, *args, inspection=None, size=5, **kwargs):
        super().__init__(*args, **kwargs)
        units = list(inspection.units.order_by("code"))
        qs = Region.objects.filter(level=5, code__startswith=inspection.region_code).order_by("code")
        self.fields["village"].queryset = qs
        if units:
            self.fields["village"].initial = units[0].pk
        self.fields["size"].initial = size
        self.style_widgets()


class CheckForm(forms.Form):
    """The field check of one sampled child: each check 一致 / 不符 / 无法核实."""

    note = forms.CharField(label="核查情况", required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    photo = forms.FileField(label="现场照片（可选）", required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment", "class": "form-control"}))

    def __init__(self, *args, initial_answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in S.CHECKS.items():
            self.fields[key] = forms.ChoiceField(label=label, choices=list(S.ANSWERS.items()), widget=forms.RadioSelect,
                                                 initial=(initial_answers or {}).get(key), required=False)

    def answers(self) -> dict:
        return {k: self.cleaned_data.get(k) or "" for k in S.CHECKS}


class FindingForm(BootstrapMixin, forms.Form):
    unit = RegionChoice(label="责任单位", queryset=Region.objects.none(), empty_label=None)
    school = forms.ModelChoiceField(label="责任学校（可选）", queryset=School.objects.none(), required=False, empty_label="（不是学校的问题）")
    problem = forms.CharField(label="问题", max_length=64, help_text="一句话，如：走访记录雷同、协议未签字")
    detail = forms.CharField(label="问题描述", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label="整改期限", widget=DATE, required=False, help_text="不填则按县里设定的天数")
    files = FilesField(label="照片或文件（可多选）", required=False)

    def __init__(self, *args, region: Region | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if region is not None:
            self.fields["unit"].queryset = Region.objects.filter(code__startswith=region.code, level__gte=region.level).order_by("code")
            self.fields["school"].queryset = School.objects.filter(region_code__startswith=region.code).order_by("name")
        self.style_widgets()


class ActForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    files = FilesField(label="佐证材料（照片或文件，可多选）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class AccountabilityForm(BootstrapMixin, forms.Form):
    unit = RegionChoice(label="单位", queryset=Region.objects.none(), empty_label=None)
    person = forms.CharField(label="责任人（姓名、职务）", max_length=64)
    measure = forms.ChoiceField(label="问责方式", choices=list(S.MEASURES.items()))
    reason = forms.CharField(label="事由", widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label="决定日期", widget=DATE, required=False)

    def __init__(self, *args, region: Region | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if region is not None:
            self.fields["unit"].queryset = Region.objects.filter(code__startswith=region.code, level__gt=region.level).order_by("code")
        self.fields["decided_on"].initial = timezone.localdate()
        self.style_widgets()


class IndicatorsForm(BootstrapMixin, forms.Form):
    """The county's weight and target of each scored indicator (the veto has neither)."""

    def __init__(self, *args, table=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = [k for k, s in table.items() if not s.veto]
        for k in self.keys:
            s = table[k]
            self.fields[f"{k}_weight"] = forms.FloatField(label=f"{s.label}·权重", min_value=0, max_value=100, initial=s.weight, help_text=s.help)
            self.fields[f"{k}_target"] = forms.FloatField(label=f"{s.label}·目标（%）", min_value=1, max_value=100, initial=s.target)
        self.style_widgets()

    def values(self) -> dict:
        return {k: {"weight": self.cleaned_data[f"{k}_weight"], "target": self.cleaned_data[f"{k}_target"]} for k in self.keys}
