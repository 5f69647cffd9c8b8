"""The county's visit rules form."""
from django import forms

from shouhu.accounts.roles import ROLES
from shouhu.core.forms import BootstrapMixin
from shouhu.rules import care as R

ROLE_ORDER = ("township_supervisor", "village_director", "head_teacher", "school_staff", "helper")


class RulesForm(BootstrapMixin, forms.Form):
    """One number field per (role, group): the visit interval in days (blank = no visit due)."""

    contact_days = forms.IntegerField(label="亲情联系最长间隔（天）", min_value=1, max_value=90,
                                      help_text="未成年人保护法第23条：父母应每周至少与儿童联系一次")
    soon_days = forms.IntegerField(label="提前提醒天数", min_value=0, max_value=60)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        current = {(r.role, r.group): r.interval_days for r in rules}
        self.grid = []
        for role in ROLE_ORDER:
            cells = []
            groups = ["paired"] if role == "helper" else [g for g in R.GROUPS if g != "paired"]
            for g in groups:
                name = f"r__{role}__{g}"
                self.fields[name] = forms.IntegerField(label=f"{ROLES[role].label}·{R.GROUPS[g]}", required=False, min_value=1, max_value=730,
                                                       initial=current.get((role, g)))
                cells.append((R.GROUPS[g], name))
            self.grid.append((ROLES[role].label, cells))
        self.style_widgets()

    def rows(self) -> list[tuple[str, str, int]]:
        out = []
        for name, value in self.cleaned_data.items():
            if name.startswith("r__") and value:
                _, role, group = name.split("__")
                out.append((role, group, value))
        return out
