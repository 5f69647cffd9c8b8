from django import forms


class ReopenForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=255, required=False,
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": "退回原因（可选）", "aria-label": "退回原因"}))
