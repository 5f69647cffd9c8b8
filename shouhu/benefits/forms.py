from django import forms
from django.utils import timezone

from shouhu.core.forms import BootstrapMixin
from shouhu.regions.models import Place, Region
from shouhu.rules import benefits as B

from .models import FUND_KINDS, PURPOSES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MONEY = forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01"})


class MonthField(forms.DateField):
    """A month typed as 2026-12 (the phone's month picker) or a whole date; kept as the month's first day."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MONTH)
        kwargs.setdefault("input_formats", ["%Y-%m", "%Y-%m-%d", "%Y/%m", "%Y%m"])
        super().__init__(*args, **kwargs)

    def clean(self, value):
        d = super().clean(value)
        return d.replace(day=1) if d else d


class RegionChoice(forms.ModelChoiceField):
    def label_from_instance(self, r: Region) -> str:
        return r.display_name


class GrantForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="救助类别", choices=[(k.code, k.label) for k in B.KINDS.values()])
    monthly_amount = forms.DecimalField(label="金额（元/月；临时救助为一次）", max_digits=8, decimal_places=2, widget=MONEY)
    start = MonthField(label="起始月份")
    end = MonthField(label="终止月份", required=False, help_text="按月发放的可不填，停发时再填")
    note = forms.CharField(label="备注", required=False, max_length=255)

    def __init__(self, *args, needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].initial = timezone.localdate().replace(day=1)
        for n in needs:  # the first kind the child's needs call for
            self.fields["kind"].initial = B.NEEDS[n].met_by[0]
            break


class StopForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="原因", max_length=128, help_text="如：父亲刑满释放返家；年满18周岁；已纳入特困供养")
    last_month = MonthField(label="最后发放月份", required=False, help_text="停发时填；不填为本月")


class ApplicationForm(BootstrapMixin, forms.Form):
    applicant = forms.CharField(label="申请人（监护人或受委托人）", max_length=32)
    monthly_amount = forms.DecimalField(label="拟发放标准（元/月）", max_digits=8, decimal_places=2, widget=MONEY)
    applied_on = forms.DateField(label="申请日期", widget=DATE)
    note = forms.CharField(label="情况说明", required=False, max_length=255, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applied_on"].initial = timezone.localdate()


class ActForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label="意见", required=False, max_length=255, widget=forms.Textarea(attrs={"rows": 2}))


class SettingsForm(BootstrapMixin, forms.Form):
    check_days = forms.IntegerField(label="乡镇查验期限（工作日）", min_value=1, max_value=90)
    confirm_days = forms.IntegerField(label="县级确认期限（工作日）", min_value=1, max_value=90)
    publicity_days = forms.IntegerField(label="公示天数", min_value=1, max_value=90)


class FundForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="资金类别", choices=FUND_KINDS)
    name = forms.CharField(label="名称", max_length=64)
    source = forms.CharField(label="来源", max_length=64, help_text="如：县财政、省民政厅、某爱心企业")
    amount = forms.DecimalField(label="金额（元）", max_digits=12, decimal_places=2, widget=MONEY)
    received_on = forms.DateField(label="到账日期", widget=DATE)
    region = RegionChoice(label="使用范围", queryset=Region.objects.none(), empty_label=None)
    note = forms.CharField(label="说明", required=False, max_length=255)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(pk__in=[r.pk for r in regions] + [c.pk for r in regions for c in r.children.all()])
        self.fields["received_on"].initial = timezone.localdate()


class PlaceChoice(forms.ModelChoiceField):
    def label_from_instance(self, p: Place) -> str:
        return f"{p.name}（{p.region.display_name}）"


class SpendForm(BootstrapMixin, forms.Form):
    purpose = forms.ChoiceField(label="用途", choices=[p for p in PURPOSES if p[0] != "roll"])
    amount = forms.DecimalField(label="金额（元）", max_digits=12, decimal_places=2, widget=MONEY)
    spent_on = forms.DateField(label="支出日期", widget=DATE)
    what = forms.CharField(label="事由", max_length=128, help_text="如：儿童之家添置图书；六一慰问")
    payee = forms.CharField(label="收款人或单位", required=False, max_length=64)
    child = forms.UUIDField(label="资助的儿童（档案页上的编号）", required=False, widget=forms.HiddenInput)
    place = PlaceChoice(label="场所（阵地建设与运行）", queryset=Place.objects.none(), required=False, empty_label="（不是某个场所）")
    voucher_no = forms.CharField(label="凭证号", required=False, max_length=32, help_text="同一资金的凭证号不能重复")
    voucher = forms.FileField(label="凭证照片", required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}))

    def __init__(self, *args, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spent_on"].initial = timezone.localdate()
        if places is not None:
            self.fields["place"].queryset = places


class RollForm(BootstrapMixin, forms.Form):
    fund = forms.ModelChoiceField(label="从哪项资金发放", queryset=None, empty_label=None)
    month = MonthField(label="发放月份")
    kinds = forms.MultipleChoiceField(label="救助类别", choices=[(k.code, k.label) for k in B.KINDS.values()],
                                      widget=forms.CheckboxSelectMultiple, initial=["orphan", "de_facto"])

    def __init__(self, *args, funds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds
        self.fields["month"].initial = timezone.localdate().replace(day=1)


class PayForm(BootstrapMixin, forms.Form):
    paid_on = forms.DateField(label="发放日期", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
