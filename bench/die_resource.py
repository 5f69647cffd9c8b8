"""The same register sheet through django-import-export (the usual Django choice), configured
the usual way: a ModelResource with widgets for the Chinese columns, rows saved one by one
(history through simple-history's signals), model validation on, and our category derivation in
`before_save_instance` so both importers leave equally correct records. Used by bench_import.py
only; not part of the product."""
from django.utils import timezone
from import_export import fields, resources, widgets

from shouhu.regions.models import Region, School, SchoolClass
from shouhu.registry.models import Child
from shouhu.registry.services import _prepare, _settings, apply_derivation
from shouhu.rules.choices import PROVINCES

BOOL = {"是": True, "否": False, "": False}


class VillageWidget(widgets.Widget):
    def __init__(self):
        self.cache = {(r.parent.short_name, r.short_name): r for r in Region.objects.filter(level=5).select_related("parent")}

    def clean(self, value, row=None, **kwargs):
        v = self.cache.get((row.get("乡镇（街道）"), value))
        if v is None:
            raise ValueError(f"未知的村：{value}")
        return v

    def render(self, value, obj=None, **kwargs):
        return value.short_name if value else ""


class SchoolWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(School, "name")

    def get_queryset(self, value, row, *args, **kwargs):
        return School.objects.filter(township__short_name=row.get("乡镇（街道）"))


class ClassWidget(widgets.Widget):
    GRADES = {"一年级": 1, "二年级": 2, "三年级": 3, "四年级": 4, "五年级": 5, "六年级": 6, "七年级": 7, "八年级": 8, "九年级": 9}

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        return SchoolClass.objects.get(school__name=row["学校"], school__township__short_name=row["乡镇（街道）"],
                                       grade=self.GRADES[row["年级"]], name=value)

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class ListWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return [x for x in (value or "").split("、") if x]

    def render(self, value, obj=None, **kwargs):
        return "、".join(value or [])


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return BOOL[value or ""]

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


def f(attr, header, widget=None):
    return fields.Field(attribute=attr, column_name=header, widget=widget or widgets.CharWidget())


DATE = widgets.DateWidget("%Y-%m-%d")


class ChildResource(resources.ModelResource):
    archive_no = f("archive_no", "档案编号")
    name = f("name", "姓名")
    sex = f("sex", "性别")
    ethnicity = f("ethnicity", "民族")
    birth_date = f("birth_date", "出生日期", DATE)
    id_number = f("id_number", "公民身份号码")
    hukou_registered = f("hukou_registered", "是否登记户口", YesNoWidget())
    hukou_place = f("hukou_place", "户籍所在地")
    village = fields.Field(attribute="village", column_name="村（社区）")
    address_detail = f("address_detail", "详细地址")
    health = f("health", "身体状况")
    disability = f("disability", "残疾类别及等级")
    illness = f("illness", "患病类型")
    schooling = f("schooling", "就学情况")
    school = fields.Field(attribute="school", column_name="学校")
    school_class = fields.Field(attribute="school_class", column_name="班级", widget=ClassWidget())
    boarding = f("boarding", "是否寄宿", YesNoWidget())
    father_name = f("father_name", "父亲姓名")
    father_id_number = f("father_id_number", "父亲身份号码")
    father_situation = f("father_situation", "父亲状况")
    father_work_province = f("father_work_province", "_父亲省")
    father_work_city = f("father_work_city", "_父亲市")
    father_since = f("father_since", "父亲外出时间", DATE)
    father_phone = f("father_phone", "父亲联系电话")
    mother_name = f("mother_name", "母亲姓名")
    mother_id_number = f("mother_id_number", "母亲身份号码")
    mother_situation = f("mother_situation", "母亲状况")
    mother_work_province = f("mother_work_province", "_母亲省")
    mother_work_city = f("mother_work_city", "_母亲市")
    mother_since = f("mother_since", "母亲外出时间", DATE)
    mother_phone = f("mother_phone", "母亲联系电话")
    carer_name = f("carer_name", "委托照护人姓名")
    carer_id_number = f("carer_id_number", "委托照护人身份号码")
    carer_relation = f("carer_relation", "与儿童关系")
    carer_phone = f("carer_phone", "委托照护人电话")
    carer_address = f("carer_address", "委托照护人住址")
    agreement_date = f("agreement_date", "委托照护协议签订日期", DATE)
    guardianship = f("guardianship", "监护情况")
    income_sources = f("income_sources", "家庭经济来源", ListWidget())
    benefits = f("benefits", "已享受救助", ListWidget())
    reporter = f("reporter", "填报人")
    reported_on = f("reported_on", "填报日期", DATE)

    class Meta:
        model = Child
        import_id_fields = ("id_number",)
        fields = ("archive_no", "name", "sex", "ethnicity", "birth_date", "id_number", "hukou_registered", "hukou_place", "village",
                  "address_detail", "health", "disability", "illness", "schooling", "school", "school_class", "boarding",
                  *(f"{p}_{x}" for p in ("father", "mother") for x in ("name", "id_number", "situation", "work_province", "work_city",
                                                                        "since", "phone")),
                  "carer_name", "carer_id_number", "carer_relation", "carer_phone", "carer_address", "agreement_date", "guardianship",
                  "income_sources", "benefits", "reporter", "reported_on")
        skip_unchanged = True
        clean_model_instances = True
        skip_diff = True  # the cheapest setting it offers: no per-row diff kept

    def __init__(self, *a, actor=None, **kw):
        super().__init__(*a, **kw)
        self.fields["village"].widget = VillageWidget()
        self.fields["school"].widget = SchoolWidget()
        self.actor = actor
        self.settings = _settings()

    def get_instance(self, instance_loader, row):
        # the ID number is stored encrypted: an existing child is found through its blind index, as
        # Shouhu's own import finds it (a plain lookup on the column is refused)
        return Child.objects.with_id_number(str(row.get("公民身份号码") or "").strip()).first()

    def before_import_row(self, row, **kwargs):
        for p in ("父亲", "母亲"):
            place = (row.get(f"{p}务工地点") or "").strip()
            prov = next((x for x in sorted(PROVINCES, key=len, reverse=True) if place.startswith(x)), "")
            row[f"_{p}省"], row[f"_{p}市"] = prov, place[len(prov):].strip()
        for k, v in list(row.items()):
            if v is None:
                row[k] = ""

    def before_save_instance(self, instance, row, **kwargs):
        _prepare(instance)
        instance.created_by = self.actor
        instance._event = apply_derivation(instance, as_of=timezone.localdate(), settings=self.settings, new=instance.pk is None)

    def after_save_instance(self, instance, row, **kwargs):
        if getattr(instance, "_event", None) is not None:
            instance._event.child = instance
            instance._event.save()
