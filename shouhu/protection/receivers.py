"""How the protection app joins the layers below it: alerts follow the record (children_changed)
and care work (facts_changed); a big change (an import, the nightly) is done in the background."""
from shouhu.registry.hooks import ChildPanel, register_child_panel, register_facts
from shouhu.registry.signals import children_changed, facts_changed

from . import cases, selectors, services
from .reports import report_facts

INLINE_LIMIT = 200


def _changed(sender, child_ids=None, village_codes=None, **kwargs):
    if child_ids is not None and len(child_ids) <= INLINE_LIMIT:
        services.evaluate_children(child_ids)
    else:
        services.evaluate_alerts.enqueue()


def child_panel(request, child, scope) -> dict:
    """On a child's page: the child's open alerts the reader may see, the mandatory-report button,
    and the child's protection cases for those who work them (a county user: break-the-glass)."""
    alerts = selectors.by_urgency(selectors.alerts_visible_to(request.user).filter(child=child), active_only=True)
    return {"alerts": list(alerts[:10]), "child": child, "now": None, **cases.child_cases(request.user, child)}


def connect() -> None:
    register_child_panel(ChildPanel("protection", "protection/_child_panel.html", child_panel, order=5))
    children_changed.connect(_changed, dispatch_uid="protection.children_changed")
    facts_changed.connect(_changed, dispatch_uid="protection.facts_changed")
    register_facts("protection", report_facts)
