from django import forms

from shouhu.core.forms import BootstrapMixin
from shouhu.core.versions import VersionFormMixin

from .models import Region, School, SchoolClass


class SchoolForm(VersionFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = School
        fields = ["name", "township", "stage", "boarding", "active"]

    def __init__(self, *args, root_code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Region.objects.filter(level=4, code__startswith=root_code)
        self.add_version_field()
        self.style_widgets()


class SchoolClassForm(VersionFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = SchoolClass
        fields = ["grade", "name", "active"]

    def __init__(self, *args, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.add_version_field()
        self.style_widgets()

    def clean(self):
        data = super().clean()
        if self.school and data.get("grade") is not None and data.get("name"):
            dup = SchoolClass.objects.filter(school=self.school, grade=data["grade"], name=data["name"]).exclude(pk=self.instance.pk)
            if dup.exists():
                self.add_error("name", "本校该年级已有同名班级")
        return data
