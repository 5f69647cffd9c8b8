"""The child form: every field of the record, errors beside the field. Field checks are the pure
`shouhu.rules.record.check_record`, shared with import and API."""
from django import forms
from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils import timezone

from shouhu.core.forms import BootstrapMixin, IdNumberField, PhoneField
from shouhu.core.versions import VersionFormMixin
from shouhu.regions.models import Region, School, SchoolClass
from shouhu.rules import choices as C
from shouhu.rules.choices import PROVINCES
from shouhu.rules.idcard import IdNumberError, parse_id
from shouhu.rules.record import ID_FIELDS, PHONE_FIELDS, check_record, normalise_numbers

from .models import Child, CountySetting

GP_RELATIONS = ("祖父", "祖母", "外祖父", "外祖母")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Sections in the order a director asks the questions; the id_number comes before sex and birth
# date, which it fills. `OPTIONAL` sections start folded unless they hold a value or an error
# (what a left-behind child needs is in the open ones), and `static/js/child-form.js` shows a
# field only when the answers above make it a question (docs/domain.md, "The record").
SECTIONS = [
    ("基本信息", ["name", "id_number", "sex", "birth_date", "hukou_registered", "ethnicity", "hukou_place",
              "village", "address_detail", "archive_no", "photo"]),
    ("身体状况", ["health", "disability", "illness", "serious_illness"]),
    ("就学情况", ["schooling", "school", "school_class", "boarding"]),
    ("父亲", ["father_name", "father_birth_date", "father_id_number", "father_situation", "father_work_province",
            "father_work_city", "father_since", "father_phone"]),
    ("母亲", ["mother_name", "mother_birth_date", "mother_id_number", "mother_situation", "mother_work_province",
            "mother_work_city", "mother_since", "mother_phone"]),
    ("祖辈", [f"gp_{i}_{f}" for i in range(4) for f in ("name", "birth_date", "deceased")]),
    ("委托照护人", ["carer_name", "carer_relation", "carer_id_number", "carer_phone", "carer_address", "carer_health",
               "carer_barred", "agreement_date", "agreement_file"]),
    ("监护与家庭", ["guardianship", "living_alone", "abused_or_abandoned", "poor_household", "income_sources", "benefits"]),
    ("紧急联系人", [f"ec_{i}_{f}" for i in range(2) for f in ("name", "relation", "phone")]),
    ("填报", ["reporter", "reported_on", "effective_date", "change_reason"]),
]
OPTIONAL = {"身体状况", "祖辈", "监护与家庭", "紧急联系人", "填报"}
BLANK = "（不填）"


