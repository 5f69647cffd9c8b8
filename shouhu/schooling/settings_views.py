"""The county's 控辍保学 settings and school calendar page (控辍保学设置): the streak that opens a
case, the steps' time limits, holidays and make-up days, breaks — add and remove rows; errors
beside the field; each change in the access log with old → new (docs/domain.md, "Keeping children
in school"). County education and the county admin; anyone else gets the 404 of a missing page."""
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path

from shouhu.accounts.permissions import requires
from shouhu.core.errors import ServiceError
from shouhu.core.forms import BootstrapMixin, apply_errors

from . import calendar_settings as T
from .models import CalendarDay, DropoutSetting, SchoolBreak

DATE = {"type": "date"}


class LimitsForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, unit, top) in T.LIMITS.items():
            self.fields[name] = forms.IntegerField(
                label=f"{label}（{unit}）", min_value=1, max_value=top,
                error_messages={"required": "请填写", "invalid": "请填写整数", "min_value": f"至少为1{unit}", "max_value": f"不能超过{top}{unit}"},
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": top}))
        self.style_widgets()


class DayForm(BootstrapMixin, forms.Form):
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                          error_messages={"required": "请选择日期", "invalid": "日期格式应为 YYYY-MM-DD"})
    kind = forms.ChoiceField(label="类型", choices=CalendarDay.Kind.choices, error_messages={"required": "请选择类型"})
    name = forms.CharField(label="名称", required=False, max_length=32, widget=forms.TextInput(attrs={"placeholder": "如：国庆节"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="d", **kwargs)
        self.style_widgets()


class BreakForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=32, widget=forms.TextInput(attrs={"placeholder": "如：寒假"}),
                           error_messages={"required": "请填写名称（如：寒假）"})
    start = forms.DateField(label="开始", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                            error_messages={"required": "请选择开始日期", "invalid": "日期格式应为 YYYY-MM-DD"})
    end = forms.DateField(label="结束", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                          error_messages={"required": "请选择结束日期", "invalid": "日期格式应为 YYYY-MM-DD"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="b", **kwargs)
        self.style_widgets()


def _run(request, form, do, done) -> bool:
    if not form.is_valid():
        return False
    try:
        result = do(form.cleaned_data)
    except ServiceError as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, done(result) if callable(done) else done)
    return True


@requires("dropout_settings")
def dropout_settings(request):
    row = DropoutSetting.objects.order_by("pk").first() or DropoutSetting()
    which = request.GET.get("form", "") if request.method == "POST" else ""
    post = request.POST if request.method == "POST" else None
    limits = LimitsForm(post if which == "limits" else None, initial={f: getattr(row, f) for f in T.LIMITS})
    day_form = DayForm(post if which == "day" else None)
    break_form = BreakForm(post if which == "break" else None)
    u = request.user
    ok = False
    if which == "limits":
        ok = _run(request, limits, lambda d: T.dropout_limits_save(actor=u, values=d, request=request),
                  lambda changed: "已保存，进行中的个案按新时限计时。" if changed else "设置没有变化。")
    elif which == "day":
        ok = _run(request, day_form, lambda d: T.calendar_day_add(actor=u, request=request, **d), "已加入校历")
    elif which == "break":
        ok = _run(request, break_form, lambda d: T.break_add(actor=u, request=request, **d), "已加入假期")
    elif which in ("remove-day", "remove-break"):
        remove = T.calendar_day_remove if which == "remove-day" else T.break_remove
        try:
            remove(actor=u, pk=int(request.POST.get("pk", "")), request=request)
        except (ValueError, ServiceError):
            messages.error(request, "该行已不存在，请刷新")
        else:
            messages.success(request, "已删除")
        ok = True
    if ok:
        return redirect("schooling:dropout_settings")
    return render(request, "schooling/dropout_settings.html", {
        "limits": limits, "day_form": day_form, "break_form": break_form, "days": CalendarDay.objects.all(),
        "breaks": SchoolBreak.objects.all(), "recent": T.recent_changes()}, status=400 if which else 200)


urlpatterns = [
    path("dropout/settings/", dropout_settings, name="dropout_settings"),
]
