"""The two lines that reach a child: regions (县—乡镇—村) and schools (学校—班级).

Region codes are the national 统计用区划代码 without padding (2/4/6/9/12 digits), so a
subtree is a code prefix. Children store their village's 12-digit code; a subtree query is
then a range on one indexed column (see `code_range`), which both SQLite and PostgreSQL
answer from a plain B-tree.
"""
from django.conf import settings
from django.db import models

from shouhu.core.versions import Versioned
from shouhu.rules import places as P


class Level(models.IntegerChoices):
    PROVINCE = 1, "省"
    CITY = 2, "市"
    COUNTY = 3, "县"
    TOWNSHIP = 4, "乡镇（街道）"
    VILLAGE = 5, "村（社区）"


CODE_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.VILLAGE: 12}


def code_range(code: str) -> tuple[str, str]:
    """Inclusive bounds of the 12-digit village codes under `code`."""
    return code.ljust(12, "0"), code.ljust(12, "9")


def in_region(code: str, region_code: str) -> bool:
    """The place `code` (a village, a township …) lies within the region `region_code`."""
    lo, hi = code_range(region_code)
    return lo <= code.ljust(12, "0") and code.ljust(12, "9") <= hi


class Region(models.Model):
    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    # What people write: 红星村 for 红星村民委员会 (used in forms and imports).
    short_name = models.CharField("简称", max_length=64, db_index=True)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def code_range(self) -> tuple[str, str]:
        return code_range(self.code)

    def ancestors(self) -> list["Region"]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return list(reversed(out))


class School(Versioned):
    name = models.CharField("学校名称", max_length=64)
    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="schools", verbose_name="所在乡镇")
    # Denormalised township code so that "schools under a region" is a range query.
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    stage = models.CharField("学段", max_length=16, choices=[("幼儿园", "幼儿园"), ("小学", "小学"), ("初中", "初中"), ("九年一贯制", "九年一贯制"), ("高中", "高中"), ("中职", "中职")], default="小学")
    boarding = models.BooleanField("寄宿制", default=False)
    active = models.BooleanField("在用", default=True)

    class Meta:
        ordering = ["region_code", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="school_unique_name_in_township")]
        verbose_name = verbose_name_plural = "学校"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.region_code = self.township.code
        super().save(*args, **kwargs)


GRADES = [
    (0, "学前"), (1, "一年级"), (2, "二年级"), (3, "三年级"), (4, "四年级"), (5, "五年级"), (6, "六年级"),
    (7, "七年级"), (8, "八年级"), (9, "九年级"), (10, "高一"), (11, "高二"), (12, "高三"),
]


class SchoolClass(Versioned):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classes", verbose_name="学校")
    grade = models.PositiveSmallIntegerField("年级", choices=GRADES)
    name = models.CharField("班级", max_length=32, help_text="如：2班")
    active = models.BooleanField("在用", default=True)

    class Meta:
        ordering = ["school_id", "grade", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "grade", "name"], name="class_unique_in_school")]
        verbose_name = verbose_name_plural = "班级"

    def __str__(self) -> str:
        return f"{self.get_grade_display()}{self.name}"

    @property
    def full_name(self) -> str:
        return f"{self.school.name} {self}"


class Place(Versioned):
    """A place for children (阵地, docs/domain.md "Places"): a 留守儿童之家 or 儿童之家 of a village, a
    township's 服务站, a school's 心理咨询室, a 家长学校 … Like a school it is a register of the county's
    facilities, here in the base layer because care's activities and the funds' spending point at it.
    `code` is the host region's code padded to 12 digits, so the places under a region are
    `code__range=code_range(region.code)`, the same range the children's village codes answer."""

    kind = models.CharField("类型", max_length=16, choices=P.KIND_CHOICES)
    name = models.CharField("名称", max_length=64)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="places", verbose_name="所在村（社区）或乡镇")
    code = models.CharField(max_length=12, db_index=True, editable=False)
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="places", verbose_name="所在学校")
    address = models.CharField("地址", max_length=128, blank=True)
    manager_name = models.CharField("管理员", max_length=32, blank=True)
    manager_phone = models.CharField("管理员电话", max_length=20, blank=True)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name="管理员账号")
    hours = models.CharField("开放时间", max_length=64, blank=True, help_text="如：周六、周日 14:00—17:00")
    status = models.CharField("状态", max_length=10, choices=P.STATE_CHOICES, default="draft")
    # the county's "六个一" items (places.PlaceSetting) → ticked
    checklist = models.JSONField("“六个一”", default=dict, blank=True)
    declared_on = models.DateField("申报日期", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    closed_on = models.DateField("停用日期", null=True, blank=True)
    note = models.CharField("说明", max_length=255, blank=True)  # the last step's reason (退回、停用)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "kind", "name"]
        indexes = [models.Index(fields=["code", "status"], name="place_code_status")]
        verbose_name = verbose_name_plural = "阵地"

    def __str__(self) -> str:
        return self.name

    @property
    def host(self) -> str:
        """"school", "township" or "village": what holds the place."""
        if self.school_id:
            return "school"
        return "township" if self.region.level == Level.TOWNSHIP else "village"

    def save(self, *args, **kwargs):
        self.code = self.region.code.ljust(12, "0")
        super().save(*args, **kwargs)
