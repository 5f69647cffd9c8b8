"""一人一档: one record per child, shared by the village register, school roster, township
archive and county database (docs/domain.md, "The record").

Parents and carer are columns of the child rather than rows of their own: the register sheet,
the form and the history all treat them as part of the one record, and one history table makes
"what did this record look like in March" a single query.
Derived categories are stored (so lists filter and count on indexed columns) but are only ever
written by `services.apply_derivation` from the pure rules in `shouhu.rules.categories`.
"""
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from shouhu.core.crypto import blind
from shouhu.core.fields import BlindIndexField, EncryptedCharField, JSONField
from shouhu.core.versions import Versioned
from shouhu.rules import choices as C
from shouhu.rules.categories import age_on


def _choices(values):
    return [(v, v) for v in values]


PARENT_FIELDS = ("name", "birth_date", "id_number", "situation", "work_province", "work_city", "since", "phone")


class HistoryMeta(models.Model):
    """Extra columns on every historical row: the date the change takes effect (动态管理)."""

    effective_date = models.DateField("生效日期", null=True, blank=True)

    class Meta:
        abstract = True


class ChildQuerySet(models.QuerySet):
    def with_id_number(self, number: str | None) -> "ChildQuerySet":
        """Children whose ID number is `number` (through the blind index; none for no number)."""
        return self.filter(id_number_index=blind(number)) if blind(number) else self.none()

    def with_id_numbers(self, numbers) -> "ChildQuerySet":
        return self.filter(id_number_index__in={b for n in numbers if (b := blind(n))})


# What a child record holds that no other record may hold too (a merge moves them off the duplicate).
UNIQUE_FIELDS = ("archive_no", "id_number")


