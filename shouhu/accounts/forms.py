from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from shouhu.core.forms import BootstrapMixin
from shouhu.regions.models import Region, School, SchoolClass

from .models import Assignment, User


class AssignmentForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["role", "region", "school", "school_class"]

    def __init__(self, *args, root_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(code__startswith=root_code, level__gte=3).select_related("parent")
        self.fields["region"].label_from_instance = lambda r: ("　" * (r.level - 3)) + r.display_name
        self.fields["school"].queryset = School.objects.filter(region_code__startswith=root_code)
        self.fields["school_class"].queryset = SchoolClass.objects.filter(school__region_code__startswith=root_code).select_related("school")
        self.fields["school_class"].label_from_instance = lambda c: c.full_name
        self.style_widgets()

    def clean(self):
        data = super().clean()
        probe = Assignment(role=data.get("role") or "", region=data.get("region"), school=data.get("school"), school_class=data.get("school_class"))
        try:
            probe.clean()
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                self.add_error(field, msgs)
        return data


class UserForm(BootstrapMixin, forms.ModelForm):
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, help_text="至少10位，不能全是数字或常见密码；用户首次登录时须修改")

    class Meta:
        model = User
        fields = ["username", "display_name", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.style_widgets()

    def clean_password(self):
        pw = self.cleaned_data["password"]
        validate_password(pw, User(username=self.cleaned_data.get("username", "")))
        return pw
