from django.db import transaction
from django.dispatch import Signal, receiver
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

from .models import Child


@receiver(pre_create_historical_record)
def stamp_effective_date(sender, instance, history_instance, **kwargs):
    """Carry the change's effective date (动态管理) onto the historical row."""
    if hasattr(history_instance, "effective_date"):
        history_instance.effective_date = getattr(instance, "_effective_date", None) or timezone.localdate()


# Sent after a write to the registry commits: `child_ids` (a few children) or `village_codes`
# (a bulk import; None = the whole county). The care app keeps its due dates and care-month
# marks in step through it.
children_changed = Signal()

# Sent after a source outside the registry — the school roster — changed what it says about these
# children (`child_ids`), committed. The registry itself did not change, so `children_changed` is
# not sent; the checks that compare the registry with that source (the quality app's cross-line
# check) run again through this one, without the sender knowing who listens.
cross_line_changed = Signal()

# Sent after care work recorded something about these children (`child_ids`), committed, and
# the care app's maintained rows are refreshed: a visit's concerns, a counselling risk, family
# contact. The registry did not change; the early-warning rules read these facts again.
# A sender may name the fact (`fact="field_mismatch"`: a field check found a record wrong) so a
# receiver that cares for one fact only does not redo its work for every visit.
facts_changed = Signal()


def announce(*, child_ids=None, village_codes=None) -> None:
    transaction.on_commit(lambda: children_changed.send(sender=Child, child_ids=child_ids, village_codes=village_codes))
