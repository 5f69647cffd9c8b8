"""A township's submitted month (上报): the frozen figures, who and when."""
from django.conf import settings
from django.db import models
from django.db.models import Q


class Submission(models.Model):
    """One open submission per (township, kind, month). 退回 (reopen) by the county admin keeps the row
    (stamped reopened_at) so that the township may submit again; the history of submissions stays.
    Two kinds share the machinery: the 月报 (month = the month's first day) and the national
    summary table, 统计表 of 民发〔2016〕42号 附件3 (month = its cut-off date)."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "月报"
        NATIONAL = "national", "摸底排查统计表"

    kind = models.CharField("报表", max_length=8, choices=Kind.choices, default=Kind.MONTHLY)
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="乡镇（街道）")
    month = models.DateField("月份")  # first day of the month; the 统计表's cut-off date
    figures = models.JSONField("上报数据")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="上报人")
    submitted_at = models.DateTimeField("上报时间")
    reopened_at = models.DateTimeField("退回时间", null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="退回人")
    reopen_reason = models.CharField("退回原因", max_length=255, blank=True)

    class Meta:
        ordering = ["-month", "township_id", "-submitted_at"]
        verbose_name = verbose_name_plural = "月报上报"
        constraints = [
            models.UniqueConstraint(fields=["township", "kind", "month"], condition=Q(reopened_at__isnull=True),
                                    name="report_one_open_submission"),
        ]
        indexes = [models.Index(fields=["month", "township"], name="report_month_township")]

    def __str__(self) -> str:
        return f"{self.township} {self.month:%Y-%m}"


class Reminder(models.Model):
    """催报: the county told a late township's supervisors to submit a month, at most once a day per
    township (the unique day), through the inbox; the access log holds who sent it."""

    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="乡镇（街道）")
    month = models.DateField("月份")
    day = models.DateField("催报日期")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="催报人")
    sent_at = models.DateTimeField("催报时间")
    recipients = models.PositiveSmallIntegerField("通知人数", default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = verbose_name_plural = "月报催报"
        constraints = [models.UniqueConstraint(fields=["township", "day"], name="report_one_reminder_a_day")]
