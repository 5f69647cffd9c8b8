from pathlib import Path

from django import forms
from django.conf import settings


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