class Child(Versioned):
    # `version` (core.versions): raised by every write of a person's facts — form, API, import,
    # merge — so a form opened before one of them cannot silently put the old values back.
    class Status(models.TextChoices):
        ACTIVE = "active", "在册"
        EXITED = "exited", "已退出"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    archive_no = models.CharField("档案编号", max_length=32, null=True, blank=True, unique=True)

    # identity
    name = models.CharField("姓名", max_length=32)
    sex = models.CharField("性别", max_length=2, choices=_choices(C.SEX))
    ethnicity = models.CharField("民族", max_length=16, default="汉族")
    birth_date = models.DateField("出生日期")
    # ID numbers are stored encrypted (core.crypto); exact search, matching and uniqueness go
    # through the keyed blind index beside it, the last-four search through a second one.
    id_number = EncryptedCharField("公民身份号码", max_length=18, null=True, blank=True)
    id_number_index = BlindIndexField(source="id_number", unique=True)
    id_tail_index = BlindIndexField(source="id_number", tail=4, db_index=True)
    hukou_registered = models.BooleanField("是否登记户口", default=True)
    hukou_place = models.CharField("户籍所在地", max_length=128, blank=True)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="村（社区）")
    village_code = models.CharField(max_length=12, editable=False)
    township_code = models.CharField(max_length=9, editable=False, db_index=True)
    address_detail = models.CharField("详细地址", max_length=128, blank=True)
    photo = models.FileField("照片", upload_to="photos/%Y/", blank=True, help_text="可选；只在档案页向有权限的人员显示")

    # health
    health = models.CharField("身体状况", max_length=4, choices=_choices(C.HEALTH), default="健康")
    disability = models.CharField("残疾类别及等级", max_length=32, blank=True, help_text="如：肢体二级")
    illness = models.CharField("患病类型", max_length=64, blank=True)
    serious_illness = models.BooleanField("是否重病", default=False)

    # schooling
    schooling = models.CharField("就学情况", max_length=4, choices=_choices(C.SCHOOLING), default="小学")
    school = models.ForeignKey("regions.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="学校")
    school_class = models.ForeignKey("regions.SchoolClass", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="班级")
    boarding = models.BooleanField("是否寄宿", default=False)

    # parents
    father_name = models.CharField("父亲姓名", max_length=32, blank=True)
    father_birth_date = models.DateField("父亲出生日期", null=True, blank=True)
    father_id_number = EncryptedCharField("父亲身份号码", max_length=18, blank=True)
    father_situation = models.CharField("父亲状况", max_length=16, choices=_choices(C.PARENT_SITUATION), default="在家")
    father_work_province = models.CharField("父亲务工省份", max_length=16, blank=True)
    father_work_city = models.CharField("父亲务工城市", max_length=32, blank=True)
    father_since = models.DateField("父亲外出（状况起始）时间", null=True, blank=True)
    father_phone = models.CharField("父亲联系电话", max_length=20, blank=True)
    mother_name = models.CharField("母亲姓名", max_length=32, blank=True)
    mother_birth_date = models.DateField("母亲出生日期", null=True, blank=True)
    mother_id_number = EncryptedCharField("母亲身份号码", max_length=18, blank=True)
    mother_situation = models.CharField("母亲状况", max_length=16, choices=_choices(C.PARENT_SITUATION), default="在家")
    mother_work_province = models.CharField("母亲务工省份", max_length=16, blank=True)
    mother_work_city = models.CharField("母亲务工城市", max_length=32, blank=True)
    mother_since = models.DateField("母亲外出（状况起始）时间", null=True, blank=True)
    mother_phone = models.CharField("母亲联系电话", max_length=20, blank=True)

    # [{"relation": "祖父", "name": "…", "birth_date": "1950-01-01" | null, "deceased": false}]
    grandparents = JSONField("祖辈", default=list, blank=True)

    # entrusted carer (委托照护人) and the care agreement
    carer_name = models.CharField("委托照护人姓名", max_length=32, blank=True)
    carer_id_number = EncryptedCharField("委托照护人身份号码", max_length=18, blank=True)
    carer_phone = models.CharField("委托照护人电话", max_length=20, blank=True)
    carer_relation = models.CharField("与儿童关系", max_length=8, choices=_choices(C.CARER_RELATION), blank=True)
    carer_address = models.CharField("委托照护人住址", max_length=128, blank=True)
    carer_health = models.CharField("照护人健康状况", max_length=32, blank=True)
    carer_barred = models.BooleanField(
        "照护人有未保法第22条所列情形", default=False,
        help_text="有性侵害、虐待、遗弃、暴力伤害等违法犯罪记录，吸毒、酗酒、赌博等恶习，或曾拒不履行、长期怠于履行监护照护职责",
    )
    agreement_date = models.DateField("委托照护协议签订日期", null=True, blank=True)
    agreement_file = models.FileField("委托照护协议", upload_to="agreements/%Y/", blank=True)

    guardianship = models.CharField("监护情况", max_length=16, choices=_choices(C.GUARDIANSHIP), default="监护情况较好")
    living_alone = models.BooleanField("独居", default=False)
    abused_or_abandoned = models.BooleanField("遭受虐待或遗弃", default=False)
    income_sources = JSONField("家庭经济来源", default=list, blank=True)
    benefits = JSONField("已享受救助", default=list, blank=True)
    poor_household = models.BooleanField("低保户或特困户", default=False)
    # [{"name": "…", "relation": "…", "phone": "…"}]
    emergency_contacts = JSONField("紧急联系人", default=list, blank=True)

    reporter = models.CharField("填报人", max_length=32, blank=True)
    reported_on = models.DateField("填报日期", null=True, blank=True)

    # derived — written only by services.apply_derivation
    is_left_behind = models.BooleanField("农村留守儿童", default=False)
    left_behind_kind = models.CharField(max_length=8, blank=True)
    is_orphan = models.BooleanField("孤儿", default=False)
    is_de_facto = models.BooleanField("事实无人抚养儿童", default=False)
    is_difficulty = models.BooleanField("困境儿童", default=False)
    difficulty_kinds = JSONField(default=list, blank=True)
    flag_parents_imprisoned = models.BooleanField("父母服刑", default=False)
    flag_unguarded = models.BooleanField("无人监护", default=False)
    flag_poor_guardianship = models.BooleanField("监护差", default=False)
    category_reasons = JSONField(default=dict, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.ACTIVE)
    entered_on = models.DateField("纳入日期", null=True, blank=True)
    exited_on = models.DateField("退出日期", null=True, blank=True)
    exit_reason = models.CharField("退出原因", max_length=128, blank=True)
    # A duplicate merged into another record stays (with its history) as an exited record
    # pointing at the one kept; the derivation never brings it back (services.apply_derivation).
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="已并入")

    # search keys (pinyin of the name, surname read as a surname)
    name_pinyin = models.CharField(max_length=64, editable=False, db_index=True)
    name_initials = models.CharField(max_length=16, editable=False, db_index=True)
    # homophone key (zh→z, ing→in, n→l …): 陆晶兰 and 陆金兰 share it
    name_fuzzy = models.CharField(max_length=96, editable=False, db_index=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The sitting the record was entered in (a form: who and which day; a sheet: that import). Two
    # names entered together are twins, not one child twice (docs/domain.md, 重复登记).
    entered_in = models.CharField(max_length=40, blank=True, default="", editable=False)

    history = HistoricalRecords(bases=[HistoryMeta], excluded_fields=["updated_at", "entered_in", "name_pinyin", "name_initials", "name_fuzzy",
                                                                  "id_number_index", "id_tail_index"])

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "儿童档案"
        indexes = [
            # subtree range + the list's default ordering in one index
            models.Index(fields=["village_code", "name_pinyin", "id"], name="child_village_order"),
            # the list's count: status + subtree range, answerable from the index alone
            models.Index(fields=["status", "village_code"], name="child_status_village"),
            # age filters and the duplicate check at registration (same, swapped or ID birth date)
            models.Index(fields=["birth_date"], name="child_birth_date"),
        ]

    def __str__(self) -> str:
        return self.name

    def validate_unique(self, exclude=None):
        # The uniqueness of the ID number is the index column's (not a form field): checked here
        # so the form shows it on the field instead of the database refusing the save.
        super().validate_unique(exclude=exclude)
        if self.id_number and "id_number" not in (exclude or ()):
            if Child.objects.with_id_number(self.id_number).exclude(pk=self.pk).exists():
                raise ValidationError({"id_number": "已有儿童档案使用此公民身份号码"})

    def parent(self, which: str) -> dict:
        return {f: getattr(self, f"{which}_{f}") for f in PARENT_FIELDS}

    @property
    def age_years(self) -> int:
        return age_on(self.birth_date, timezone.localdate())


class CategoryEvent(models.Model):
    """Entry into the register, exit (退出) and re-entry, with the reason and date."""

    class Kind(models.TextChoices):
        ENTER = "enter", "纳入"
        EXIT = "exit", "退出"
        REENTER = "reenter", "重新纳入"
        CHANGE = "change", "类别变化"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    date = models.DateField("日期")
    categories = JSONField(default=list)
    reason = models.CharField(max_length=255)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]


