"""County settings (county admin): thresholds the category rules take as input."""
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from shouhu.accounts.permissions import requires
from shouhu.core.forms import BootstrapMixin

from .models import CountySetting
from .tasks import recompute_categories


class CountySettingForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = CountySetting
        fields = ["left_behind_min_months"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_behind_min_months"].min_value = 1
        self.fields["left_behind_min_months"].widget.attrs.update(min=1, max=24)
        self.style_widgets()

    def clean_left_behind_min_months(self):
        v = self.cleaned_data["left_behind_min_months"]
        if not 1 <= v <= 24:
            raise forms.ValidationError("请填写1到24之间的月数")
        return v


@requires("manages_county")
def county_settings(request):
    current = CountySetting.current()
    before = current.left_behind_min_months
    form = CountySettingForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.instance.left_behind_min_months != before:
            recompute_categories.enqueue()
            messages.success(request, "设置已保存，全县儿童类别正在后台重新认定。")
        else:
            messages.success(request, "设置已保存。")
        return redirect("registry:settings")
    return render(request, "regions/form.html", {"form": form, "title": "县级设置"})
