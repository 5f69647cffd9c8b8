"""督查 → 整改 → 问责 (docs/domain.md, "Supervision"): inspections, the field verification of a
seeded sample of children, findings and their 整改, accountability. A finding sits at a unit — a
village, a township (its region code) or a school — and the scope reaches it by that code."""
from django.conf import settings
from django.db import models

from shouhu.core.fields import EncryptedTextField
from shouhu.rules import supervision as S


class SupervisionSetting(models.Model):
    """The county's settings (one row): the 整改 time limit, the sample per village, how often each
    township is inspected."""

    rectify_days = models.PositiveSmallIntegerField("整改期限（天）", default=S.RECTIFY_DAYS)
    sample_size = models.PositiveSmallIntegerField("每村抽查儿童数", default=S.SAMPLE_DEFAULT)
    per_month = models.PositiveSmallIntegerField("每乡镇每月至少督查次数", default=1)
    # 考核: the county's weights and targets over `rules.evaluation.INDICATORS` ({key: {"weight", "target"}})
    indicators = models.JSONField("考核指标权重与目标", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "督查设置"

    @classmethod
    def current(cls) -> "SupervisionSetting":
        return cls.objects.order_by("pk").first() or cls()


class Inspection(models.Model):
    kind = models.CharField("督查方式", max_length=12, choices=list(S.KINDS.items()), default="routine")
    state = models.CharField(max_length=8, choices=list(S.INSPECTION_STATES.items()), default="planned")
    title = models.CharField("名称", max_length=64)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="督查范围")
    region_code = models.CharField(max_length=12)
    units = models.ManyToManyField("regions.Region", blank=True, related_name="+", verbose_name="督查村（社区）")
    schools = models.ManyToManyField("regions.School", blank=True, related_name="+", verbose_name="督查学校")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="督查组成员")
    team_note = models.CharField("其他成员", max_length=255, blank=True)
    planned_on = models.DateField("计划日期")
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = verbose_name_plural = "督查"

    def __str__(self) -> str:
        return self.title


class Sample(models.Model):
    """One random draw of children in a village for field verification: the seed is kept, so the
    same children come out of the same list again (docs/domain.md, "Supervision")."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="samples")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    seed = models.BigIntegerField()
    size = models.PositiveSmallIntegerField()
    pool = models.PositiveIntegerField()  # how many children the draw was made from
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField()

    class Meta:
        ordering = ["-drawn_at", "-id"]


class SampleItem(models.Model):
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="items")
    child = models.ForeignKey("registry.Child", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict, blank=True)  # rules.supervision.CHECKS key -> ANSWERS key
    note = EncryptedTextField("核查情况", blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["sample", "child"], name="one_item_per_child_per_sample")]


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings")
    source = models.CharField("来源", max_length=10, choices=list(S.SOURCES.items()), default="manual")
    unit = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="责任单位")
    unit_code = models.CharField(max_length=12)
    school = models.ForeignKey("regions.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="责任学校")
    child = models.ForeignKey("registry.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(SampleItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings")
    problem = models.CharField("问题", max_length=64)
    detail = EncryptedTextField("问题描述", blank=True)
    checks = models.JSONField(default=list, blank=True)  # the field checks answered "no" (a field finding)
    state = models.CharField(max_length=10, choices=list(S.STATES.items()), default="open")
    found_on = models.DateField("发现日期")
    due_on = models.DateField("整改期限")
    late_for = models.DateField(null=True, blank=True)  # the deadline whose passing was announced
    recheck_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rechecks")
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["unit_code", "state"], name="finding_unit_state"),
                   models.Index(fields=["due_on"], condition=models.Q(state__in=["open", "returned"]), name="finding_clock")]
        verbose_name = verbose_name_plural = "督查问题"

    def __str__(self) -> str:
        return self.problem


class FindingStep(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=10)
    state = models.CharField(max_length=10)  # after the action
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = EncryptedTextField("说明", blank=True)

    class Meta:
        ordering = ["at", "id"]


class FindingFile(models.Model):
    """Evidence: the inspector's photo of the problem, the unit's proof of 整改. Served through the
    finding's scope, never from /media/."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="files")
    step = models.ForeignKey(FindingStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="files")
    file = models.FileField(upload_to="findings/%Y/")
    content_type = models.CharField(max_length=32)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]


class Accountability(models.Model):
    """问责: who decided what measure for which unit (and person), and why, citing the findings."""

    unit = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    unit_code = models.CharField(max_length=12)
    school = models.ForeignKey("regions.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.CharField("责任人（姓名、职务）", max_length=64)
    measure = models.CharField("问责方式", max_length=8, choices=list(S.MEASURES.items()))
    reason = models.TextField("事由")
    findings = models.ManyToManyField(Finding, blank=True, related_name="accountabilities")
    decided_on = models.DateField("决定日期")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = verbose_name_plural = "问责"


class ScorePeriod(models.Model):
    """A 考核 period's scoreboard frozen after its end, like a township's 上报: what the county was
    scored on stays, whatever is edited later (docs/domain.md, "Supervision and evaluation")."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=8)  # rules.evaluation.period_key: "2026Q3" or "2026"
    figures = models.JSONField()
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    frozen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "period"], name="one_frozen_score_per_period")]
