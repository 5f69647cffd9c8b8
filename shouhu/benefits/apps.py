from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "shouhu.benefits"
    label = "benefits"
    verbose_name = "兜底保障与资金"

    def ready(self):
        # Imported here, not at the top: Django loads every apps.py before any app's models.
        from . import receivers

        receivers.connect()
