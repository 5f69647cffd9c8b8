from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shouhu.registry"
    label = "registry"
    verbose_name = "儿童档案"

    def ready(self):
        from . import signals  # noqa: F401
