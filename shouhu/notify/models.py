"""In-app notifications (the inbox; docs/domain.md, "Early warning"): one row per user and event.
The text may name a child — the inbox is inside the system, behind sign-in and scope — but the
link is a path to the object (no personal data), and what leaves the system through a channel
(SMS, 政务微信) carries no name (`channels`)."""
from django.conf import settings
from django.db import models


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32)  # what it is about: alert, escalation, report, digest …
    title = models.CharField("标题", max_length=120)
    url = models.CharField(max_length=200, blank=True)  # a path inside the system
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="notify_user"),
                   models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notify_unread")]
