from django.conf import settings
from django.db import models
from django.db.models import Q

from shouhu.core.versions import Versioned
from shouhu.rules import care as R

from ..common import choices_of as _choices


class Helper(Versioned):
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
