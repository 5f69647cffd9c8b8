from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "shouhu.quality"
    label = "quality"
    verbose_name = "数据质量"

    def ready(self):
        # Imported here, not at the top: Django loads every apps.py before any app's models.
        from shouhu.registry.hooks import DuplicateCheck, register_duplicate_check
        from shouhu.registry.signals import children_changed

        from . import receivers, services

        children_changed.connect(receivers.registry_changed, dispatch_uid="quality.registry_changed")
        register_duplicate_check(DuplicateCheck(services.registration_candidates, services.plain_reasons, services.note_registered_anyway))
