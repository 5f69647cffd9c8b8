"""Care work (关爱帮扶, DOMAIN §5): helpers and pairing, visits, family contact, micro-wishes,
counselling, activities and the care month; plus the maintained tables behind "my tasks" and
the care-month progress (`CareStatus`, `VisitDue`, `CampaignMark`), rewritten by
`care.services.refresh_children` from the records and the pure rules in `shouhu.rules.care`."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from shouhu.rules import care as R


def _choices(values):
    return [(v, v) for v in values]


class Helper(models.Model):
    """A person who helps children: cadre, teacher, volunteer, 五老, party member, 代理家长/爱心妈妈.
    Some are users (they then see their paired children), most are not."""

    KINDS = _choices(("干部", "教师", "志愿者", "五老", "党员", "代理家长/爱心妈妈", "其他"))
    name = models.CharField("姓名", max_length=32)
    kind = models.CharField("类型", max_length=16, choices=KINDS, default="志愿者")
    sex = models.CharField("性别", max_length=2, choices=_choices(("男", "女")), blank=True)
    phone = models.CharField("电话", max_length=20, blank=True)
    unit = models.CharField("工作单位", max_length=64, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="helper",
                                verbose_name="登录账号")
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="服务区域")
    school = models.ForeignKey("regions.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所在学校")
    # volunteer registration (志愿者登记)
    volunteer_no = models.CharField("志愿者编号", max_length=32, blank=True)
    registered_on = models.DateField("登记日期", null=True, blank=True)
    skills = models.CharField("特长", max_length=128, blank=True)
    active = models.BooleanField("在岗", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        verbose_name = verbose_name_plural = "帮扶人"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Training(models.Model):
    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="trainings")
    date = models.DateField("培训日期")
    topic = models.CharField("培训内容", max_length=128)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, default=0)
    organiser = models.CharField("组织单位", max_length=64, blank=True)

    class Meta:
        ordering = ["-date", "-id"]


class ServiceRecord(models.Model):
    """Volunteer service hours (志愿服务时长)."""

    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="services")
    date = models.DateField("服务日期")
    hours = models.DecimalField("时长（小时）", max_digits=5, decimal_places=1)
    content = models.CharField("服务内容", max_length=128)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]


class PairingQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


class Pairing(models.Model):
    MODES = _choices(R.PAIRING_MODES)
    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="pairings", verbose_name="帮扶人")
    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="pairings")
    mode = models.CharField("结对方式", max_length=8, choices=MODES, default="一对一")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=64, blank=True)
    note = models.CharField("备注", max_length=128, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "结对帮扶"
        indexes = [models.Index(fields=["helper", "end"]), models.Index(fields=["child", "end"])]

    def fact(self) -> R.PairingFact:
        return R.PairingFact(self.helper_id, self.mode, self.start, self.end)


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

    class Meta:
        verbose_name = verbose_name_plural = "走访记录"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["child", "date"]), models.Index(fields=["child", "visitor_role", "date"]),
                   models.Index(fields=["visitor", "created_at"])]


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

    class Meta:
        verbose_name = verbose_name_plural = "亲情联系"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["child", "date"])]


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


class CounsellingSession(models.Model):
    """心理辅导. Readable only by counsellors (roles with `counsellor`): never shown on the child's
    page, in the API for others, in search or in any export."""

    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="+")
    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="辅导员")
    date = models.DateField("辅导日期")
    topic = models.CharField("主题", max_length=64)
    notes = models.TextField("辅导记录")
    risk = models.CharField("风险评估", max_length=4, choices=_choices(("低", "中", "高")), default="低")
    next_date = models.DateField("下次辅导", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "心理辅导"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["child", "date"])]


class Activity(models.Model):
    KINDS = _choices(("夏令营", "阅读", "法治教育", "安全教育", "心理健康", "亲子活动", "文体活动", "其他"))
    title = models.CharField("活动名称", max_length=64)
    kind = models.CharField("类型", max_length=8, choices=KINDS, default="其他")
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=64)
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


class VisitRule(models.Model):
    """County setting: children of `group` are visited by `role` every `interval_days`."""

    role = models.CharField("走访人身份", max_length=32)
    group = models.CharField("儿童类别", max_length=32, choices=list(R.GROUPS.items()))
    interval_days = models.PositiveSmallIntegerField("间隔天数")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "group"], name="visitrule_unique")]
        ordering = ["role", "group"]

    @classmethod
    def current(cls) -> tuple[R.VisitRule, ...]:
        rows = list(cls.objects.values_list("role", "group", "interval_days"))
        return R.rules_from(rows or R.DEFAULT_VISIT_RULES)


class CareSetting(models.Model):
    contact_days = models.PositiveSmallIntegerField("亲情联系最长间隔（天）", default=R.DEFAULT_CONTACT_DAYS,
                                                    help_text="未成年人保护法第23条：父母每周至少联系一次")
    soon_days = models.PositiveSmallIntegerField("提前提醒天数", default=R.DEFAULT_SOON_DAYS)

    @classmethod
    def current(cls) -> "CareSetting":
        return cls.objects.first() or cls()


class CareStatus(models.Model):
    """Per child: one-to-one gap and family-contact due date (maintained)."""

    child = models.OneToOneField("registry.Child", on_delete=models.CASCADE, primary_key=True, related_name="care")
    village_code = models.CharField(max_length=12)
    school_id = models.BigIntegerField(null=True)
    school_class_id = models.BigIntegerField(null=True)
    active = models.BooleanField(default=True)
    needs_one_to_one = models.BooleanField(default=False)
    has_one_to_one = models.BooleanField(default=False)
    needs_contact = models.BooleanField(default=False)
    last_contact = models.DateField(null=True)
    contact_due = models.DateField(null=True)
    last_visit = models.DateField(null=True)

    class Meta:
        indexes = [models.Index(fields=["village_code", "contact_due"]), models.Index(fields=["school_id", "school_class_id"])]


class VisitDue(models.Model):
    """A visit a child is owed by a role (or by one helper), with its due date (maintained)."""

    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=32)
    helper = models.ForeignKey(Helper, null=True, on_delete=models.CASCADE, related_name="+")
    village_code = models.CharField(max_length=12)
    school_id = models.BigIntegerField(null=True)
    school_class_id = models.BigIntegerField(null=True)
    interval_days = models.PositiveSmallIntegerField()
    last_visit = models.DateField(null=True)
    due = models.DateField()
    reason = models.CharField(max_length=128)

    class Meta:
        indexes = [models.Index(fields=["role", "village_code", "due"]), models.Index(fields=["role", "school_id", "school_class_id", "due"]),
                   models.Index(fields=["helper", "due"]), models.Index(fields=["child"])]
