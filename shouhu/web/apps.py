from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "shouhu.web"
    label = "web"
    verbose_name = "页面"
