"""Early-warning alerts (预警; docs/domain.md, "Early warning"). The rules are the pure
`shouhu.rules.alerts`; these rows are what they raised: open while the facts hold (a state) or
until someone closes them (an event), acknowledged, acted on or closed with a reason, and
climbing the owner chain when a deadline passes."""
from datetime import timedelta

from django.conf import settings
from django.db import models

from shouhu.core.fields import EncryptedCharField, EncryptedTextField
from shouhu.rules import alerts as A
from shouhu.rules import cases as C
from shouhu.rules import guardianship as G
from shouhu.rules.cases import OPEN_STATES as CASE_OPEN_STATES
from shouhu.rules.cases import SERVICES as CASE_SERVICES
from shouhu.rules.cases import STATE_CHOICES as CASE_STATE_CHOICES
from shouhu.rules.reports import SITUATIONS as REPORT_SITUATIONS


class Alert(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "待签收"
        ACKNOWLEDGED = "acknowledged", "已签收"
        ACTED = "acted", "已处置"
        CLOSED = "closed", "已关闭"
        RESOLVED = "resolved", "情况已消除"

    ACTIVE = (Status.OPEN, Status.ACKNOWLEDGED)

    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=32)  # rules.alerts.RULES
    key = models.CharField(max_length=48, blank=True)  # one event's alert ("visit:812"); "" for a state
    level = models.CharField(max_length=8, choices=list(A.LEVELS.items()))
    rank = models.PositiveSmallIntegerField(default=0)  # the level's urgency (红 0, 橙 1, 黄 2): lists sort by it
    facts = models.CharField("触发情况", max_length=255)
    event_date = models.DateField(null=True, blank=True)
    # while True the facts that raised it still hold: one such row per (child, code, key)
    holds = models.BooleanField(default=True)
    confidential = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    acted_at = models.DateTimeField(null=True, blank=True)
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("采取的措施", max_length=32, blank=True)
    note = EncryptedTextField("处置说明", blank=True)  # what was done about a child's harm: encrypted at rest
    closed_at = models.DateTimeField(null=True, blank=True)
    # the owner chain (rules.alerts): how many deadlines it has missed, who owns it now, and when
    # the next deadline falls (None: nothing more can come)
    stage = models.PositiveSmallIntegerField(default=0)
    owner_role = models.CharField(max_length=32)
    next_check_at = models.DateTimeField(null=True, blank=True)
    # where the child is (the scope lines filter on these, as on the care app's maintained rows)
    village_code = models.CharField(max_length=12)
    township_code = models.CharField(max_length=9)
    school_id = models.BigIntegerField(null=True)
    school_class_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警"
        constraints = [models.UniqueConstraint(fields=["child", "code", "key"], condition=models.Q(holds=True), name="alert_holds_once")]
        indexes = [
            # the home card's counts by level, index-only (confidential included: most readers filter on it)
            models.Index(fields=["status", "village_code", "level", "confidential"], name="alert_counts"),
            models.Index(fields=["next_check_at"], condition=models.Q(next_check_at__isnull=False), name="alert_clock"),
            models.Index(fields=["child", "holds"], name="alert_child"),
            # "most urgent first" read in order (the list stops after a page, whatever the county's size)
            models.Index(fields=["rank", "next_check_at", "opened_at", "id"], condition=models.Q(status__in=["open", "acknowledged"]),
                         name="alert_urgent_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}：{self.rule.title}"

    @property
    def rule(self) -> A.Rule:
        return A.RULES[self.code]

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE


class AlertEvent(models.Model):
    """The alert's timeline: opened, acknowledged, escalated, acted on, closed, resolved."""

    class Kind(models.TextChoices):
        OPENED = "opened", "触发"
        ACKNOWLEDGED = "acknowledged", "签收"
        ESCALATED = "escalated", "逾期上报"
        ACTED = "acted", "处置"
        CLOSED = "closed", "关闭"
        RESOLVED = "resolved", "情况消除"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = EncryptedCharField(max_length=255, blank=True)  # an action's note or a closing reason: encrypted at rest

    class Meta:
        ordering = ["at", "id"]


class AlertSetting(models.Model):
    """County settings, one row (defaults if none): the alert deadlines (rules.alerts.AlertSettings)
    and the case timers (rules.cases.CaseSettings) — docs/domain.md, "Protection time limits"."""

    red_ack_hours = models.PositiveSmallIntegerField("红色预警签收时限（小时）", default=2)
    red_act_hours = models.PositiveSmallIntegerField("红色预警处置时限（小时）", default=24)
    orange_act_days = models.PositiveSmallIntegerField("橙色预警处置时限（天）", default=3)
    yellow_act_days = models.PositiveSmallIntegerField("黄色预警处置时限（天）", default=7)
    respond_hours = models.PositiveSmallIntegerField("个案确认儿童安全时限（小时）", default=2)
    place_hours = models.PositiveSmallIntegerField("个案安置时限（小时）", default=24)
    assess_days = models.PositiveSmallIntegerField("个案评估时限（天）", default=7)
    review_days = models.PositiveSmallIntegerField("帮扶计划复核周期（天）", default=30)
    revisit_days = models.PositiveSmallIntegerField("结案后回访时限（天）", default=30)

    class Meta:
        verbose_name = verbose_name_plural = "保护工作时限设置"

    @classmethod
    def row(cls) -> "AlertSetting":
        """The county's row, or an unsaved one with the defaults."""
        return cls.objects.order_by("pk").first() or cls()

    @classmethod
    def current(cls) -> A.AlertSettings:
        row = cls.row()
        return A.AlertSettings(red_ack=timedelta(hours=row.red_ack_hours), red_act=timedelta(hours=row.red_act_hours),
                               orange_act=timedelta(days=row.orange_act_days), yellow_act=timedelta(days=row.yellow_act_days))

    @classmethod
    def case_settings(cls) -> C.CaseSettings:
        row = cls.row()
        return C.CaseSettings(respond=timedelta(hours=row.respond_hours), place=timedelta(hours=row.place_hours),
                              assess=timedelta(days=row.assess_days), review=timedelta(days=row.review_days),
                              revisit=timedelta(days=row.revisit_days))


class MandatoryReport(models.Model):
    """强制报告 (未成年人保护法 Art. 11): anyone who finds a child harmed or in danger reports at
    once. Filed by a user on a phone, or recorded by a supervisor from a phone call (the caller's
    name, unit and phone). The reporter's identity is read only by those who handle it."""

    class Status(models.TextChoices):
        FILED = "filed", "待受理"
        RECEIVED = "received", "已受理"
        CASE = "case", "已立案"
        CLOSED = "closed", "已办结"

    situation = models.CharField("情形", max_length=24, choices=[(s.code, s.label) for s in REPORT_SITUATIONS])
    discovered_at = models.DateTimeField("发现时间")
    seen = EncryptedTextField("发现的情况")  # a description of harm to a child: encrypted at rest, like counselling notes
    # the child: a registered one, or described (a child not on the register, or not known by name)
    child = models.ForeignKey("registry.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="儿童")
    child_name = models.CharField("儿童姓名", max_length=32, blank=True)
    child_desc = models.CharField("儿童情况（性别、年龄、特征）", max_length=128, blank=True)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="发现地点（村、社区）")
    village_code = models.CharField(max_length=12)
    township_code = models.CharField(max_length=9)
    place_detail = models.CharField("具体地点", max_length=128, blank=True)
    # who reported: a user, or a caller recorded by the supervisor who took the call
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reporter_name = models.CharField("报告人", max_length=32, blank=True)
    reporter_unit = models.CharField("报告人单位", max_length=64, blank=True)
    reporter_phone = models.CharField("报告人电话", max_length=20, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.FILED)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    police_notified_at = models.DateTimeField("向公安机关报案时间", null=True, blank=True)
    police_unit = models.CharField("接报公安机关", max_length=64, blank=True)
    police_receipt_no = models.CharField("受案回执号", max_length=64, blank=True)
    civil_affairs_told = models.CharField("已通报（民政、教育等）", max_length=128, blank=True)
    feedback_given_at = models.DateTimeField("向报告人反馈时间", null=True, blank=True)
    feedback = EncryptedCharField("反馈内容", max_length=255, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "强制报告"
        indexes = [models.Index(fields=["status", "village_code"], name="report_status_place"),
                   models.Index(fields=["reporter", "filed_at"], name="report_reporter")]

    def __str__(self) -> str:
        return f"强制报告 #{self.pk}"

    @property
    def who(self) -> str:
        """The child as the report names them."""
        return self.child.name if self.child_id else (self.child_name or "姓名不详")


class Meeting(models.Model):
    """联席会议: the departments meet (民政, 教育, 公安, 卫健, 妇联, 团委 …); what they decide becomes
    action items with a unit, an owner and a deadline, followed to done (docs/domain.md, "Joint meetings")."""

    held_on = models.DateField("会议日期")
    title = models.CharField("会议名称", max_length=64)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="召开层级（县或乡镇）")
    region_code = models.CharField(max_length=12)
    units = models.CharField("成员单位", max_length=255, help_text="如：民政局、教育局、公安局、卫健局、妇联")
    attendees = models.TextField("参会人员", blank=True)
    minutes = models.TextField("会议纪要", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "联席会议"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class ActionItem(models.Model):
    """One decision of a meeting to carry out: a unit, an owner, a deadline, the evidence when done."""

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        DONE = "done", "已办结"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    text = models.CharField("事项", max_length=255)
    unit = models.CharField("责任单位", max_length=64)
    owner = models.CharField("责任人", max_length=32)
    due = models.DateField("完成时限")
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="涉及乡镇或村（可选）")
    region_code = models.CharField(max_length=12, blank=True)
    case = models.ForeignKey("ProtectionCase", null=True, blank=True, on_delete=models.SET_NULL, related_name="meeting_items",
                             verbose_name="涉及个案（可选）")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    evidence = models.TextField("办结情况", blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "会议事项"
        ordering = ["status", "due", "id"]
        indexes = [models.Index(fields=["status", "due"], name="action_item_due")]

    def overdue(self, today) -> bool:
        return self.status == self.Status.OPEN and self.due < today


class ProtectionCase(models.Model):
    """个案: one child's protection case through the steps of `rules.cases` (docs/domain.md,
    "Emergency response", "Assessment and help"). Opened from a red alert or a mandatory report;
    read only by those who handle cases at the child's place (need to know)."""

    child = models.ForeignKey("registry.Child", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=CASE_STATE_CHOICES, default="reported")
    opened_at = models.DateTimeField()
    entered_at = models.DateTimeField()  # when the current step began (the timers run from here or the opening)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    report = models.ForeignKey(MandatoryReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    placement = models.CharField("安置方式", max_length=32, blank=True)
    risk = models.CharField("风险等级", max_length=2, blank=True)
    assessment = EncryptedTextField("评估情况", blank=True)  # safety, guardianship, body and mind: encrypted at rest
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_kind = models.CharField(max_length=16, blank=True)  # what is due next (rules.cases.due)
    due_at = models.DateTimeField(null=True, blank=True)
    late_for = models.DateTimeField(null=True, blank=True)  # the deadline whose passing was announced (announced once)
    village_code = models.CharField(max_length=12)
    township_code = models.CharField(max_length=9)
    school_id = models.BigIntegerField(null=True)
    school_class_id = models.BigIntegerField(null=True)

    @property
    def is_open(self) -> bool:
        return self.state in CASE_OPEN_STATES

    class Meta:
        verbose_name = verbose_name_plural = "保护个案"
        constraints = [models.UniqueConstraint(fields=["child"], condition=~models.Q(state__in=["closed", "revisited"]),
                                               name="one_open_case_per_child")]
        indexes = [models.Index(fields=["state", "village_code"], name="case_state_place"),
                   models.Index(fields=["due_at"], condition=models.Q(due_at__isnull=False), name="case_clock")]


class CaseStep(models.Model):
    """The case's timeline: each action, who, when, and a note (encrypted)."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=16)
    state = models.CharField(max_length=12)  # the step the case went to
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class PlanItem(models.Model):
    """One service of the help plan (帮扶计划): what, by which unit, who, by when."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        DONE = "done", "已完成"

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="plan")
    service = models.CharField("服务", max_length=16, choices=[(s, s) for s in CASE_SERVICES])
    unit = models.CharField("责任单位", max_length=64)
    owner = models.CharField("责任人", max_length=32)
    due = models.DateField("完成时限")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    result = EncryptedTextField("完成情况", blank=True)

    class Meta:
        ordering = ["due", "id"]


class CaseAccess(models.Model):
    """Break-the-glass (紧急查阅): a county user who does not work the case read it, for a written
    reason, for a limited time; the case's handlers are told and the audit log holds it
    (docs/domain.md, "Need to know")."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = EncryptedTextField("查阅理由")
    at = models.DateTimeField()
    until = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "until"], name="case_glass_user")]
class Intervention(models.Model):
    """监护干预: one rung of `rules.guardianship`'s ladder recorded against one guardian of the case's
    child — who did it (the unit: 村委会, 派出所, 法院 …), when, the document, and for the court's
    ruling its outcome (docs/domain.md, "Guardianship intervention")."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="interventions")
    guardian = models.CharField("监护人", max_length=8, choices=list(G.GUARDIANS.items()))
    rung = models.CharField("干预措施", max_length=12, choices=[(r.code, r.label) for r in G.RUNGS])
    at = models.DateTimeField("时间")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.CharField("实施单位", max_length=64)
    doc_no = models.CharField("文书号", max_length=64, blank=True)
    outcome = models.CharField("判决结果", max_length=8, blank=True, choices=list(G.RULING_OUTCOMES.items()))
    note = EncryptedTextField("情况说明", blank=True)  # what the guardian did to the child: encrypted at rest
    document = models.FileField("文书（可选）", upload_to="interventions/%Y/", blank=True)  # served through the case's scope check

    class Meta:
        verbose_name = verbose_name_plural = "监护干预"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "guardian", "at"], name="intervention_ladder")]


# 劝返 is its own small table, not a kind of Intervention: it has its own outcomes and a return
# date, is not a rung of the ladder, and keeping it apart keeps the ladder's rows and checks simple.
class GuardianReturn(models.Model):
    """劝返监护人: a parent away persuaded to come home — who, when, and whether they came (and when)."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="returns")
    guardian = models.CharField("劝返对象", max_length=8, choices=[(g, G.GUARDIANS[g]) for g in G.PARENTS])
    at = models.DateTimeField("劝返时间")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField("结果", max_length=12, choices=list(G.RETURN_OUTCOMES.items()))
    returned_on = models.DateField("返乡日期", null=True, blank=True)
    note = EncryptedTextField("情况说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "劝返监护人"
        ordering = ["at", "id"]
