"""Keep care rows in step with the registry (categories, places and status drive due dates)."""
INLINE_LIMIT = 200


def registry_changed(sender, child_ids=None, village_codes=None, **kwargs):
    from .services import refresh_children
    from .tasks import refresh_care

    if child_ids is not None and len(child_ids) <= INLINE_LIMIT:
        refresh_children(child_ids)
    else:  # an import or the nightly recompute: in the background
        refresh_care.enqueue(sorted(village_codes) if village_codes is not None else None)
