"""学籍名册: each school's roster as uploaded from the student-status system (学籍系统), the
education line's own record of its pupils, checked against the registry ("人籍一致", docs/domain.md, "Keeping children in school",
§10 cross-line disagreement).

A school's upload replaces its previous entries in one transaction; the `Roster` rows stay as the
history of uploads (who, when, which file, how many rows stored and rejected, and why)."""
from django.conf import settings
from django.db import models

from shouhu.core.cells import format_grade
from shouhu.core.fields import BlindIndexField, EncryptedCharField, EncryptedTextField
from shouhu.rules.dropout import STATE_CHOICES as DROPOUT_STATE_CHOICES
from shouhu.rules.dropout import TRIGGERS as DROPOUT_TRIGGERS

# 就学状态 as the student-status system writes it (学籍状态). Only 在读 and 辍学 say something the
# registry's 就学情况 can be compared with; 休学/转出/毕业 are kept and shown, never compared.
STATUSES: tuple[str, ...] = ("在读", "休学", "转出", "辍学", "毕业")
STATUS_SYNONYMS = {"在校": "在读", "正常": "在读", "在籍": "在读", "转学": "转出", "已转出": "转出", "已毕业": "毕业",
                   "疑似辍学": "辍学", "流失": "辍学"}


class Roster(models.Model):
    """One upload of a school's roster (kept as history after the next upload replaces it)."""

    school = models.ForeignKey("regions.School", on_delete=models.PROTECT, related_name="rosters", verbose_name="学校")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    file_name = models.CharField("文件名", max_length=255)
    rows_total = models.PositiveIntegerField("数据行", default=0)
    rows_stored = models.PositiveIntegerField("已导入", default=0)
    rows_rejected = models.PositiveIntegerField("未导入", default=0)
    # [{"row": 7, "column": "身份证号", "message": "…", "kept": false}] — every row not stored (kept=false)
    # and every row stored with a remark (kept=true), in row order
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["school", "-uploaded_at"])]
        verbose_name = verbose_name_plural = "学籍名册上传"

    def __str__(self) -> str:
        return f"{self.school} {self.uploaded_at:%Y-%m-%d %H:%M}"

    @property
    def rejected(self) -> list[dict]:
        return [p for p in self.problems if not p.get("kept")]

    @property
    def remarks(self) -> list[dict]:
        return [p for p in self.problems if p.get("kept")]


