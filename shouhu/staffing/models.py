"""队伍建设 (docs/domain.md, "People"): the people who hold the county's child-welfare posts — a
儿童主任 per village, a 儿童督导员 per township, 心理辅导教师 at each school, 社工 of contracted
organisations — their tenures (任职), trainings, and the posts left vacant.

A record sits at a place code (a village, a township, the county; a school's township): the scope
reaches it by that code, like supervision's findings. Volunteers are helpers (care app), not here."""
from django.conf import settings
from django.db import models

from shouhu.core.versions import Versioned
from shouhu.rules import staffing as R


class SocialWorkOrg(Versioned):
    """A social-work organisation the county contracts (政府购买服务): its 社工 are on the roster."""

    name = models.CharField("机构名称", max_length=64, unique=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="服务区域")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    contact = models.CharField("联系人", max_length=32, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    contract_start = models.DateField("服务期自", null=True, blank=True)
    contract_end = models.DateField("服务期至", null=True, blank=True)
    note = models.CharField("说明", max_length=255, blank=True)
    active = models.BooleanField("合作中", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "社工机构"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.region_code = self.region.code
        super().save(*args, **kwargs)


class Person(Versioned):
    """Someone on the roster. No ID number is kept: the roster needs an age band, not an identity
    check (decisions: the birth year is enough)."""

    name = models.CharField("姓名", max_length=32)
    sex = models.CharField("性别", max_length=2, choices=list(R.SEXES.items()), blank=True)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    other_posts = models.CharField("兼任职务", max_length=64, blank=True, help_text="如：村妇联主席、村会计")
    education = models.CharField("学历", max_length=16, blank=True)
    org = models.ForeignKey(SocialWorkOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="people", verbose_name="所属社工机构")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="登录账号")
    # where the person serves (the place of the latest appointment): the scope reads this code
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所在区划")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region_code", "name", "id"]
        verbose_name = verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.region_code = self.region.code
        super().save(*args, **kwargs)


class AppointmentQuerySet(models.QuerySet):
    def on(self, day):
        """Tenures holding their post on `day` ([start_on, end_on))."""
        return self.filter(start_on__lte=day).filter(models.Q(end_on__isnull=True) | models.Q(end_on__gt=day))


class Appointment(models.Model):
    """One tenure (任职) of a person in a post: [start_on, end_on). The post is the kind at a region
    (village, township, county) or a school. A person linked to a login gets the post's role on the
    place for the tenure (`assignment`), removed when it ends."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="appointments")
    kind = models.CharField("岗位", max_length=24, choices=R.KIND_CHOICES)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所在区划")
    school = models.ForeignKey("regions.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="学校")
    org = models.ForeignKey(SocialWorkOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="社工机构")
    place_code = models.CharField(max_length=12, editable=False)  # the region's code, or the school's township
    start_on = models.DateField("任职日期")
    end_on = models.DateField("离任日期", null=True, blank=True)
    end_reason = models.CharField("离任原因", max_length=12, choices=R.END_REASON_CHOICES, blank=True)
    end_note = models.CharField("离任说明", max_length=255, blank=True)
    assignment = models.ForeignKey("accounts.Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["place_code", "kind", "-start_on", "id"]
        indexes = [models.Index(fields=["place_code", "kind"], name="appointment_place_kind"),
                   models.Index(fields=["kind", "end_on"], name="appointment_kind_end")]
        verbose_name = verbose_name_plural = "任职"

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.place_label}"

    @property
    def place_label(self) -> str:
        if self.school_id:
            return self.school.name
        return self.region.display_name if self.region_id else ""

    @property
    def place_key(self) -> str:
        return R.school_place(self.school_id) if self.school_id else (self.region.code if self.region_id else "")

    def tenure(self) -> R.Tenure:
        return R.Tenure(self.kind, self.place_key, self.start_on, self.end_on, self.person_id)


class Training(models.Model):
    """A training the person attended, with its certificate (a number, a scan served through the
    person's scope, never from /media/)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="trainings")
    on = models.DateField("培训日期")
    topic = models.CharField("培训内容", max_length=64)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    organiser = models.CharField("主办单位", max_length=64, blank=True)
    certificate_no = models.CharField("证书编号", max_length=32, blank=True)
    certificate = models.FileField("证书扫描件", upload_to="staff-certificates/%Y/", blank=True)
    content_type = models.CharField(max_length=32, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = verbose_name_plural = "培训记录"


class Vacancy(models.Model):
    """A post with fewer holders than its kind requires (`rules.staffing.vacancies`), kept as a row
    while it lasts so the list and the home card are index scans and the county is told once when it
    opens and reminded once a week (`told_on`), not at every run of the clock."""

    kind = models.CharField("岗位", max_length=24, choices=R.KIND_CHOICES)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("regions.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    place_code = models.CharField(max_length=12)
    short = models.PositiveSmallIntegerField(default=1)
    since = models.DateField(null=True, blank=True)  # the last holder's last day out; None: never filled
    opened_on = models.DateField()
    filled_on = models.DateField(null=True, blank=True)
    told_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["place_code", "kind", "id"]
        indexes = [models.Index(fields=["place_code"], condition=models.Q(filled_on__isnull=True), name="vacancy_open")]
        verbose_name = verbose_name_plural = "岗位空缺"

    @property
    def place_label(self) -> str:
        if self.school_id:
            return self.school.name
        return self.region.display_name if self.region_id else ""

    @property
    def place_key(self) -> str:
        return R.school_place(self.school_id) if self.school_id else self.region.code
