"""Access log (docs/domain.md, "Privacy"): every view and export of a child's record, who and when."""
from django.conf import settings
from django.db import models


class AccessLog(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "查看档案"
        PRINT = "print", "打印登记表"
        EXPORT = "export", "导出"
        API_VIEW = "api_view", "接口查看"
        SEARCH = "search", "检索"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="用户")
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    child = models.ForeignKey("registry.Child", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="儿童")
    scope = models.CharField("范围", max_length=128, blank=True)
    detail = models.CharField("说明", max_length=255, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "访问日志"
