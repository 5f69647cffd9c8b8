from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "shouhu.protection"
    label = "protection"
    verbose_name = "未成年人保护"

    def ready(self):
        # Imported here, not at the top: Django loads every apps.py before any app's models.
        from . import receivers

        receivers.connect()
