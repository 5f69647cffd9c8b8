from django.conf import settings
from django.db import models

from ..common import choices_of as _choices


class Activity(models.Model):
    KINDS = _choices(("夏令营", "阅读", "法治教育", "安全教育", "心理健康", "亲子活动", "文体活动", "其他"))
    title = models.CharField("活动名称", max_length=64)
    kind = models.CharField("类型", max_length=8, choices=KINDS, default="其他")
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=64)
    # the registered place it was held at (阵地, docs/domain.md "Places"); the text above stays for
    # older records and for places not in the register
    site = models.ForeignKey("regions.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="activities",
                             verbose_name="活动场所")
    organiser = models.CharField("组织单位", max_length=64)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区域")
    description = models.TextField("活动内容", blank=True)
    participants = models.ManyToManyField("registry.Child", through="Participation", related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "关爱活动"
        ordering = ["-date", "-id"]


class Participation(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="participations")
    date = models.DateField()  # the activity's date, here so a child's activities in a period need no join

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "child"], name="participation_unique")]
        indexes = [models.Index(fields=["child", "date"])]
