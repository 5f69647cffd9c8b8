from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shouhu.reports"
    label = "reports"
    verbose_name = "月报"

    def ready(self):
        # Imported here, not at the top: Django loads every apps.py before any app's models.
        from . import receivers

        receivers.connect()
