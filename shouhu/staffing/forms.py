from django import forms
from django.utils import timezone

from shouhu.core.forms import BootstrapMixin
from shouhu.core.versions import VersionFormMixin
from shouhu.regions.models import Region, School
from shouhu.rules import staffing as R

from .models import Person, SocialWorkOrg

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=32)
    phone = forms.CharField(label="联系电话", max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    sex = forms.ChoiceField(label="性别", choices=[("", "—"), *R.SEXES.items()], required=False)
    birth_year = forms.IntegerField(label="出生年份", required=False, min_value=1930, max_value=2100)
    education = forms.CharField(label="学历", max_length=16, required=False)
    other_posts = forms.CharField(label="兼任职务", max_length=64, required=False, help_text="如：村妇联主席、村会计（可填多个，用顿号分开）",
                                  widget=forms.TextInput(attrs={"list": "other-posts"}))
    org = forms.ModelChoiceField(label="所属社工机构", queryset=SocialWorkOrg.objects.none(), required=False, empty_label="（无）")
    # the version the page showed (core.versions): a save over someone else's change is refused
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs if orgs is not None else SocialWorkOrg.objects.none()
        self.style_widgets()

    def rebase(self, version: int) -> None:
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(version)

    def person_values(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("name", "phone", "sex", "birth_year", "education", "other_posts")}

    @classmethod
    def initial_of(cls, p: Person) -> dict:
        return {"name": p.name, "phone": p.phone, "sex": p.sex, "birth_year": p.birth_year, "education": p.education,
                "other_posts": p.other_posts, "org": p.org_id, "version": p.version}


def place_choices(root: Region | None) -> list:
    """One select for where the post is: a village, a township, the county ("r<id>") or a school ("s<id>")."""
    if root is None:
        return []
    regions = Region.objects.filter(code__startswith=root.code, level__gte=root.level).order_by("code")
    townships, villages = [], []
    county = []
    for r in regions:
        label = r.display_name
        if r.level == 5:
            villages.append((f"r{r.pk}", f"{r.parent.display_name if r.parent_id else ''} {label}".strip()))
        elif r.level == 4:
            townships.append((f"r{r.pk}", label))
        elif r.level == 3:
            county.append((f"r{r.pk}", label))
    schools = [(f"s{s.pk}", s.name) for s in School.objects.filter(region_code__startswith=root.code, active=True).order_by("region_code", "name")]
    return [("", "请选择"), ("县", county), ("乡镇（街道）", townships), ("村（社区）", villages), ("学校", schools)]


class AppointForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="岗位", choices=R.KIND_CHOICES)
    place = forms.ChoiceField(label="岗位所在地", choices=[], help_text="儿童主任选村（社区），儿童督导员选乡镇，心理辅导教师选学校，社工选乡镇或县")
    start_on = forms.DateField(label="任职日期", widget=DATE)
    org = forms.ModelChoiceField(label="社工机构（社工）", queryset=SocialWorkOrg.objects.none(), required=False, empty_label="（无）")
    username = forms.CharField(label="登录账号（可选）", max_length=150, required=False,
                               help_text="填写后，该账号在任职期间获得此岗位的权限；离任时自动收回")

    def __init__(self, *args, root=None, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = place_choices(root)
        self.fields["org"].queryset = orgs if orgs is not None else SocialWorkOrg.objects.none()
        self.fields["start_on"].initial = timezone.localdate()
        self.style_widgets()

    def place_values(self) -> dict:
        value = self.cleaned_data["place"]
        if value.startswith("s"):
            return {"school": School.objects.get(pk=int(value[1:])), "region": None}
        return {"region": Region.objects.get(pk=int(value[1:])), "school": None}


class EndForm(BootstrapMixin, forms.Form):
    end_on = forms.DateField(label="离任日期", widget=DATE, help_text="不再任职的第一天")
    reason = forms.ChoiceField(label="离任原因", choices=[("", "请选择"), *R.END_REASON_CHOICES])
    note = forms.CharField(label="说明", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_on"].initial = timezone.localdate()
        self.style_widgets()


class TrainingForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label="培训日期", widget=DATE)
    topic = forms.CharField(label="培训内容", max_length=64)
    hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1, min_value=0)
    organiser = forms.CharField(label="主办单位", max_length=64, required=False)
    certificate_no = forms.CharField(label="证书编号", max_length=32, required=False)
    certificate = forms.FileField(label="证书扫描件（PDF、JPG或PNG，可选）", required=False,
                                  widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.style_widgets()


class OrgForm(VersionFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = SocialWorkOrg
        fields = ["name", "region", "contact", "phone", "contract_start", "contract_end", "note", "active"]
        widgets = {"contract_start": DATE, "contract_end": DATE}

    def __init__(self, *args, root=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (Region.objects.filter(code__startswith=root.code, level__in=(3, 4)).order_by("code")
                                          if root else Region.objects.none())
        self.fields["region"].label_from_instance = lambda r: r.display_name
        self.add_version_field()
        self.style_widgets()