class RosterEntry(models.Model):
    """One pupil on a school's current roster."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="entries")
    school = models.ForeignKey("regions.School", on_delete=models.PROTECT, related_name="+", verbose_name="学校")
    school_class = models.ForeignKey("regions.SchoolClass", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="班级")
    row_no = models.PositiveIntegerField("行号")  # as the user sees it in Excel (header = its own row)
    name = models.CharField("姓名", max_length=32)
    sex = models.CharField("性别", max_length=2, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    # the 18-character number, "X" upper-case; encrypted like the child's (core.crypto), matched
    # with children through the blind index both tables share
    id_number = EncryptedCharField("公民身份号码", max_length=18, blank=True)
    id_number_index = BlindIndexField(source="id_number", db_index=True)
    # as written (G + ID number, or an L… temporary number): it carries the number, so encrypted too
    student_no = EncryptedCharField("学籍号", max_length=32, blank=True)
    grade = models.PositiveSmallIntegerField("年级", null=True, blank=True)
    class_name = models.CharField("班级", max_length=32, blank=True)  # as written, even when the school has no such class
    father_name = models.CharField("父亲姓名", max_length=32, blank=True)
    mother_name = models.CharField("母亲姓名", max_length=32, blank=True)
    carer_name = models.CharField("监护人", max_length=32, blank=True)
    status = models.CharField("就学状态", max_length=4, choices=[(s, s) for s in STATUSES], default="在读")

    class Meta:
        ordering = ["school_id", "grade", "class_name", "row_no"]
        indexes = [models.Index(fields=["school", "name", "birth_date"])]
        verbose_name = verbose_name_plural = "学籍名册条目"

    def __str__(self) -> str:
        return self.name

    @property
    def class_label(self) -> str:
        return f"{format_grade(self.grade)}{self.class_name}"


# -- 控辍保学 (docs/domain.md, "Keeping children in school"; rules.dropout) ---------------------------
class CalendarDay(models.Model):
    """A day the county's calendar marks: a public holiday (no school, no work) or a make-up working
    day on a weekend (school and work)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日"
        MAKEUP = "makeup", "调休上班（上课）"

    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    name = models.CharField("名称", max_length=32, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = verbose_name_plural = "校历日期"


class SchoolBreak(models.Model):
    """寒暑假: no school (the township still works); a term ends the day before a break begins."""

    name = models.CharField("名称", max_length=32)
    start = models.DateField("开始")
    end = models.DateField("结束")

    class Meta:
        ordering = ["start"]
        verbose_name = verbose_name_plural = "假期"


class DropoutSetting(models.Model):
    """County settings of the procedure, one row (defaults in rules.dropout.DropoutSettings)."""

    streak_days = models.PositiveSmallIntegerField("连续旷课几天视为疑似辍学（上学日）", default=5)
    attempts_days = models.PositiveSmallIntegerField("学校劝返时限（天）", default=7)
    report_working_days = models.PositiveSmallIntegerField("书面上报时限（工作日）", default=1)
    township_working_days = models.PositiveSmallIntegerField("乡镇启动劝返时限（工作日）", default=3)

    class Meta:
        verbose_name = verbose_name_plural = "控辍保学设置"


class Absence(models.Model):
    """A pupil absent on a school day, excused (请假) or not (旷课), as the head teacher marked it.
    Kept by exception: a day without a row is a day present. The pupil is known by `pupil_key`
    (the blind index of the ID number, or of school, name and birth date), which a new roster upload
    does not change; `child` when the pupil is on the register."""

    school = models.ForeignKey("regions.School", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey("regions.SchoolClass", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pupil_key = models.CharField(max_length=64)
    child = models.ForeignKey("registry.Child", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField("姓名", max_length=32)
    day = models.DateField("日期")
    excused = models.BooleanField("请假", default=False)
    reason = models.CharField("原因", max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "pupil_key", "day"], name="absence_once_a_day")]
        indexes = [models.Index(fields=["day", "excused"], name="absence_day"),
                   models.Index(fields=["school_class", "day"], name="absence_class_day")]
        verbose_name = verbose_name_plural = "缺勤记录"


class DropoutCase(models.Model):
    """疑似辍学: one pupil's case through the steps of `rules.dropout`. Placed like a child (village,
    township, school, class) so the scope lines reach it: the pupil's village when registered,
    else the school's township."""

    state = models.CharField(max_length=10, choices=DROPOUT_STATE_CHOICES, default="school")
    trigger = models.CharField("来源", max_length=12, choices=list(DROPOUT_TRIGGERS.items()))
    child = models.ForeignKey("registry.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pupil_key = models.CharField(max_length=64, blank=True)
    name = models.CharField("姓名", max_length=32)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    class_label = models.CharField("班级", max_length=32, blank=True)
    village_code = models.CharField(max_length=12)
    township_code = models.CharField(max_length=9)
    school = models.ForeignKey("regions.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey("regions.SchoolClass", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    opened_on = models.DateField("立案日期")
    entered_on = models.DateField()  # when the current step began
    streak = models.PositiveSmallIntegerField("连续旷课天数", default=0)
    failed_attempts = models.PositiveSmallIntegerField(default=0)  # in this round (a relapse starts a new one)
    last_attempt_on = models.DateField(null=True, blank=True)
    heads = models.JSONField("七长", default=dict, blank=True)  # rules.dropout.SEVEN_HEADS code -> "name 电话"
    legal_due = models.DateField("限期改正截止", null=True, blank=True)
    placement = models.CharField("复学安置", max_length=16, blank=True)
    returned_on = models.DateField("复学日期", null=True, blank=True)
    follow_ups_done = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField("其他结果", max_length=16, blank=True)
    whereabouts_unknown = models.BooleanField("下落不明", default=False)
    due_kind = models.CharField(max_length=12, blank=True)
    due_on = models.DateField(null=True, blank=True)
    late_for = models.DateField(null=True, blank=True)  # the deadline whose passing was announced
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pupil_key"], condition=~models.Q(state="closed") & ~models.Q(pupil_key=""),
                                               name="one_open_dropout_case_per_pupil"),
                       models.UniqueConstraint(fields=["child"], condition=~models.Q(state="closed") & models.Q(child__isnull=False),
                                               name="one_open_dropout_case_per_child")]
        indexes = [models.Index(fields=["state", "village_code"], name="dropout_state_place"),
                   models.Index(fields=["school", "state"], name="dropout_school_state"),
                   models.Index(fields=["due_on"], condition=models.Q(due_on__isnull=False), name="dropout_clock")]
        verbose_name = verbose_name_plural = "疑似辍学个案"

    @property
    def is_open(self) -> bool:
        return self.state != "closed"


class DropoutStep(models.Model):
    """The case's timeline: each action — an attempt (how, by whom, the result), the report, the
    township's start, a legal step, the return, each follow-up — who, when, and a note."""

    case = models.ForeignKey(DropoutCase, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=12)
    state = models.CharField(max_length=10)
    on = models.DateField()
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    mode = models.CharField("方式", max_length=4, blank=True)  # 上门 / 电话 / 约谈
    note = EncryptedTextField("情况", blank=True)

    class Meta:
        ordering = ["at", "id"]


# -- 人籍一致: each disagreement has an owner and an answer (docs/domain.md, "Keeping children in school")
class RosterMismatch(models.Model):
    """The answer to one line of a school's two 人籍一致 lists. The lists are computed from the
    roster and the register; a line without a row here is open. `roster` side (学籍在册但未建档: a
    pupil on the roster with no record) is the school's to answer, keyed by `pupil_key` (a new
    upload does not change it); `registry` side (建档在该校但学籍名册中没有) is the child's village
    director's (or the township's), keyed by the child."""

    class Side(models.TextChoices):
        ROSTER = "roster", "学籍在册但未建档"
        REGISTRY = "registry", "建档在该校但学籍名册中没有"

    class Resolution(models.TextChoices):
        ENROLLED = "enrolled", "已入学"
        REGISTERED = "registered", "已登记"
        MOVED = "moved", "已迁出"
        NON_RESIDENT = "non_resident", "非本县常住"
        OTHER = "other", "其他"

    school = models.ForeignKey("regions.School", on_delete=models.CASCADE, related_name="+", verbose_name="学校")
    side = models.CharField("名单", max_length=8, choices=Side.choices)
    child = models.ForeignKey("registry.Child", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    pupil_key = models.CharField(max_length=64, blank=True)
    name = models.CharField("姓名", max_length=32)  # as listed when answered (a roster pupil has no record to name them)
    resolution = models.CharField("核实结果", max_length=12, choices=Resolution.choices)
    note = models.CharField("说明", max_length=255, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="核实人")
    resolved_at = models.DateTimeField("核实时间")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "child"], condition=models.Q(side="registry"), name="mismatch_once_per_child"),
            models.UniqueConstraint(fields=["school", "pupil_key"], condition=models.Q(side="roster"), name="mismatch_once_per_pupil"),
            models.CheckConstraint(condition=(models.Q(side="registry", child__isnull=False) | models.Q(side="roster") & ~models.Q(pupil_key="")),
                                   name="mismatch_keyed_by_side"),
        ]
        verbose_name = verbose_name_plural = "人籍不一致核实"
