from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from .roles import ROLE_CHOICES, ROLES


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=32, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class Assignment(models.Model):
    """One (role, scope node). The node is a region, a school or a class; helpers need none
    (their scope is their pairings) and county partners get statistics for a region."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField("角色", max_length=32, choices=ROLE_CHOICES)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, verbose_name="区划")
    school = models.ForeignKey("regions.School", null=True, blank=True, on_delete=models.PROTECT, verbose_name="学校")
    school_class = models.ForeignKey("regions.SchoolClass", null=True, blank=True, on_delete=models.PROTECT, verbose_name="班级")

    class Meta:
        verbose_name = verbose_name_plural = "角色分配"

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.node_label}"

    @property
    def role_def(self):
        return ROLES[self.role]

    @property
    def node_label(self) -> str:
        node = self.school_class or self.school or self.region
        if self.school_class:
            return self.school_class.full_name
        return str(node) if node else "本人结对儿童"

    def clean(self):
        line = ROLES[self.role].line
        if line == "admin" and not self.region:
            raise ValidationError({"region": "该角色需要选择区划"})
        if self.role in ("school_staff", "counsellor") and not self.school:
            raise ValidationError({"school": "请选择学校"})
        if self.role == "head_teacher" and not self.school_class:
            raise ValidationError({"school_class": "请选择班级"})
        if self.role == "county_education" and not self.region:
            raise ValidationError({"region": "请选择县"})
