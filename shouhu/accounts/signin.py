"""The signed-in user's own security pages: change password, enrol and verify a TOTP device;
and the county admin's page that unlocks a username locked after too many failed sign-ins."""
import segno
from axes.models import AccessAttempt
from axes.utils import reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from shouhu.core.forms import BootstrapMixin

from .permissions import requires
from .security import has_device, needs_second_factor, password_change


class PasswordChangeForm(BootstrapMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = "至少10位，不能全是数字，不能是常见密码或与用户名相近"
        self.style_widgets()


class CodeForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label="动态验证码", max_length=8, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


@requires("signed_in")
def password_change_view(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_change(user=request.user, password=form.cleaned_data["new_password1"], request=request)
        messages.success(request, "密码已修改；接口令牌已失效，请重新获取")
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": request.user.must_change_password})


@requires("signed_in")
def otp_enrol(request):
    """Scan the QR code with an authenticator app (微信/支付宝 小程序 or any TOTP app), then confirm one code."""
    if has_device(request.user):
        return redirect("otp_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
        user=request.user, name="手机", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "动态验证码已绑定")
            return redirect("home")
        form.add_error("code", "验证码不正确，请核对手机上的6位数字后重试")
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(request, "accounts/otp_enrol.html", {"form": form, "qr": qr, "secret": device.bin_key.hex(), "config_url": device.config_url})


@requires("signed_in")
def otp_verify(request):
    if not has_device(request.user):
        return redirect("otp_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect("home")
        form.add_error("code", "验证码不正确或已过期，请输入手机上当前显示的6位数字")
    return render(request, "accounts/otp_verify.html", {"form": form, "required": needs_second_factor(request.user)})


def _locked():
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since).order_by("-attempt_time")


@requires("manages_county")
def lockouts(request):
    return render(request, "accounts/lockouts.html", {"attempts": _locked()})


@requires("manages_county")
@require_POST
def unlock(request):
    username = request.POST.get("username", "").strip()
    if username and reset(username=username):
        messages.success(request, f"已解锁 {username}")
    else:
        messages.error(request, f"{username or '该用户'} 没有被锁定")
    return redirect("accounts:lockouts")
