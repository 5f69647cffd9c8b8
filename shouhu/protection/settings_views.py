"""The county's protection time limits page (保护工作时限设置): the alert deadlines and the case
timers, changed by the county admin or the county's protection staff (docs/domain.md,
"Protection time limits"); every change goes to the access log with its old and new values."""
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from shouhu.accounts.permissions import requires
from shouhu.core.errors import ServiceError
from shouhu.core.forms import BootstrapMixin, apply_errors

from . import time_limits as T
from .models import AlertSetting


class TimeLimitsForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, unit) in T.LIMITS.items():
            top = T.MAXIMUM[unit]
            self.fields[name] = forms.IntegerField(
                label=f"{label}（{unit}）", min_value=1, max_value=top,
                error_messages={"required": "请填写时限", "invalid": "请填写整数", "min_value": f"时限至少为1{unit}",
                                "max_value": f"时限不能超过{top}{unit}"},
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": top}))
        self.style_widgets()

    def clean(self):
        data = super().clean()
        for field, message in T.limit_problems(data).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data

    def groups(self):
        return [("预警处置时限", [self[n] for n in T.ALERT_LIMITS]), ("保护个案时限", [self[n] for n in T.CASE_LIMITS])]


@requires("protection_settings")
def time_limits(request):
    row = AlertSetting.row()
    form = TimeLimitsForm(request.POST or None, initial={f: getattr(row, f) for f in T.LIMITS})
    if request.method == "POST" and form.is_valid():
        try:
            changed = T.time_limits_save(actor=request.user, values=form.cleaned_data, request=request)
        except ServiceError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存，正在进行的预警和个案按新时限计时。" if changed else "时限没有变化。")
            return redirect("protection:settings")
    return render(request, "protection/settings.html", {"form": form, "recent": T.recent_changes()})
