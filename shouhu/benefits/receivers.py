"""How 兜底保障 joins the layers below it: a child's page shows its grants to those who handle
benefits; the alert rules learn which eligible children receive nothing (`register_facts`); the record
checks learn which children are paid a benefit none of their needs calls for (`register_fact_finder`);
the scoreboard counts the 兜底率 (`register_indicator`)."""
from django.utils import timezone

from shouhu.registry.hooks import ChildPanel, Indicator, register_child_panel, register_fact_finder, register_facts, register_indicator
from shouhu.rules import benefits as B

from . import selectors


def child_panel(request, child, scope) -> dict | None:
    if not scope.has("handles_benefits"):
        return None
    grants = list(selectors.grants_visible_to(request.user).filter(child=child).order_by("-start", "-id")[:20])
    if not grants and not (child.is_orphan or child.is_de_facto or child.is_difficulty or child.health == "残疾"):
        return {"grants": [], "cov": None, "quiet": True}
    today = timezone.localdate()
    cov = B.coverage(B.needs_of(selectors.basis_of({f: getattr(child, f) for f in selectors.BASIS_FIELDS})),
                     {g.kind for g in grants if g.status == g.Status.ACTIVE and B.in_months(today, g.start, g.end)})
    return {"grants": grants, "cov": cov, "quiet": False}


def connect() -> None:
    register_child_panel(ChildPanel("benefits", "benefits/_child_panel.html", child_panel, order=30, helper_page=False))
    register_facts("benefits", selectors.missing_facts)
    register_fact_finder("benefit_unmet", selectors.unmet_grants)
    register_indicator(Indicator("benefits", selectors.benefit_counts, "/benefits/?{unit}"))
