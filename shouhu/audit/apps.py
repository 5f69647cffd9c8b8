from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "shouhu.audit"
    label = "audit"
    verbose_name = "访问日志"

    def ready(self):
        from . import signals  # noqa: F401  (connects the auth-signal receivers)
