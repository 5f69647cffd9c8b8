from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "shouhu.staffing"
    label = "staffing"
    verbose_name = "队伍建设"

    def ready(self):
        # Imported here, not at the top: Django loads every apps.py before any app's models.
        from . import receivers

        receivers.connect()
