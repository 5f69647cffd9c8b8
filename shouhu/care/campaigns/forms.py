"""The form that starts a care month."""
from django import forms
from django.utils import timezone

from shouhu.core.forms import BootstrapMixin

from ..forms import DATE
from .models import Campaign


class CampaignForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "region", "start", "end"]
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions
        self.fields["name"].initial = f"{timezone.localdate().year}年关爱保护月"
        self.style_widgets()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "结束日期不能早于开始日期")
        return data
