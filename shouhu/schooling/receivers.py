"""How the schooling app joins the layers below it: a home visit that noted 辍学迹象 opens a
控辍保学 case (docs/domain.md, "Keeping children in school"). The care app says that facts about
children changed (`facts_changed`, after the commit); the facts are read through the registry's
hooks, so schooling never imports care."""
from django.utils import timezone

from shouhu.registry.signals import facts_changed

INLINE_LIMIT = 200  # more (a bulk refresh): the nightly `check-dropout` finds them


def _facts_changed(sender, child_ids=None, **kwargs):
    from .absences import open_visit_cases

    if child_ids and len(child_ids) <= INLINE_LIMIT:
        open_visit_cases(child_ids, today=timezone.localdate())


def connect() -> None:
    facts_changed.connect(_facts_changed, dispatch_uid="schooling.facts_changed")
