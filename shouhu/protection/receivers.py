"""How the protection app joins the layers below it: alerts follow the record (children_changed)
and care work (facts_changed); a big change (an import, the nightly) is done in the background."""
from shouhu.registry.signals import children_changed, facts_changed

from . import services

INLINE_LIMIT = 200


def _changed(sender, child_ids=None, village_codes=None, **kwargs):
    if child_ids is not None and len(child_ids) <= INLINE_LIMIT:
        services.evaluate_children(child_ids)
    else:
        services.evaluate_alerts.enqueue()


def connect() -> None:
    children_changed.connect(_changed, dispatch_uid="protection.children_changed")
    facts_changed.connect(_changed, dispatch_uid="protection.facts_changed")
