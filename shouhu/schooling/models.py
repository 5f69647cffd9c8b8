"""学籍名册: each school's roster as uploaded from the student-status system (学籍系统), the
education line's own record of its pupils, checked against the registry ("人籍一致", docs/domain.md, "Keeping children in school",
§10 cross-line disagreement).

A school's upload replaces its previous entries in one transaction; the `Roster` rows stay as the
history of uploads (who, when, which file, how many rows stored and rejected, and why)."""
from django.conf import settings
from django.db import models

from shouhu.core.cells import format_grade
from shouhu.core.fields import BlindIndexField, EncryptedCharField

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
