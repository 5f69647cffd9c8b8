"""How the care app joins the layers below it: it answers the scope's "pairing" reach, and keeps
its rows in step with the registry (categories, places and status drive due dates)."""
from shouhu.accounts.scope import register_line
from shouhu.registry.hooks import (
    ChildPanel,
    Indicator,
    ReportSection,
    register_child_panel,
    register_fact_finder,
    register_facts,
    register_indicator,
    register_report_section,
)
from shouhu.registry.signals import children_changed

from .dues.services import refresh_care, refresh_children
from .facts import care_facts, dropout_signs
from .helpers.selectors import paired_children_q
from .indicators import contact_counts, one_to_one_counts, visits_counts
from .month import COLUMNS, NOTE, month_by_place
from .selectors import care_of_child

INLINE_LIMIT = 200


def registry_changed(sender, child_ids=None, village_codes=None, **kwargs):
    if child_ids is not None and len(child_ids) <= INLINE_LIMIT:
        refresh_children(child_ids)
    else:  # an import or the nightly recompute: in the background
        refresh_care.enqueue(sorted(village_codes) if village_codes is not None else None)


def care_panel(request, child, scope) -> dict:
    return {"care": care_of_child(request.user, child)}



def connect() -> None:
    register_line("pairing", paired_children_q)
    register_child_panel(ChildPanel("care", "care/_child_care.html", care_panel, order=10))
    children_changed.connect(registry_changed, dispatch_uid="care.registry_changed")
    register_facts("care", care_facts)
    register_fact_finder("dropout_sign", dropout_signs)
    register_indicator(Indicator("visits", visits_counts, "/care/tasks/"))
    register_indicator(Indicator("contact", contact_counts, "/care/tasks/"))
    register_indicator(Indicator("one_to_one", one_to_one_counts, "/care/tasks/"))
    register_report_section(ReportSection("care", "关爱帮扶", COLUMNS, month_by_place, note=NOTE, order=20, population=True))
