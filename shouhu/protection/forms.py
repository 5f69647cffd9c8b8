"""Forms of the protection pages. The checks that need the database or the clock are the
services'; their errors land beside the field (`core.forms.apply_errors`)."""
from django import forms
from django.utils import timezone

from shouhu.core.forms import BootstrapMixin
from shouhu.regions.models import Region
from shouhu.rules.reports import SITUATIONS

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VillageChoice(forms.ModelChoiceField):
    def label_from_instance(self, r: Region) -> str:
        return f"{r.parent.short_name} · {r.short_name}" if r.parent_id else r.short_name


class ReportForm(BootstrapMixin, forms.Form):
    situation = forms.ChoiceField(label="属于哪种情形", choices=[(s.code, s.label) for s in SITUATIONS], widget=forms.RadioSelect,
                                  required=False)
    discovered_at = forms.DateTimeField(label="发现时间", widget=WHEN, required=False, input_formats=["%Y-%m-%dT%H:%M"])
    seen = forms.CharField(label="发现的情况", widget=forms.Textarea(attrs={"rows": 3, "placeholder": "看到、听到了什么；孩子现在在哪里、是否安全"}),
                           required=False)
    child_name = forms.CharField(label="儿童姓名", max_length=32, required=False)
    child_desc = forms.CharField(label="儿童情况", max_length=128, required=False, help_text="不知道姓名时写明性别、大约年龄、特征")
    village = VillageChoice(label="发现地点（村、社区）", queryset=Region.objects.none(), required=False, empty_label="请选择")
    place_detail = forms.CharField(label="具体地点", max_length=128, required=False)
    service_names = {}

    def __init__(self, *args, root: str = "", child=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = (Region.objects.filter(level=5, code__startswith=root).select_related("parent")
                                           .order_by("code"))
        self.fields["discovered_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if child is not None:  # from the child's page: the child is known, and where they live
            del self.fields["child_name"], self.fields["child_desc"]
            self.fields["village"].initial = child.village_id
        self.style_widgets()
        self.fields["situation"].widget.attrs["class"] = "form-check-input"


class CallForm(ReportForm):
    """A report received by phone: who called."""
    reporter_name = forms.CharField(label="报告人姓名", max_length=32, required=False)
    reporter_unit = forms.CharField(label="报告人单位", max_length=64, required=False)
    reporter_phone = forms.CharField(label="报告人电话", max_length=20, required=False)

    field_order = ["reporter_name", "reporter_unit", "reporter_phone"]


class ReceiveForm(BootstrapMixin, forms.Form):
    police_notified_at = forms.DateTimeField(label="向公安机关报案时间", widget=WHEN, required=False, input_formats=["%Y-%m-%dT%H:%M"])
    police_unit = forms.CharField(label="接报公安机关", max_length=64, required=False)
    police_receipt_no = forms.CharField(label="受案回执号", max_length=64, required=False)
    civil_affairs_told = forms.CharField(label="已通报（民政、教育等）", max_length=128, required=False, help_text="如：县民政局张科长 12-05 电话告知")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class FeedbackForm(BootstrapMixin, forms.Form):
    feedback = forms.CharField(label="反馈给报告人", max_length=255, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
