from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "shouhu.quality"
    label = "quality"
    verbose_name = "数据质量"

    def ready(self):
        from shouhu.registry.signals import children_changed

        from . import receivers

        children_changed.connect(receivers.registry_changed, dispatch_uid="quality.registry_changed")
