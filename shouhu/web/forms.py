from django import forms


class BootstrapMixin:
    """Bootstrap classes on every widget, and `is-invalid` on fields with errors, so the error
    shows beside the field it concerns."""

    def style_widgets(self) -> None:
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxSelectMultiple):
                continue
            if isinstance(w, forms.CheckboxInput):
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