class ChildForm(VersionFormMixin, BootstrapMixin, forms.ModelForm):
    income_sources = forms.MultipleChoiceField(label="家庭经济来源", required=False, widget=forms.CheckboxSelectMultiple,
                                               choices=[(v, v) for v in C.INCOME_SOURCES])
    benefits = forms.MultipleChoiceField(label="已享受救助", required=False, widget=forms.CheckboxSelectMultiple,
                                         choices=[(v, v) for v in C.BENEFITS])
    hukou_registered = forms.TypedChoiceField(label="是否登记户口", choices=[(True, "是"), (False, "否")],
                                              coerce=lambda v: v in (True, "True", "true", "1"), initial=True)
    father_work_province = forms.ChoiceField(label="父亲务工省份", required=False, choices=[("", "—")] + [(p, p) for p in PROVINCES])
    mother_work_province = forms.ChoiceField(label="母亲务工省份", required=False, choices=[("", "—")] + [(p, p) for p in PROVINCES])
    effective_date = forms.DateField(label="变更生效日期", required=False, widget=DATE, help_text="默认今天；补录历史变化时填写实际日期")
    change_reason = forms.CharField(label="变更说明", required=False, max_length=100)

    class Meta:
        model = Child
        exclude = ["grandparents", "emergency_contacts", "created_by", "status", "entered_on", "exited_on", "exit_reason",
                   *C.ALL_CATEGORY_FIELDS.values(), "left_behind_kind", "difficulty_kinds", "category_reasons"]
        widgets = {f: DATE for f in ("birth_date", "father_birth_date", "mother_birth_date", "father_since", "mother_since",
                                     "agreement_date", "reported_on")}

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        # Both are read from a valid ID number when left empty (`clean`), as the import does:
        # requiring them made the first save fail on a field the number already answers.
        self.fields["sex"] = forms.ChoiceField(label="性别", required=False, widget=forms.RadioSelect,
                                               choices=[(v, v) for v in C.SEX], help_text="填写身份证号码后自动填写")
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = "填写身份证号码后自动填写"
        self.fields["carer_relation"].choices = [("", BLANK)] + [(v, v) for v in C.CARER_RELATION]
        self._rule_help()
        villages = Region.objects.filter(level=5).select_related("parent")
        schools = School.objects.filter(active=True)
        classes = SchoolClass.objects.filter(active=True).select_related("school")
        if scope is not None:
            from django.db.models import Q

            q = Q(pk__in=[])
            for r in scope.edit_regions():
                q |= Q(code__startswith=r.code)
            villages = villages.filter(q)
        for f in ID_FIELDS:
            if f in self.fields:
                old = self.fields[f]
                self.fields[f] = IdNumberField(label=old.label, required=old.required, help_text=old.help_text)
        for f in PHONE_FIELDS:
            if f in self.fields:
                old = self.fields[f]
                self.fields[f] = PhoneField(label=old.label, required=old.required, help_text=old.help_text)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda v: f"{v.parent.short_name if v.parent else ''} · {v.short_name}"
        if len(self.fields["village"].queryset) == 1:
            self.fields["village"].empty_label = None  # a village director's one village: nothing to choose
        # The schools of the child's township first: a village's children go to its township's schools.
        township = self._township_code()
        if township:
            schools = schools.annotate(elsewhere=Case(When(township__code=township, then=Value(0)), default=Value(1))) \
                .order_by("elsewhere", "name")
            self.fields["school"].label_from_instance = lambda s: s.name if not getattr(s, "elsewhere", 0) else f"{s.name}（外乡镇）"
        self.fields["school"].queryset = schools
        self.fields["school"].empty_label = BLANK
        self.fields["school_class"].empty_label = BLANK
        self.fields["school_class"].queryset = classes
        self.fields["school_class"].label_from_instance = lambda c: c.full_name
        for i, rel in enumerate(GP_RELATIONS):
            self.fields[f"gp_{i}_name"] = forms.CharField(label=f"{rel}姓名", required=False, max_length=32)
            self.fields[f"gp_{i}_birth_date"] = forms.DateField(label=f"{rel}出生日期", required=False, widget=DATE)
            self.fields[f"gp_{i}_deceased"] = forms.BooleanField(label=f"{rel}已故", required=False)
        for i in range(2):
            self.fields[f"ec_{i}_name"] = forms.CharField(label=f"紧急联系人{i + 1}", required=False, max_length=32)
            self.fields[f"ec_{i}_relation"] = forms.CharField(label="关系", required=False, max_length=16)
            self.fields[f"ec_{i}_phone"] = PhoneField(label="电话", required=False)
        if self.instance.pk:
            gps = {g.get("relation"): g for g in self.instance.grandparents or []}
            for i, rel in enumerate(GP_RELATIONS):
                g = gps.get(rel) or {}
                self.initial[f"gp_{i}_name"] = g.get("name", "")
                self.initial[f"gp_{i}_birth_date"] = g.get("birth_date")
                self.initial[f"gp_{i}_deceased"] = g.get("deceased", False)
            for i, c in enumerate((self.instance.emergency_contacts or [])[:2]):
                for f in ("name", "relation", "phone"):
                    self.initial[f"ec_{i}_{f}"] = c.get(f, "")
        self.add_version_field()
        self.style_widgets()
        self.fields["school"].widget.attrs.update({"hx-get": reverse("registry:class_options"), "hx-target": "#id_school_class", "hx-trigger": "change"})

    def _rule_help(self) -> None:
        """A line under each field a rule applies to, in plain words (the rule's basis in docs/domain.md)."""
        months = CountySetting.current().left_behind_min_months
        helps = {
            "id_number": "18位，最后一位可能是X。填好后会自动填出性别和出生日期",
            "father_since": f"外出务工连续满{months}个月才算留守（县里的设置，由县级管理员在“管理 → 设置”中规定）",
            "mother_since": f"外出务工连续满{months}个月才算留守（县里的设置，由县级管理员在“管理 → 设置”中规定）",
            "father_situation": "选“外出务工”后，再填务工地和外出时间",
            "mother_situation": "选“外出务工”后，再填务工地和外出时间",
            "carer_name": "父母都不在家时填写：实际照看孩子的人（国发〔2016〕13号：委托有监护能力的亲属或其他成年人照护）",
            "agreement_date": "父母委托他人照护的，要签订委托照护协议；档案页可打印协议，签字后拍照上传",
            "agreement_file": "签字后的委托照护协议，拍照或扫描上传",
        }
        for name, text in helps.items():
            if name in self.fields and not self.fields[name].help_text:
                self.fields[name].help_text = text

    def _township_code(self) -> str:
        """The 9-digit township code of the child's village: the record's, the one posted or given,
        or the director's only village."""
        village = self.data.get("village") if self.is_bound else self.initial.get("village")
        if not village and self.instance.pk:
            return (self.instance.village_code or "")[:9]
        if not village and len(self.fields["village"].queryset) == 1:
            return self.fields["village"].queryset[0].code[:9]
        try:
            code = Region.objects.filter(pk=int(getattr(village, "pk", village))).values_list("code", flat=True).first()
        except (TypeError, ValueError):
            return ""
        return (code or "")[:9]

    def sections(self):
        for title, names in SECTIONS:
            fields = [self[n] for n in names if n in self.fields]
            folded = title in OPTIONAL and not any(f.errors for f in fields) and not (
                self.instance.pk and title in ("祖辈", "紧急联系人", "监护与家庭", "填报"))
            yield title, fields, folded

    def clean(self):
        data = super().clean()
        self._fill_from_id(data)
        data["grandparents"] = [
            {"relation": rel, "name": data.get(f"gp_{i}_name") or "",
             "birth_date": data[f"gp_{i}_birth_date"].isoformat() if data.get(f"gp_{i}_birth_date") else None,
             "deceased": bool(data.get(f"gp_{i}_deceased"))}
            for i, rel in enumerate(GP_RELATIONS) if data.get(f"gp_{i}_name") or data.get(f"gp_{i}_deceased")
        ]
        data["emergency_contacts"] = [
            {f: data.get(f"ec_{i}_{f}") or "" for f in ("name", "relation", "phone")}
            for i in range(2) if data.get(f"ec_{i}_name") or data.get(f"ec_{i}_phone")
        ]
        normalise_numbers(data)  # before the checks and the save: the stored number is the checked one
        record = dict(data)
        record["school"] = data.get("school")
        record["school_class"] = data.get("school_class")
        for field, msg in check_record(record, today=timezone.localdate()).items():
            target = field if field in self.fields else ("ec_0_phone" if field == "emergency_contacts" else None)
            if target and target not in self.errors:
                self.add_error(target, msg)
        sc, school = data.get("school_class"), data.get("school")
        if sc and school and sc.school_id != school.id:
            self.add_error("school_class", "该班级不属于所选学校")
        return data

    def _fill_from_id(self, data: dict) -> None:
        """性别 and 出生日期 left empty are taken from a valid ID number, as the import takes them;
        with no usable number both must be given (a record needs them)."""
        try:
            info = parse_id(data.get("id_number") or "", today=timezone.localdate())
        except IdNumberError:
            info = None
        for f, label in (("sex", "性别"), ("birth_date", "出生日期")):
            if data.get(f) or f in self.errors:
                continue
            if info is not None:
                data[f] = info.sex if f == "sex" else info.birth_date
            elif not data.get("id_number"):
                self.add_error(f, f"请填写{label}（或填写身份证号码，由号码自动填写）")

    def save(self, commit=False):
        child = super().save(commit=False)
        child.grandparents = self.cleaned_data["grandparents"]
        child.emergency_contacts = self.cleaned_data["emergency_contacts"]
        return child
