from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "shouhu.quality"
    label = "quality"
    verbose_name = "数据质量"

    def ready(self):
        # Imported here, not at the top: Django loads every apps.py before any app's models.
        from . import receivers

        receivers.connect()
