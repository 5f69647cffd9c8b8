"""Data-quality findings (docs/domain.md, "Data quality") as issues that open, close when the data is fixed
(rechecked automatically) or are dismissed with a reason; and monthly counts per village for
the trend. The checks themselves are the pure `shouhu.rules.quality`."""
import uuid

from django.conf import settings
from django.db import models

from shouhu.core.fields import EncryptedCharField, JSONField


class Issue(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        FIXED = "fixed", "已修正"
        DISMISSED = "dismissed", "已说明"

    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="quality_issues")
    visit = models.ForeignKey("care.Visit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)  # code:field[:visit id] — one issue per child and key
    code = models.CharField(max_length=48)
    kind = models.CharField(max_length=16)
    level = models.CharField(max_length=8)
    field = models.CharField(max_length=48)
    message = models.CharField(max_length=255)
    related = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    village_code = models.CharField(max_length=12)
    school_id = models.BigIntegerField(null=True)
    school_class_id = models.BigIntegerField(null=True)
    first_seen = models.DateField()
    last_seen = models.DateField()  # the last check that changed it (unchanged issues are not rewritten)
    closed_on = models.DateField(null=True, blank=True)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    dismiss_reason = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "key"], name="issue_unique")]
        # (status, village_code, level, code, school_id): the overview's counts per unit, per check and
        # per school read it alone (index-only), without visiting 100,000s of issue rows
        indexes = [models.Index(fields=["status", "village_code", "level", "code", "school_id"], name="issue_open_counts"),
                   models.Index(fields=["status", "school_id", "school_class_id"]),
                   models.Index(fields=["status", "code"])]


class Snapshot(models.Model):
    """Open issues by level in one village at the last check of a month (the trend)."""

    month = models.DateField()  # first day of the month
    village_code = models.CharField(max_length=12)
    records = models.IntegerField(default=0)
    errors = models.IntegerField(default=0)
    warnings = models.IntegerField(default=0)
    infos = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "village_code"], name="snapshot_unique")]


class DuplicatePair(models.Model):
    """Two records the duplicate finder (`rules.dedupe`) scores as probably one child, and what a
    user decided: merged, or "not the same" (remembered: the finder never reports the pair again).
    `a` is the record with the smaller id."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        MERGED = "merged", "已合并"
        NOT_SAME = "not_same", "不是同一人"
        GONE = "gone", "已不再相似"  # the data changed and the finder no longer pairs them

    a = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    first_seen = models.DateField()
    last_seen = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField("说明", max_length=255, blank=True)
    seen_in = models.PositiveIntegerField(default=0)  # the DuplicateRun that last found the pair

    class Meta:
        constraints = [models.UniqueConstraint(fields=["a", "b"], name="duplicatepair_unique"),
                       models.CheckConstraint(condition=models.Q(a__lt=models.F("b")), name="duplicatepair_ordered")]
        indexes = [models.Index(fields=["status", "a"]), models.Index(fields=["status", "b"])]


class DuplicateRun(models.Model):
    """One county-wide run of the duplicate finder, split into parts by birth year
    (`rules.dedupe`, "parts") that the task queue runs on as many workers as it has. Each part
    keeps the pairs it finds (`seen_in` = this run); the part that finishes last closes the open
    pairs this run did not find and brings the issues in line."""

    started_at = models.DateTimeField(auto_now_add=True)
    today = models.DateField()
    parts = models.JSONField(default=list)
    parts_done = models.JSONField(default=list)
    finished_at = models.DateTimeField(null=True, blank=True)
class HukouCheck(models.Model):
    """One 户籍比对 (docs/domain.md, "The 户籍 cross-check"): the police's extract, kept encrypted
    on disk (`hukou.store_encrypted`) until compared — or after, if the county chooses to keep it —
    and what the comparison found. Disagreements are `Issue`s (hukou_mismatch) on the children."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在比对"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField("文件名", max_length=255)
    stored = models.CharField(max_length=255, blank=True)  # the encrypted copy's path under MEDIA_ROOT ("" once deleted)
    delete_after = models.BooleanField("比对后删除户籍数据", default=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    mismatch_count = models.PositiveIntegerField(default=0)
    outside_count = models.PositiveIntegerField(default=0)
    older_count = models.PositiveIntegerField(default=0)
    # registered (在册, 户口已登记) children the extract lacks: ids, not a key to Child (the list is
    # of this comparison; a merge or a deletion later simply drops a line)
    missing_ids = JSONField(default=list)

    class Meta:
        ordering = ["-created_at"]

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


# named for the API schema (settings ENUM_NAME_OVERRIDES): "status" is a choice set in many models
HUKOU_STATUSES = HukouCheck.Status.choices


class HukouCandidate(models.Model):
    """A child under 16 of the county's villages in the 户籍 extract with no record: a candidate for
    摸底排查. Name, number and address are the extract's, encrypted like the register's own."""

    check_run = models.ForeignKey(HukouCheck, on_delete=models.CASCADE, related_name="candidates")
    row_no = models.PositiveIntegerField()
    name = EncryptedCharField(max_length=32)
    id_number = EncryptedCharField(max_length=18, blank=True)
    sex = models.CharField(max_length=2, blank=True)
    birth_date = models.DateField(null=True)
    address = EncryptedCharField(max_length=128, blank=True)
    village_code = models.CharField(max_length=12)

    class Meta:
        ordering = ["check_run", "village_code", "row_no"]
        indexes = [models.Index(fields=["check_run", "village_code"], name="hukoucand_check_village")]
