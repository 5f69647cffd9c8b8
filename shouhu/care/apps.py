from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "shouhu.care"
    label = "care"
    verbose_name = "关爱帮扶"

    def ready(self):
        from shouhu.registry.signals import children_changed

        from . import receivers

        children_changed.connect(receivers.registry_changed, dispatch_uid="care.registry_changed")
