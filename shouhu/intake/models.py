"""Imports and exports of the register sheet, as jobs a user can leave and come back to.

An import is checked first (status PREVIEW: nothing written), then written in one transaction
when the user confirms. Only rows that would change something are kept (new, changed,
rejected); unchanged rows are only counted, so re-importing a 100,000-row sheet stores nothing."""
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from shouhu.core.fields import EncryptedJSONField, JSONField


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        READING = "reading", "正在检查"
        PREVIEW = "preview", "待确认"
        CONFIRMED = "confirmed", "已确认，等待写入"
        WRITING = "writing", "正在写入"
        DONE = "done", "已导入"
        FAILED = "failed", "未能导入"
        CANCELLED = "cancelled", "已取消"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField("文件名", max_length=255)
    file = models.FileField(upload_to="imports/", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)
    headers = JSONField(default=list)  # every header cell of the sheet, in order (for the error sheet)
    header_row = models.PositiveIntegerField(default=1)
    unknown_columns = JSONField(default=list)
    mapped_columns = JSONField(default=list)  # [[header as written, how it was read], …] (sheet.readings)
    rows_total = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def accepted_count(self) -> int:
        return self.new_count + self.changed_count

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.READING, self.Status.CONFIRMED, self.Status.WRITING)


class ImportRow(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", "新增"
        CHANGED = "changed", "变更"
        REJECTED = "rejected", "有问题"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    row_no = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=64, blank=True)
    child = models.ForeignKey("registry.Child", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    child_updated_at = models.DateTimeField(null=True, blank=True)  # to refuse overwriting a change made after the preview
    # The row's values, its diff and the cells as typed hold ID numbers (the child's, the parents',
    # the carer's) and stay after the import: encrypted like the register's own (core.crypto).
    values = EncryptedJSONField(default=dict)  # Child field -> value (dates as ISO text)
    diff = EncryptedJSONField(default=list)  # [[column, old, new], …]
    problems = JSONField(default=list)  # [[column, message], …]
    cells = EncryptedJSONField(default=list)  # the row as the user typed it (rejected rows only)

    class Meta:
        ordering = ["batch", "row_no"]
        indexes = [models.Index(fields=["batch", "kind", "row_no"], name="importrow_batch_kind")]


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在生成"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    node = models.CharField(max_length=32)  # r:<region code> | s:<school id> | c:<class id>
    node_label = models.CharField(max_length=128)
    kind_label = models.CharField(max_length=8)  # 村簿 / 校册 / 乡镇档 / 县数据库
    fmt = models.CharField(max_length=4, default="xlsx")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def expires_at(self) -> datetime | None:
        """A finished export's file lives `SHOUHU["EXPORT_HOURS"]` (24) hours: long enough to take
        it, not long enough to become a copy of the register nobody remembers."""
        if self.status != self.Status.DONE or self.finished_at is None:
            return None
        return self.finished_at + timedelta(hours=settings.SHOUHU["EXPORT_HOURS"])

    @property
    def expired(self) -> bool:
        return self.status == self.Status.DONE and (not self.file or self.expires_at is None or self.expires_at <= timezone.now())