class CountySetting(models.Model):
    """County-wide settings (a single row). Thresholds the rules take as input."""

    left_behind_min_months = models.PositiveSmallIntegerField(
        "留守认定的连续外出月数", default=6, help_text="国发〔2016〕13号默认6个月，部分县按3个月"
    )

    @classmethod
    def current(cls) -> "CountySetting":
        obj = cls.objects.first()
        return obj or cls(left_behind_min_months=settings.SHOUHU["LEFT_BEHIND_MIN_MONTHS"])


# the columns of the maintained counts (StatCell has one field per code)
COUNTED = (("total", "在册儿童"), *((c.code, c.label) for c in C.CATEGORY_TABLE), ("exited", "已退出"))


class StatCell(models.Model):
    """Counts of one village (admin line) or one class (education line; class 0 = no class).

    Home pages sum these instead of scanning children, so their cost does not grow with the
    county. `registry.stats.refresh` rewrites the cells a write touched, after commit."""

    kind = models.CharField(max_length=8)  # "village" | "class"
    key = models.CharField(max_length=16)  # village code | class id
    region_code = models.CharField(max_length=12, db_index=True)  # village code | school's township code
    school_id = models.BigIntegerField(null=True, db_index=True)
    total = models.IntegerField(default=0)
    left_behind = models.IntegerField(default=0)
    orphan = models.IntegerField(default=0)
    de_facto = models.IntegerField(default=0)
    difficulty = models.IntegerField(default=0)
    parents_imprisoned = models.IntegerField(default=0)
    unguarded = models.IntegerField(default=0)
    poor_guardianship = models.IntegerField(default=0)
    exited = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="statcell_unique")]


class ChildMerge(models.Model):
    """One merge of a duplicate into the record kept, with what it changed, so that it can be
    undone (decision 66): the kept record's values it replaced, the duplicate's unique values it
    released, the rows it moved (by id) and the activity places it dropped. ID numbers in
    `kept_before` / `other_before` are encrypted like the record's own (`core.crypto`)."""

    keep = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField("合并时间", default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="合并人")
    reason = models.CharField("说明", max_length=200, blank=True)
    kept_before = models.JSONField(default=dict)  # field attname -> the kept record's value before
    kept_after = models.JSONField(default=dict)  # field attname -> the value the merge gave it
    other_before = models.JSONField(default=dict)  # unique fields the duplicate gave up
    moved = models.JSONField(default=dict)  # "app.Model" -> [row ids moved to the kept record]
    dropped = models.JSONField(default=list)  # [[activity id, date]]: the duplicate's places in activities the kept child had too
    repointed = models.JSONField(default=list)  # ids of earlier duplicates of `other` now leading to `keep`
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name="撤销人")

    class Meta:
        indexes = [models.Index(fields=["other", "undone_at"])]
