from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shouhu.registry"
    label = "registry"
    verbose_name = "儿童档案"

    def ready(self):
        # Imported here, not at the top: Django loads every apps.py before any app's models.
        from . import signals  # noqa: F401 — connects the history receiver
