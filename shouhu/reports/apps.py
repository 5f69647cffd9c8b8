from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shouhu.reports"
    label = "reports"
    verbose_name = "月报"
