from django.dispatch import receiver
from django.utils import timezone
from simple_history.signals import pre_create_historical_record


@receiver(pre_create_historical_record)
def stamp_effective_date(sender, instance, history_instance, **kwargs):
    """Carry the change's effective date (动态管理) onto the historical row."""

    if hasattr(history_instance, "effective_date"):
        history_instance.effective_date = getattr(instance, "_effective_date", None) or timezone.localdate()
