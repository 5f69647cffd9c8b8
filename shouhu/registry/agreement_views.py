"""The care agreement's pages (docs/domain.md, "The care agreement"): the agreement printed for
signing, filled from the record, and the upload of the signed paper with its date. Printing is for
whoever reads the child's record (ID numbers only as their role sees them: a blank line to fill in
by hand where it does not); uploading is for whoever edits it. Both are in the access log."""
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from shouhu.accounts.permissions import requires
from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core.errors import ServiceError
from shouhu.core.forms import BootstrapMixin, apply_errors

from . import agreements, selectors
from .models import Child

BLANK = "__________________"
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class AgreementForm(BootstrapMixin, forms.Form):
    agreement_date = forms.DateField(label="协议签订日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                     error_messages={"required": "请填写协议签订日期", "invalid": "请填写正确的日期"})
    agreement_file = forms.FileField(label="已签字的协议（PDF、JPG或PNG，不超过10MB）", widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                                     error_messages={"required": "请选择已签字的协议文件", "empty": "文件是空的，请重新选择"},
                                     help_text="用手机拍照或扫描全部页面；各方签字和村委会盖章须清晰可见")

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        self.style_widgets()

    def clean_agreement_date(self):
        problem = agreements.agreement_date_problem(self.child, self.cleaned_data["agreement_date"])
        if problem:
            raise forms.ValidationError(problem)
        return self.cleaned_data["agreement_date"]

    def clean_agreement_file(self):
        problem = agreements.agreement_file_problem(self.cleaned_data["agreement_file"])
        if problem:
            raise forms.ValidationError(problem)
        return self.cleaned_data["agreement_file"]


def _editable(request, uid) -> Child:
    """The child, if the user edits its record; else the 404 of a missing child."""
    child = selectors.child_for(request.user, uid)
    if not scope_of(request.user).can_edit(child):
        raise Http404
    return child


def _id_or_blank(scope, value: str) -> str:
    """A printed agreement carries whole ID numbers or none: a masked one is no use on a signed paper."""
    return value if value and scope.full_id else BLANK


@requires("reads_records")
def agreement_print(request, uid):
    child = selectors.child_for(request.user, uid)
    scope = scope_of(request.user)
    log_access(actor=request.user, action="print", child=child, detail="打印委托照护协议", request=request)
    return render(request, "registry/agreement_print.html", {
        "child": child, "blank": BLANK, "can_edit": scope.can_edit(child),
        "father_id": _id_or_blank(scope, child.father_id_number), "mother_id": _id_or_blank(scope, child.mother_id_number),
        "carer_id": _id_or_blank(scope, child.carer_id_number)})


@requires("edits_records")
def agreement_upload(request, uid):
    child = _editable(request, uid)
    form = AgreementForm(request.POST or None, request.FILES or None, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            agreements.agreement_record(actor=request.user, child=child, signed_on=form.cleaned_data["agreement_date"],
                                        file=form.cleaned_data["agreement_file"])
        except ServiceError as exc:
            apply_errors(form, exc)
        else:
            log_access(actor=request.user, action="view", child=child, detail="上传已签订的委托照护协议", request=request)
            messages.success(request, "已保存委托照护协议，档案和预警已更新。")
            return redirect("registry:detail", uid=child.uid)
    log_access(actor=request.user, action="view", child=child, detail="委托照护协议上传页", request=request)
    return render(request, "registry/agreement_upload.html", {"form": form, "child": child})
