"""The activity form; an activity is held in a region of the actor's care roles."""
from django import forms
from django.db.models import Q

from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.core.forms import BootstrapMixin
from shouhu.regions.models import Region, code_range
from shouhu.regions.selectors import places_visible_to

from ..forms import DATE, not_future, region_label
from .models import Activity


def activity_regions(actor):
    """Regions an activity may be held in: the regions of the actor's care roles (a school's
    staff: the school's township)."""
    scope = scope_of(actor)
    q = NOTHING
    for a in scope.assignments_with("can_care"):
        if a.region_id:
            q |= Q(code__range=(a.region.code, code_range(a.region.code)[1]))
        school = a.school or (a.school_class.school if a.school_class_id else None)
        if school is not None:
            q |= Q(code=school.region_code)
    return Region.objects.filter(q, level__gte=3).select_related("parent").order_by("code")


class ActivityForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "kind", "date", "site", "place", "organiser", "region", "description"]
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = activity_regions(actor)
        self.fields["region"].label_from_instance = region_label
        self.fields["title"].error_messages["required"] = "请填写活动名称"
        self.fields["site"].queryset = places_visible_to(actor).filter(status="running").order_by("code", "name")
        self.fields["site"].help_text = "在登记的阵地开展的，请选择；其他地点填在下面"
        self.fields["place"].required = False
        self.style_widgets()

    def clean(self):
        d = super().clean()
        if not d.get("place"):
            if d.get("site"):
                d["place"] = self.instance.place = d["site"].name[:64]
            elif "place" not in self.errors:
                self.add_error("place", "请填写地点或选择活动场所")
        return d

    def clean_date(self):
        return not_future(self.cleaned_data.get("date"), "只能登记已经开展的活动（日期不能晚于今天）")
