from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "shouhu.notify"
    label = "notify"
    verbose_name = "通知"
