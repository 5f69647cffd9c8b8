from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "shouhu.supervision"
    label = "supervision"
    verbose_name = "督查整改"

    def ready(self):
        # Imported here, not at the top: Django loads every apps.py before any app's models.
        from . import receivers

        receivers.connect()
