from django.conf import settings
from django.db import models


class Campaign(models.Model):
    """关爱保护月: a period in which every child should receive the six measures."""

    name = models.CharField("名称", max_length=64)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="范围")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "关爱保护月"
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return self.name


class CampaignMark(models.Model):
    """One child's six measures in one campaign (maintained; see module doc)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="marks")
    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="+")
    village_code = models.CharField(max_length=12)
    school_id = models.BigIntegerField(null=True)
    school_class_id = models.BigIntegerField(null=True)
    ledger = models.BooleanField(default=False)
    pairing = models.BooleanField(default=False)
    contact = models.BooleanField(default=False)
    visit = models.BooleanField(default=False)
    activity = models.BooleanField(default=False)
    wish = models.BooleanField(default=False)
    done = models.PositiveSmallIntegerField(default=0)  # how many of the six

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "child"], name="campaignmark_unique")]
        indexes = [models.Index(fields=["campaign", "village_code"]), models.Index(fields=["campaign", "school_id", "school_class_id"])]


class CampaignCell(models.Model):
    """A campaign's counts for one village (maintained with the marks), so the county's progress
    page adds up a few hundred rows instead of grouping every child's mark."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="cells")
    village_code = models.CharField(max_length=12)
    total = models.IntegerField(default=0)
    all_six = models.IntegerField(default=0)
    ledger = models.IntegerField(default=0)
    pairing = models.IntegerField(default=0)
    contact = models.IntegerField(default=0)
    visit = models.IntegerField(default=0)
    activity = models.IntegerField(default=0)
    wish = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "village_code"], name="campaigncell_unique")]
