import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .roles import ROLE_CHOICES, ROLES


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=32, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True)
    # set on accounts the county admin creates: the initial password was seen by someone else
    must_change_password = models.BooleanField("须修改密码", default=False)

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


class ApiToken(models.Model):
    """An API token. Only its SHA-256 is stored, so a copy of the database signs nobody in. It dies
    after `SHOUHU_TOKEN_IDLE` unused, `SHOUHU_TOKEN_MAX_AGE` after issue, at logout and at a password change."""

    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user) -> tuple["ApiToken", str]:
        key = secrets.token_hex(20)
        return cls.objects.create(user=user, digest=cls.digest_of(key)), key

    def expired(self, now=None) -> bool:
        now = now or timezone.now()
        return now - self.last_used > settings.SHOUHU_TOKEN_IDLE or now - self.created > settings.SHOUHU_TOKEN_MAX_AGE
