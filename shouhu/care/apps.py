from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "shouhu.care"
    label = "care"
    verbose_name = "关爱帮扶"

    def ready(self):
        # Imported here, not at the top: Django loads every apps.py before any app's models.
        from . import receivers

        receivers.connect()
