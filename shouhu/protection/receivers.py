"""How the protection app joins the layers below it: alerts follow the record (children_changed)
and care work (facts_changed); a big change (an import, the nightly) is done in the background."""
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.registry.hooks import (
    ChildPanel,
    Indicator,
    ReportSection,
    TaskPanel,
    register_child_panel,
    register_facts,
    register_indicator,
    register_report_section,
    register_task_panel,
)
from shouhu.registry.signals import children_changed, facts_changed

from . import cases, month, selectors, services
from .indicators import alerts_counts
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


def task_panel(request) -> dict | None:
    """On 我的待办: the active alerts the user owns, most urgent first, and their cases past a deadline."""
    user = request.user
    if not selectors.owns_alerts(user):
        return None
    mine = selectors.by_urgency(selectors.alerts_visible_to(user).filter(selectors.mine_q(user)), active_only=True)
    items = list(mine.select_related("child__village__parent")[:10])
    late = cases.case_summary(user)["late"] if scope_of(user).has("handles_cases") else 0
    if not items and not late:
        return None
    return {"alerts": items, "late_cases": late, "now": timezone.now()}


def connect() -> None:
    register_child_panel(ChildPanel("protection", "protection/_child_panel.html", child_panel, order=5))
    register_task_panel(TaskPanel("protection", "protection/_task_panel.html", task_panel, order=5))
    children_changed.connect(_changed, dispatch_uid="protection.children_changed")
    facts_changed.connect(_changed, dispatch_uid="protection.facts_changed")
    register_facts("protection", report_facts)
    register_indicator(Indicator("alerts", alerts_counts, "/protection/alerts/?level=red&status=all"))
    register_report_section(ReportSection("protection", "未成年人保护", month.COLUMNS, month.month_by_place, note=month.NOTE, order=30))
