from django.conf import settings
from django.db import models

from shouhu.core.fields import EncryptedTextField

from ..common import choices_of as _choices


class CounsellingSession(models.Model):
    """心理辅导. Readable only by counsellors (roles with `counsellor`): never shown on the child's
    page, in the API for others, in search or in any export."""

    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="+")
    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="辅导员")
    date = models.DateField("辅导日期")
    topic = models.CharField("主题", max_length=64)
    notes = EncryptedTextField("辅导记录")  # encrypted at rest (core.crypto): the most confidential text we hold
    risk = models.CharField("风险评估", max_length=4, choices=_choices(("低", "中", "高")), default="低")
    next_date = models.DateField("下次辅导", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "心理辅导"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["child", "date"])]
