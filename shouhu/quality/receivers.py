"""Recheck records after registry writes: a few children at once, an import's villages in the background."""
INLINE_LIMIT = 200


def registry_changed(sender, child_ids=None, village_codes=None, **kwargs):
    from .services import recheck_children
    from .tasks import recheck

    if child_ids is not None and len(child_ids) <= INLINE_LIMIT:
        recheck_children(child_ids)
    else:
        recheck.enqueue(sorted(village_codes) if village_codes is not None else None)
