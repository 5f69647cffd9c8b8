from django.conf import settings
from django.db import models

from shouhu.rules import care as R

from ..common import choices_of as _choices
from ..helpers.models import Helper


class Visit(models.Model):
    """A visit (走访/家访/入户随访): what was seen in five areas, needs, actions, follow-up."""

    MODES = _choices(R.VISIT_MODES)
    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="visits")
    date = models.DateField("走访日期")
    mode = models.CharField("方式", max_length=4, choices=MODES, default=R.HOME_VISIT)
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name="录入人")
    visitor_role = models.CharField("走访人身份", max_length=32)
    helper = models.ForeignKey(Helper, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits", verbose_name="帮扶人")
    visitor_name = models.CharField("走访人", max_length=32)
    life = models.TextField("生活情况", blank=True)
    study = models.TextField("学习情况", blank=True)
    mind = models.TextField("心理状况", blank=True)
    safety = models.TextField("安全情况", blank=True)
    carer = models.TextField("监护照料", blank=True)
    concerns = models.JSONField("发现的异常", default=list, blank=True)
    needs = models.TextField("需求", blank=True)
    actions = models.TextField("采取的措施", blank=True)
    follow_up = models.TextField("后续跟进", blank=True)
    follow_up_date = models.DateField("跟进日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Made by the page when the form is opened (docs/domain.md "Working without signal"): the same
    # form sent twice — a queue retrying after a lost answer, a double tap — is one record.
    client_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "走访记录"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["child", "date"]), models.Index(fields=["child", "visitor_role", "date"]),
                   models.Index(fields=["visitor", "created_at"])]
        # per user: one user's key never finds (or blocks) another user's record
        constraints = [models.UniqueConstraint(fields=["visitor", "client_key"], name="care_visit_client_key")]


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", upload_to="visits/%Y/")


class FamilyContact(models.Model):
    """亲情联系 between the child and the parents: calls, videos, letters, meetings."""

    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField("日期")
    kind = models.CharField("方式", max_length=4, choices=_choices(R.CONTACT_KINDS), default="电话")
    with_whom = models.CharField("联系对象", max_length=8, choices=_choices(R.CONTACT_WITH), default="父母双方")
    place = models.CharField("地点", max_length=32, blank=True, help_text="如：亲情联系室、家中、学校")
    minutes = models.PositiveSmallIntegerField("时长（分钟）", null=True, blank=True)
    note = models.CharField("情况", max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    client_key = models.UUIDField(null=True, blank=True, editable=False)  # as Visit.client_key

    class Meta:
        verbose_name = verbose_name_plural = "亲情联系"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["child", "date"])]
        constraints = [models.UniqueConstraint(fields=["recorded_by", "client_key"], name="care_contact_client_key")]
