"""阵地建设 (docs/domain.md, "Places"): the county's "六个一" items, a place's photos, and what happens at
a place — a day's opening or activity (children attending) and a 家长学校 session (guardians attending,
in the room or by phone or video). The place itself is `regions.Place` (a register other apps point at)."""
from django.conf import settings
from django.db import models

from shouhu.rules import places as P


class PlaceSetting(models.Model):
    """The county's settings (one row): the wording of the "六个一" checklist a place is declared against."""

    checklist = models.JSONField("“六个一”标准", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "阵地设置"

    @classmethod
    def current(cls) -> "PlaceSetting":
        return cls.objects.order_by("pk").first() or cls()

    @property
    def items(self) -> list[str]:
        return list(self.checklist) or list(P.DEFAULT_CHECKLIST)


class PlaceFile(models.Model):
    """A photo of the place (its sign, its room, an activity): served through the place's scope,
    never from /media/, and in the access log (a photo may show children)."""

    place = models.ForeignKey("regions.Place", on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="places/%Y/")
    content_type = models.CharField(max_length=32)
    caption = models.CharField("说明", max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]


class Session(models.Model):
    """One opening or activity of a place on a day (children sign in), or a 家长学校 lecture (家庭教育
    讲座, 001: topic and speaker; guardians sign in)."""

    place = models.ForeignKey("regions.Place", on_delete=models.PROTECT, related_name="sessions", verbose_name="场所")
    code = models.CharField(max_length=12, db_index=True)  # the place's, so a region's sessions are a range
    date = models.DateField("日期")
    parent_school = models.BooleanField("家长学校讲座", default=False)
    topic = models.CharField("主题", max_length=64, blank=True)
    speaker = models.CharField("主讲人", max_length=32, blank=True)
    note = models.CharField("说明", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "开放与讲座"

    def __str__(self) -> str:
        return self.topic or f"{self.date:%Y-%m-%d} 开放"


class Attendance(models.Model):
    """A child at a session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey("registry.Child", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()  # the session's: a child's attendance in a period needs no join
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "child"], name="one_attendance_per_child")]
        indexes = [models.Index(fields=["child", "date"], name="attendance_child_date")]


class GuardianAttendance(models.Model):
    """A guardian of a child at a 家长学校 session: the father, the mother (often by phone or video from
    where they work) or the entrusted carer, named as the child's record had them that day."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="guardians")
    child = models.ForeignKey("registry.Child", on_delete=models.PROTECT, related_name="+")
    who = models.CharField("监护人", max_length=8, choices=list(P.GUARDIANS.items()))
    name = models.CharField("姓名", max_length=32)
    mode = models.CharField("方式", max_length=8, choices=list(P.MODES.items()), default="present")
    date = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "child", "who"], name="one_guardian_line_per_session")]
        indexes = [models.Index(fields=["child", "who", "date"], name="guardian_child_who_date")]
