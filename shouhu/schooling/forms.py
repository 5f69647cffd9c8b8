from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone

from shouhu.core.forms import BootstrapMixin
from shouhu.rules import dropout as D


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="学籍名册文件", help_text="Excel 文件（.xlsx），表头见模板；新名册整体替换本校旧名册")

    def clean_file(self):
        f = self.cleaned_data["file"]
        max_bytes = settings.SHOUHU["IMPORT_MAX_BYTES"]
        if f.size > max_bytes:
            raise forms.ValidationError(f"文件大小 {f.size / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.0f} MB")
        if Path(f.name).suffix.lower() not in (".xlsx", ".xlsm", ".xls"):
            raise forms.ValidationError("请上传Excel文件（.xlsx）")
        return f


class ListFilterForm(forms.Form):
    """Filters of the two 人籍一致 lists (all optional; bad values are ignored)."""

    q = forms.CharField(label="姓名", required=False, max_length=32, widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "姓名"}))
    school_class = forms.TypedChoiceField(label="班级", required=False, coerce=int, empty_value=None, widget=forms.Select(attrs={"class": "form-select"}))
    status = forms.ChoiceField(label="就学状态", required=False, widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, classes=(), statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].choices = [("", "全部班级"), *[(c.pk, str(c)) for c in classes]]
        self.fields["status"].choices = [("", "全部状态"), *[(s, s) for s in statuses]]


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DropoutActForm(BootstrapMixin, forms.Form):
    """One step of a 控辍保学 case: the fields the step needs (`FIELDS`), the checks the service's."""
    on = forms.DateField(label="日期", widget=DATE, required=False)
    mode = forms.ChoiceField(label="方式", choices=[(m, m) for m in D.ATTEMPT_MODES], widget=forms.RadioSelect, required=False)
    legal_step = forms.ChoiceField(label="督促措施", choices=[("", "请选择"), *D.LEGAL_STEPS.items()], required=False)
    legal_due = forms.DateField(label="限期改正截止日期", widget=DATE, required=False)
    placement = forms.ChoiceField(label="复学安置", choices=[("", "请选择"), *[(p, p) for p in D.PLACEMENTS]], required=False)
    outcome = forms.ChoiceField(label="结果", choices=[("", "请选择"), *D.OUTCOMES.items()], required=False)
    note = forms.CharField(label="情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    FIELDS = {"attempt": ("on", "mode", "note"), "report": ("on", "note"), "start": ("on", "note"), "legal": ("on", "legal_step", "legal_due", "note"),
              "return": ("on", "placement", "note"), "follow": ("on", "note"), "resolve": ("on", "outcome", "note"), "relapse": ("on", "note"),
              "close": ("note",)}
    NOTE_LABELS = {"attempt": "劝返经过和结果（谁去的、见到谁、家长和学生怎么说）", "report": "报告内容摘要", "start": "启动情况",
                   "legal": "督促情况", "return": "复学情况", "follow": "回访情况（是否在校、表现）", "resolve": "依据（如接收学校、证明材料）",
                   "relapse": "再次辍学的情况", "close": "结案说明（可选）"}

    def __init__(self, *args, act: str, **kwargs):
        super().__init__(*args, prefix=act, **kwargs)
        for name in [n for n in self.fields if n not in self.FIELDS.get(act, ("note",))]:
            del self.fields[name]
        if "note" in self.fields:
            self.fields["note"].label = self.NOTE_LABELS.get(act, "情况")
        if act == "start":  # the 七长 named at the start
            for code, label in D.SEVEN_HEADS.items():
                self.fields[f"head_{code}"] = forms.CharField(label=label, max_length=48, required=False,
                                                              widget=forms.TextInput(attrs={"placeholder": "姓名 职务 电话"}))
        if "on" in self.fields:
            self.fields["on"].initial = timezone.localdate()
        self.style_widgets()
        if "mode" in self.fields:
            self.fields["mode"].widget.attrs["class"] = "form-check-input"

    def service_args(self) -> dict:
        d = {k: v for k, v in self.cleaned_data.items() if not k.startswith("head_") and v not in (None, "")}
        heads = {k.removeprefix("head_"): v for k, v in self.cleaned_data.items() if k.startswith("head_") and v}
        return {**d, **({"heads": heads} if heads else {})}
