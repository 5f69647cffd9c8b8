from django.apps import AppConfig


class SchoolingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shouhu.schooling"
    verbose_name = "学籍名册"

    def ready(self):
        # Imported here, not at the top: Django loads every apps.py before any app's models.
        from . import receivers

        receivers.connect()
