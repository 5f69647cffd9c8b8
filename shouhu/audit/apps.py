from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "shouhu.audit"
    label = "audit"
    verbose_name = "访问日志"
