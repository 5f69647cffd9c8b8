"""Forms of places: the place (its host, keeper, hours and "六个一" ticks), a step, a photo, a
session, the guardians of a lecture, the county's checklist."""
from django import forms
from django.utils import timezone

from shouhu.core.forms import BootstrapMixin, PhoneField
from shouhu.core.versions import VersionFormMixin
from shouhu.regions.models import Place, Region
from shouhu.regions.selectors import regions_visible_to, schools_visible_to
from shouhu.rules import places as P

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def region_label(r: Region) -> str:
    if r.level == 5 and r.parent_id:
        return f"{r.parent.display_name} · {r.display_name}"
    return r.display_name


class PlaceForm(VersionFormMixin, BootstrapMixin, forms.ModelForm):
    manager_phone = PhoneField(label="管理员电话", required=False)
    checklist = forms.MultipleChoiceField(label="“六个一”达标情况", required=False, widget=forms.CheckboxSelectMultiple,
                                          help_text="全部达标后才能申报验收")

    class Meta:
        model = Place
        fields = ["kind", "name", "region", "school", "address", "manager_name", "manager_phone", "hours"]

    def __init__(self, *args, actor, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        have = dict(self.instance.checklist or {}) if self.instance.pk else {}
        self.fields["checklist"].choices = [(i, i) for i in self.items + [k for k in have if k not in self.items]]
        if self.instance.pk:
            self.initial["checklist"] = [k for k, v in have.items() if v]
        self.fields["region"].queryset = regions_visible_to(actor).filter(level__in=(4, 5)).select_related("parent").order_by("code")
        self.fields["region"].label_from_instance = region_label
        self.fields["region"].required = False
        self.fields["region"].help_text = "学校的场所可不选，按学校所在乡镇"
        self.fields["school"].queryset = schools_visible_to(actor).filter(active=True)
        self.fields["name"].error_messages["required"] = "请填写名称"
        self.add_version_field()
        self.style_widgets()

    def clean(self):
        d = super().clean()
        school = d.get("school")
        if school is not None:
            d["region"] = school.township
            self.instance.region = school.township
        elif not d.get("region") and "region" not in self.errors:
            self.add_error("region", "请选择所在村（社区）或乡镇")
        return d

    def save(self, commit=True):
        place = super().save(commit=False)
        ticked = set(self.cleaned_data.get("checklist") or [])
        place.checklist = {k: k in ticked for k, _ in self.fields["checklist"].choices}
        return place


class ActForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label="原因或说明", required=False, max_length=255, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class PhotoForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label="照片", widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}))
    caption = forms.CharField(label="说明", required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class SessionForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    parent_school = forms.BooleanField(label="家长学校讲座（登记家长参加情况）", required=False)
    topic = forms.CharField(label="主题", required=False, max_length=64, help_text="家长学校讲座必填，如：隔代教育与亲子沟通")
    speaker = forms.CharField(label="主讲人", required=False, max_length=32)
    note = forms.CharField(label="说明", required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.style_widgets()


class GuardianForm(BootstrapMixin, forms.Form):
    child = forms.ChoiceField(label="儿童")
    who = forms.ChoiceField(label="哪位监护人", choices=list(P.GUARDIANS.items()), widget=forms.RadioSelect)
    mode = forms.ChoiceField(label="参加方式", choices=list(P.MODES.items()), widget=forms.RadioSelect, initial="present")

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [("", "请选择儿童")] + [
            (str(c.uid), f"{c.name}（{c.village.display_name}；父 {c.father_name or '—'}，母 {c.mother_name or '—'}，照护人 {c.carer_name or '—'}）")
            for c in children]
        self.style_widgets()


class SettingsForm(BootstrapMixin, forms.Form):
    items = forms.CharField(label="“六个一”标准（每行一项）", widget=forms.Textarea(attrs={"rows": 7}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def lines(self) -> list[str]:
        return [x.strip() for x in self.cleaned_data["items"].splitlines() if x.strip()]
