from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "shouhu.intake"
    label = "intake"
    verbose_name = "摸底排查导入导出"
