"""Helpers and pairing (结对帮扶). Only what the registry's scope needs today: a helper who is a
user sees the children paired with them. Visits, contact and the rest come with care work."""
from django.conf import settings
from django.db import models


class Helper(models.Model):
    KINDS = [(k, k) for k in ("干部", "教师", "志愿者", "五老", "党员", "代理家长/爱心妈妈", "其他")]
    name = models.CharField("姓名", max_length=32)
    kind = models.CharField("类型", max_length=16, choices=KINDS, default="志愿者")
    phone = models.CharField("电话", max_length=20, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="helper")
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "帮扶人"

    def __str__(self) -> str:
        return self.name


class Pairing(models.Model):
    MODES = [(m, m) for m in ("一对一", "一对多", "多对一", "家庭结对")]
    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="pairings")
    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="pairings")
    mode = models.CharField("结对方式", max_length=8, choices=MODES, default="一对一")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "结对帮扶"
        indexes = [models.Index(fields=["helper", "end"])]
