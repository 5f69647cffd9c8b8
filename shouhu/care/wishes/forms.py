"""Forms of micro-wishes: registering, claiming, fulfilling."""
from django import forms

from ..forms import DATE, CareForm, normalised_phone, not_future


class WishForm(CareForm):
    text = forms.CharField(label="心愿", max_length=128, error_messages={"required": "请填写心愿内容"},
                           widget=forms.TextInput(attrs={"placeholder": "如：一套课外书、一个新书包"}))
    created_on = forms.DateField(label="登记日期", widget=DATE)

    def clean_created_on(self):
        return not_future(self.cleaned_data["created_on"])


class WishClaimForm(CareForm):
    donor_name = forms.CharField(label="认领人", max_length=32, error_messages={"required": "请填写认领人"})
    donor_phone = forms.CharField(label="认领人电话", max_length=20, required=False)
    donor_unit = forms.CharField(label="认领人单位", max_length=64, required=False)
    claimed_on = forms.DateField(label="认领日期", widget=DATE)

    def clean_donor_phone(self):
        return normalised_phone(self.cleaned_data.get("donor_phone"))

    def clean_claimed_on(self):
        return not_future(self.cleaned_data["claimed_on"])


class WishFulfilForm(CareForm):
    fulfilled_on = forms.DateField(label="实现日期", widget=DATE)
    note = forms.CharField(label="实现情况", max_length=255, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="如：已将书包送到孩子手中")

    def clean_fulfilled_on(self):
        return not_future(self.cleaned_data["fulfilled_on"])
