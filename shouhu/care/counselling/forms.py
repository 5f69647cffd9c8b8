"""The counselling session form."""
from django import forms

from shouhu.core.forms import BootstrapMixin

from ..forms import DATE, not_future
from .models import CounsellingSession


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
        return not_future(self.cleaned_data.get("date"))

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("next_date") and data["next_date"] < data["date"]:
            self.add_error("next_date", "下次辅导日期不能早于本次")
        return data
