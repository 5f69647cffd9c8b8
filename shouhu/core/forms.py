"""Form helpers every app's forms use: Bootstrap classes, errors beside their field, the outcome
of a POST button as a message."""
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError

from shouhu.rules.idcard import normalise_number
from shouhu.rules.phones import normalise_phone

from .errors import NotFound, ServiceError


class IdNumberField(forms.CharField):
    """A 公民身份号码 as typed, taken as the import takes it (`idcard.normalise_number`: full-width
    digits and 'ｘ' folded, spaces dropped) before the length is checked. The numeric keyboard
    opens on a phone; the template offers an "X" key beside it for the check character."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="numeric", autocomplete="off", autocapitalize="characters",
                                 spellcheck="false", maxlength="24", **{"data-id-number": ""})

    def to_python(self, value):
        return normalise_number(super().to_python(value))


class PhoneField(forms.CharField):
    """A phone number, stored as `phones.normalise_phone` writes it (no spaces, no +86, ASCII);
    the phone keypad opens on a phone."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="tel", type="tel", autocomplete="off", maxlength="32")
        self.widget.input_type = "tel"

    def to_python(self, value):
        v = super().to_python(value)
        return normalise_phone(v) if v else v


class BootstrapMixin:
    """Bootstrap classes on every widget, and `is-invalid` on fields with errors, so the error
    shows beside the field it concerns."""

    def style_widgets(self) -> None:
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxSelectMultiple):
                continue
            if isinstance(w, forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(w, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(w, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            w.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                w = self.fields[name].widget
                if "is-invalid" not in w.attrs.get("class", ""):
                    w.attrs["class"] = (w.attrs.get("class", "") + " is-invalid").strip()


def apply_errors(form: forms.Form, exc: Exception, default: str | None = None) -> None:
    """Put a service's error beside the form field it names; what names no field of the form goes
    to `default` (or the top). A `ServiceError` carries one field; Django's ValidationError (from
    a model's full_clean) a dict of field → messages. `form.service_names` maps a service's
    argument to the form's field where the two differ."""
    names = getattr(form, "service_names", {})
    if isinstance(exc, ServiceError):
        field = names.get(exc.field, exc.field)
        form.add_error(field if field in form.fields else default, exc.message)
    elif isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, msgs in exc.message_dict.items():
            field = names.get(field, field)
            form.add_error(field if field in form.fields else default, msgs)
    elif isinstance(exc, ValidationError):
        form.add_error(default, exc.messages)
    else:
        form.add_error(default, str(exc) or "您无权进行该操作")


def run_and_tell(request, do, done: str) -> bool:
    """Run a service call behind a POST button and say how it went on the page the user goes back
    to: `done` on success, the service's message on a `ServiceError`. A `NotFound` stays a 404."""
    try:
        do()
    except NotFound:
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True


def run_into_form(request, form: forms.Form, do, done: str, default: str | None = None):
    """Run a service call behind a valid form: what it wrote (services return it), with `done` said
    on the next page; or None, with the service's error beside the field it names (`apply_errors`).
    A `NotFound` stays a 404."""
    try:
        result = do()
    except NotFound:
        raise
    except ServiceError as exc:
        apply_errors(form, exc, default)
        return None
    messages.success(request, done)
    return result
