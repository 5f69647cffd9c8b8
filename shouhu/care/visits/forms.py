"""Forms of visits and family contact."""
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from shouhu.accounts.roles import ROLES
from shouhu.core.forms import BootstrapMixin
from shouhu.rules import care as R

from ..forms import DATE, TEXT
from ..helpers.models import Helper


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one input (the service checks each one's type and size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(d, initial) for d in data]
        return [one(data, initial)] if data else []


class HiddenMoment(forms.DateTimeInput):
    input_type = "hidden"
    supports_microseconds = True  # a record made in the same second as the page is not "since"


class OfflineFields(forms.Form):
    """What a form carries to be sent later from the phone's queue (docs/domain.md "Working
    without signal"): a key made when it was opened (the page makes a fresh one; this one serves
    a phone without scripts) and the server's time when it was rendered, against which a record
    of the same task made by someone else since then is a conflict."""

    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    opened_at = forms.DateTimeField(required=False, widget=HiddenMoment(format="%Y-%m-%dT%H:%M:%S.%f%z"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_key"].initial = uuid.uuid4()
        self.fields["opened_at"].initial = timezone.now()


class VisitForm(OfflineFields, BootstrapMixin, forms.Form):
    date = forms.DateField(label="走访日期", widget=DATE,
                           help_text="不能晚于今天。下次走访的到期日按县里的走访规则（每类儿童多少天走访一次），从这一天算起")
    mode = forms.ChoiceField(label="方式", choices=[(m, m) for m in R.VISIT_MODES], widget=forms.RadioSelect, initial=R.HOME_VISIT,
                             help_text="关爱保护月的“入户走访”一项只认“入户”")
    role = forms.ChoiceField(label="以何身份走访", required=False)
    helper = forms.ModelChoiceField(label="走访人（代录帮扶人走访）", required=False, queryset=Helper.objects.none(),
                                    help_text="帮扶人没有账号时，由您代为录入其走访；留空表示本人走访")
    life = forms.CharField(label="生活情况", required=False, widget=TEXT)
    study = forms.CharField(label="学习情况", required=False, widget=TEXT)
    mind = forms.CharField(label="心理状况", required=False, widget=TEXT)
    safety = forms.CharField(label="安全情况", required=False, widget=TEXT)
    carer = forms.CharField(label="监护照料", required=False, widget=TEXT)
    concerns = forms.MultipleChoiceField(label="发现的异常", required=False, choices=[(c, c) for c in R.CONCERNS],
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text="勾选“疑似受伤”“自伤或轻生言语”“疑似受虐待或欺凌”会立即产生红色预警；"
                                                   "发现侵害迹象须立即报告（强制报告，未成年人保护法第11条）")
    needs = forms.CharField(label="需求", required=False, widget=TEXT)
    actions = forms.CharField(label="采取的措施", required=False, widget=TEXT)
    follow_up = forms.CharField(label="后续跟进", required=False, widget=TEXT)
    follow_up_date = forms.DateField(label="跟进日期", required=False, widget=DATE)
    photos = MultipleFileField(label="照片（可选，可多张）", required=False)

    def __init__(self, *args, roles=(), helpers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["role"].choices = [(r, ROLES[r].label) for r in roles]
        if len(roles) <= 1:
            del self.fields["role"]
        if helpers is not None and helpers.exists() and "helper" not in roles:
            self.fields["helper"].queryset = helpers
        else:
            del self.fields["helper"]
        self.style_widgets()
        for name in ("mode",):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean_date(self):
        d = self.cleaned_data["date"]
        if d > timezone.localdate():
            raise ValidationError("走访日期不能晚于今天")
        return d


class ContactForm(OfflineFields, BootstrapMixin, forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    kind = forms.ChoiceField(label="方式", choices=[(k, k) for k in R.CONTACT_KINDS], widget=forms.RadioSelect, initial="电话")
    with_whom = forms.ChoiceField(label="联系对象", choices=[(k, k) for k in R.CONTACT_WITH], initial="父母双方")
    place = forms.CharField(label="地点", required=False, max_length=32, help_text="如：亲情联系室、家中、学校")
    minutes = forms.IntegerField(label="时长（分钟）", required=False, min_value=1, max_value=600)
    note = forms.CharField(label="情况", required=False, max_length=255, widget=TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.style_widgets()
        self.fields["kind"].widget.attrs["class"] = "form-check-input"

    def clean_date(self):
        d = self.cleaned_data["date"]
        if d > timezone.localdate():
            raise ValidationError("日期不能晚于今天")
        return d
