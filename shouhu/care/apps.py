from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "shouhu.care"
    label = "care"
    verbose_name = "关爱帮扶"
