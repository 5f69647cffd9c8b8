"""兜底保障 and the money behind it (docs/domain.md, "Benefits and funds"): benefit grants per child,
the 事实无人抚养 application, funds and what is spent from them, and the monthly payment rolls. A
grant is reached through its child (the registry's scope); a fund through its region."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from shouhu.rules import benefits as B

FUND_KINDS = [("special", "专项经费"), ("charity_fund", "爱心基金"), ("charity_project", "慈善项目"), ("other", "其他")]
PURPOSES = [("child", "资助儿童"), ("place", "阵地建设与运行"), ("activity", "关爱活动"), ("roll", "兜底保障发放"), ("other", "其他")]


class BenefitSetting(models.Model):
    """The county's time limits for the 事实无人抚养 application (one row)."""

    check_days = models.PositiveSmallIntegerField("乡镇查验期限（工作日）", default=B.ApplicationSettings.check_days)
    confirm_days = models.PositiveSmallIntegerField("县级确认期限（工作日）", default=B.ApplicationSettings.confirm_days)
    publicity_days = models.PositiveSmallIntegerField("公示天数", default=B.ApplicationSettings.publicity_days)

    class Meta:
        verbose_name = verbose_name_plural = "兜底保障设置"

    @classmethod
    def current(cls) -> "BenefitSetting":
        return cls.objects.order_by("pk").first() or cls()

    def rules(self) -> B.ApplicationSettings:
        return B.ApplicationSettings(self.check_days, self.confirm_days, self.publicity_days)


class Application(models.Model):
    """A 事实无人抚养 application: 申请 → 乡镇查验 → 县级确认 → 公示 (民发〔2019〕62号)."""

    child = models.ForeignKey("registry.Child", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, default="de_facto", editable=False)
    state = models.CharField("状态", max_length=10, choices=list(B.STEPS.items()), default="applied")
    applicant = models.CharField("申请人（监护人或受委托人）", max_length=32)
    monthly_amount = models.DecimalField("拟发放标准（元/月）", max_digits=8, decimal_places=2)
    applied_on = models.DateField("申请日期")
    entered_on = models.DateField()  # when the current step began
    due_on = models.DateField("本步期限", null=True, blank=True)
    told_for = models.DateField(null=True, blank=True, editable=False)  # the deadline whose lateness was told
    note = models.CharField("情况说明", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = verbose_name_plural = "事实无人抚养儿童认定申请"
        constraints = [models.UniqueConstraint(fields=["child"], condition=Q(state__in=["applied", "checked", "confirmed"]),
                                               name="application_one_open_per_child")]


class ApplicationStep(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=10)
    note = models.CharField(max_length=255, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class Grant(models.Model):
    """A benefit paid to a child: a kind, a monthly amount, the months from and to."""

    class Status(models.TextChoices):
        ACTIVE = "active", "发放中"
        PAUSED = "paused", "暂停"
        STOPPED = "stopped", "停发"

    child = models.ForeignKey("registry.Child", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("救助类别", max_length=12, choices=[(k.code, k.label) for k in B.KINDS.values()])
    monthly_amount = models.DecimalField("金额（元/月，临时救助为一次）", max_digits=8, decimal_places=2)
    start = models.DateField("起始月份")  # first day of the month
    end = models.DateField("终止月份", null=True, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.ACTIVE)
    stop_reason = models.CharField("停发或暂停原因", max_length=128, blank=True)
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="grants")
    note = models.CharField("备注", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child_id", "kind", "-start"]
        verbose_name = verbose_name_plural = "兜底保障发放"
        indexes = [models.Index(fields=["status", "start"], name="grant_status_start")]

    @property
    def kind_label(self) -> str:
        return B.KINDS[self.kind].label


class Fund(models.Model):
    kind = models.CharField("资金类别", max_length=16, choices=FUND_KINDS)
    name = models.CharField("名称", max_length=64)
    source = models.CharField("来源", max_length=64, help_text="如：县财政、省民政厅、某爱心企业")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    received_on = models.DateField("到账日期")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="使用范围")
    region_code = models.CharField(max_length=12, editable=False, db_index=True)
    note = models.CharField("说明", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = verbose_name_plural = "资金"

    def __str__(self) -> str:
        return self.name


class PaymentRoll(models.Model):
    """A month's payment of some kinds of grant from one fund, for the finance office (发放花名册)."""

    class State(models.TextChoices):
        DRAFT = "draft", "待发放"
        PAID = "paid", "已发放"

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rolls")
    month = models.DateField("发放月份")
    kinds = models.JSONField("救助类别", default=list)
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    total = models.DecimalField("合计（元）", max_digits=12, decimal_places=2, default=0)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField()
    paid_on = models.DateField("发放日期", null=True, blank=True)

    class Meta:
        ordering = ["-month", "-id"]
        verbose_name = verbose_name_plural = "发放花名册"


class PaymentLine(models.Model):
    roll = models.ForeignKey(PaymentRoll, on_delete=models.CASCADE, related_name="lines")
    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="lines")
    child = models.ForeignKey("registry.Child", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12)
    month = models.DateField()
    amount = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["id"]
        # nothing is paid twice: one line per grant and month, whatever the roll
        constraints = [models.UniqueConstraint(fields=["grant", "month"], name="payment_once_per_grant_month")]

    @property
    def kind_label(self) -> str:
        return B.KINDS[self.kind].label


class Spending(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="spending")
    purpose = models.CharField("用途", max_length=8, choices=PURPOSES)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    spent_on = models.DateField("支出日期")
    payee = models.CharField("收款人或单位", max_length=64, blank=True)
    child = models.ForeignKey("registry.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey("regions.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="场所")
    what = models.CharField("事由", max_length=128)
    voucher_no = models.CharField("凭证号", max_length=32, blank=True)
    voucher = models.FileField("凭证照片", upload_to="vouchers/%Y/", blank=True)
    voucher_type = models.CharField(max_length=32, blank=True)
    roll = models.OneToOneField(PaymentRoll, null=True, blank=True, on_delete=models.PROTECT, related_name="spending")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = verbose_name_plural = "资金支出"
        # a voucher is entered once per fund (the same receipt twice is spending twice)
        constraints = [models.UniqueConstraint(fields=["fund", "voucher_no"], condition=~Q(voucher_no=""), name="spending_voucher_once")]
