"""Access log (docs/domain.md, "Privacy"): every view, list, search and export of children's
records, logins and failures, role and activation changes; who and when.

The log holds (decisions 44): rows are append-only (the model refuses updates, the queryset
refuses delete and update; on PostgreSQL a trigger refuses UPDATE and DELETE) and each row is
chained to the previous one by a SHA-256 hash, so `shouhu audit-verify` finds a row that was
changed or removed behind the application's back. Only `shouhu audit-purge` (the retention
setting) removes rows: the oldest ones, leaving a checkpoint row that carries the chain on.

The user and child links are not foreign-key constraints: deleting a user or a child must not
rewrite (null) the log, and the username is stored as text so the row still says who."""
import hashlib
import json

from django.conf import settings
from django.db import models


class AppendOnlyError(RuntimeError):
    pass


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("访问日志只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError("访问日志只能追加，不能删除；过期记录请用 shouhu audit-purge")

    def _raw_delete(self, using):  # Collector's fast path
        raise AppendOnlyError("访问日志只能追加，不能删除")


class AccessLog(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "查看档案"
        LIST = "list", "列表查看"
        PRINT = "print", "打印登记表"
        EXPORT = "export", "导出"
        API_VIEW = "api_view", "接口查看"
        API_LIST = "api_list", "接口列表"
        SEARCH = "search", "检索"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出"
        ROLE_GRANT = "role_grant", "授予角色"
        ROLE_REVOKE = "role_revoke", "移除角色"
        USER_CREATE = "user_create", "创建用户"
        ACTIVATE = "activate", "启用账号"
        DEACTIVATE = "deactivate", "停用账号"
        PASSWORD_RESET = "password_reset", "重置密码"
        SETTINGS = "settings", "修改设置"
        GLASS = "glass", "紧急查阅个案"
        CHECKPOINT = "checkpoint", "日志清理检查点"
        SAMPLE = "sample", "督查抽样"
        ACCOUNTABILITY = "accountability", "问责决定"
        REMIND = "remind", "催报"

    at = models.DateTimeField("时间", db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+", verbose_name="用户")
    username = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    child = models.ForeignKey("registry.Child", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                              related_name="+", verbose_name="儿童")
    # The subject of an account action (role granted to whom): a username, as text.
    target = models.CharField("对象用户", max_length=150, blank=True)
    # Confidential (counselling): the child is named only to counsellors (docs/domain.md, "Privacy").
    confidential = models.BooleanField("保密", default=False)
    scope = models.CharField("范围", max_length=128, blank=True)
    detail = models.CharField("说明", max_length=255, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "访问日志"

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("访问日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("访问日志只能追加，不能删除")

    def canonical(self) -> bytes:
        """The fields the hash covers, in a fixed form (the id is covered by the chain order)."""
        return json.dumps([
            self.at.isoformat(timespec="microseconds"), self.user_id, self.username, self.action, self.child_id,
            self.target, self.confidential, self.scope, self.detail, self.ip or "",
        ], ensure_ascii=False, separators=(",", ":")).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.prev_hash.encode() + self.canonical()).hexdigest()


class ChainHead(models.Model):
    """One row: the hash of the last access-log row. Appends lock it (select_for_update), so
    two appends never chain to the same predecessor; it costs one row lock per log line."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    # What the oldest remaining row must chain to: "" until the first purge, then the hash of
    # the last row purged.
    start_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "日志链头"
