from django.conf import settings
from django.db import models


class Wish(models.Model):
    """微心愿: a child's small wish → claimed by a donor → fulfilled."""

    class Status(models.TextChoices):
        OPEN = "open", "待认领"
        CLAIMED = "claimed", "已认领"
        FULFILLED = "fulfilled", "已实现"
        CANCELLED = "cancelled", "已取消"

    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="wishes")
    text = models.CharField("心愿", max_length=128)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    created_on = models.DateField("登记日期")
    donor_name = models.CharField("认领人", max_length=32, blank=True)
    donor_phone = models.CharField("认领人电话", max_length=20, blank=True)
    donor_unit = models.CharField("认领人单位", max_length=64, blank=True)
    claimed_on = models.DateField("认领日期", null=True, blank=True)
    fulfilled_on = models.DateField("实现日期", null=True, blank=True)
    fulfil_note = models.CharField("实现情况", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "微心愿"
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["child", "fulfilled_on"]), models.Index(fields=["status"])]
