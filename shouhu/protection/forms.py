"""Forms of the protection pages. The checks that need the database or the clock are the
services'; their errors land beside the field (`core.forms.apply_errors`)."""
from django import forms
from django.utils import timezone

from shouhu.core.forms import BootstrapMixin
from shouhu.regions.models import Region
from shouhu.rules import guardianship as G
from shouhu.rules.cases import PLACEMENTS as CASE_PLACEMENTS
from shouhu.rules.cases import RISK_LEVELS as CASE_RISKS
from shouhu.rules.cases import SERVICES as CASE_SERVICES
from shouhu.rules.reports import SITUATIONS

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VillageChoice(forms.ModelChoiceField):
    def label_from_instance(self, r: Region) -> str:
        return f"{r.parent.short_name} · {r.short_name}" if r.parent_id else r.short_name


class ReportForm(BootstrapMixin, forms.Form):
    situation = forms.ChoiceField(label="属于哪种情形", choices=[(s.code, s.label) for s in SITUATIONS], widget=forms.RadioSelect,
                                  required=False)
    discovered_at = forms.DateTimeField(label="发现时间", widget=WHEN, required=False, input_formats=["%Y-%m-%dT%H:%M"])
    seen = forms.CharField(label="发现的情况", widget=forms.Textarea(attrs={"rows": 3, "placeholder": "看到、听到了什么；孩子现在在哪里、是否安全"}),
                           required=False)
    child_name = forms.CharField(label="儿童姓名", max_length=32, required=False)
    child_desc = forms.CharField(label="儿童情况", max_length=128, required=False, help_text="不知道姓名时写明性别、大约年龄、特征")
    village = VillageChoice(label="发现地点（村、社区）", queryset=Region.objects.none(), required=False, empty_label="请选择")
    place_detail = forms.CharField(label="具体地点", max_length=128, required=False)
    service_names = {}

    def __init__(self, *args, root: str = "", child=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = (Region.objects.filter(level=5, code__startswith=root).select_related("parent")
                                           .order_by("code"))
        self.fields["discovered_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if child is not None:  # from the child's page: the child is known, and where they live
            del self.fields["child_name"], self.fields["child_desc"]
            self.fields["village"].initial = child.village_id
        self.style_widgets()
        self.fields["situation"].widget.attrs["class"] = "form-check-input"


class CallForm(ReportForm):
    """A report received by phone: who called."""
    reporter_name = forms.CharField(label="报告人姓名", max_length=32, required=False)
    reporter_unit = forms.CharField(label="报告人单位", max_length=64, required=False)
    reporter_phone = forms.CharField(label="报告人电话", max_length=20, required=False)

    field_order = ["reporter_name", "reporter_unit", "reporter_phone"]


class ReceiveForm(BootstrapMixin, forms.Form):
    police_notified_at = forms.DateTimeField(label="向公安机关报案时间", widget=WHEN, required=False, input_formats=["%Y-%m-%dT%H:%M"])
    police_unit = forms.CharField(label="接报公安机关", max_length=64, required=False)
    police_receipt_no = forms.CharField(label="受案回执号", max_length=64, required=False)
    civil_affairs_told = forms.CharField(label="已通报（民政、教育等）", max_length=128, required=False, help_text="如：县民政局张科长 12-05 电话告知")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class FeedbackForm(BootstrapMixin, forms.Form):
    feedback = forms.CharField(label="反馈给报告人", max_length=255, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegionChoice(forms.ModelChoiceField):
    def label_from_instance(self, r: Region) -> str:
        return r.display_name if hasattr(r, "display_name") else r.name


class MeetingForm(BootstrapMixin, forms.Form):
    held_on = forms.DateField(label="会议日期", widget=DATE, required=False)
    title = forms.CharField(label="会议名称", max_length=64, required=False)
    region = RegionChoice(label="召开层级", queryset=Region.objects.none(), required=False, empty_label=None)
    units = forms.CharField(label="成员单位", max_length=255, required=False, help_text="如：民政局、教育局、公安局、卫健局、妇联、团县委")
    attendees = forms.CharField(label="参会人员", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label="会议纪要", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(pk__in=[r.pk for r in regions])
        self.fields["held_on"].initial = timezone.localdate()
        self.style_widgets()


class ItemForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label="事项", max_length=255, required=False)
    unit = forms.CharField(label="责任单位", max_length=64, required=False)
    owner = forms.CharField(label="责任人", max_length=32, required=False)
    due = forms.DateField(label="完成时限", widget=DATE, required=False)
    region = RegionChoice(label="涉及乡镇（可选）", queryset=Region.objects.none(), required=False, empty_label="（全县或本乡镇）")
    case = forms.IntegerField(label="涉及个案编号（可选）", required=False, min_value=1, help_text="个案页面标题中的编号，如 12")

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None:
            self.fields["region"].queryset = Region.objects.filter(parent__code=meeting.region_code).order_by("code")
        self.style_widgets()


class DoneForm(BootstrapMixin, forms.Form):
    evidence = forms.CharField(label="办结情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


# -- protection cases --------------------------------------------------------------------------------
class CaseActForm(BootstrapMixin, forms.Form):
    """One step of a case: the fields the step needs are shown (`fields` by action); the checks are the service's."""
    placement = forms.ChoiceField(label="安置方式", choices=[("", "请选择")] + [(p, p) for p in CASE_PLACEMENTS], required=False)
    risk = forms.ChoiceField(label="风险等级", choices=[(r, r) for r in CASE_RISKS], widget=forms.RadioSelect, required=False)
    assessment = forms.CharField(label="评估情况", required=False, widget=forms.Textarea(attrs={
        "rows": 4, "placeholder": "安全处境：…\n监护情况：…\n身心健康：…"}))
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    FIELDS = {"place": ("placement", "note"), "assess": ("risk", "assessment", "note")}
    NOTE_LABELS = {"respond": "儿童现在的情况（在哪里、与谁在一起）", "review": "复核情况", "request_close": "结案理由",
                   "return_plan": "退回原因", "return_close": "退回原因", "revisit": "回访情况", "place": "安置说明",
                   "approve_plan": "审批意见（可选）", "approve_close": "审批意见（可选）",
                   "submit_plan": "提交说明（可选）", "assess": "补充说明（可选）"}

    def __init__(self, *args, act: str, **kwargs):
        super().__init__(*args, prefix=act, **kwargs)
        keep = self.FIELDS.get(act, ("note",))
        for name in [n for n in self.fields if n not in keep]:
            del self.fields[name]
        if "note" in self.fields:
            self.fields["note"].label = self.NOTE_LABELS.get(act, "说明")
        self.style_widgets()
        if "risk" in self.fields:
            self.fields["risk"].widget.attrs["class"] = "form-check-input"


class PlanItemForm(BootstrapMixin, forms.Form):
    service = forms.ChoiceField(label="服务", choices=[("", "请选择")] + [(s, s) for s in CASE_SERVICES], required=False)
    unit = forms.CharField(label="责任单位", max_length=64, required=False, help_text="如：镇卫生院、县妇联、镇派出所")
    owner = forms.CharField(label="责任人", max_length=32, required=False)
    due = forms.DateField(label="完成时限", widget=DATE, required=False)
    prefix = "plan"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class GlassForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="查阅理由", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="如：县联席会议研判该儿童安置方案，需了解个案进展。理由将告知经办人并记入审计日志。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
class InterventionForm(BootstrapMixin, forms.Form):
    """The next rung for one guardian: only the rungs the ladder allows now are offered, and the
    ruling's outcome only when the ruling is what comes next (rules.guardianship.allowed_next)."""
    rung = forms.ChoiceField(label="干预措施", choices=(), widget=forms.RadioSelect, required=False)
    at = forms.DateTimeField(label="时间", widget=WHEN, required=False, input_formats=["%Y-%m-%dT%H:%M"])
    unit = forms.CharField(label="实施单位", max_length=64, required=False)
    doc_no = forms.CharField(label="文书号（可选）", max_length=64, required=False)
    outcome = forms.ChoiceField(label="判决结果", choices=list(G.RULING_OUTCOMES.items()), widget=forms.RadioSelect, required=False)
    note = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2, "placeholder": "监护人的行为、处理经过"}))
    document = forms.FileField(label="文书扫描件（可选，PDF/JPG/PNG）", required=False)

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rung"].choices = [(r, G.RUNG_BY_CODE[r].label) for r in allowed]
        if len(allowed) == 1:
            self.fields["rung"].initial = allowed[0]
        if G.RULING not in allowed:
            del self.fields["outcome"]
        first = G.RUNG_BY_CODE[allowed[0]] if allowed else None
        if first is not None:
            self.fields["unit"].widget.attrs["placeholder"] = first.unit_hint
            self.fields["doc_no"].help_text = first.doc_label
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.style_widgets()
        for name in ("rung", "outcome"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-check-input"
        self.fields["document"].widget.attrs["accept"] = "application/pdf,image/jpeg,image/png"


class ReturnForm(BootstrapMixin, forms.Form):
    """劝返监护人."""
    guardian = forms.ChoiceField(label="劝返对象", choices=[("", "请选择")] + [(g, G.GUARDIANS[g]) for g in G.PARENTS], required=False)
    at = forms.DateTimeField(label="劝返时间", widget=WHEN, required=False, input_formats=["%Y-%m-%dT%H:%M"])
    outcome = forms.ChoiceField(label="结果", choices=list(G.RETURN_OUTCOMES.items()), widget=forms.RadioSelect, required=False)
    returned_on = forms.DateField(label="返乡日期（已返乡的填写）", widget=DATE, required=False)
    note = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.style_widgets()
        self.fields["outcome"].widget.attrs["class"] = "form-check-input"
