"""Form pieces every care subpackage's forms use. Checks that need the database (scope, pairing on
the date) are the services'; their errors land beside the field with `core.forms.apply_errors`."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from shouhu.core.forms import BootstrapMixin
from shouhu.regions.models import Region
from shouhu.rules.phones import normalise_phone, phone_error

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 2})
FUTURE = "日期不能晚于今天"


def not_future(day, message: str = FUTURE):
    if day and day > timezone.localdate():
        raise ValidationError(message)
    return day


def normalised_phone(value: str) -> str:
    value = (value or "").strip()
    if msg := phone_error(value):
        raise ValidationError(msg)
    return normalise_phone(value) if value else ""


def region_label(r: Region) -> str:
    if r.level == 5 and r.parent_id:
        return f"{r.parent.display_name} · {r.display_name}"
    return r.display_name


class CareForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
