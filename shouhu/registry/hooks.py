"""What the registry's pages learn from the feature apps above it — by registration, so the
registry never imports them (docs/architecture.md, "Layers").

- Child page panels: a feature app shows its part of a child's page (care work, protection
  cases …) by registering a `ChildPanel` in its `AppConfig.ready()`.
- To-do page panels: a feature app adds what the user must do to 我的待办 (`TaskPanel`).
- The duplicate check at registration: the data-quality app registers the finder that the
  registration form runs before saving a new record.
- Facts about children for the early-warning rules: each app that holds some registers a
  provider (`register_facts`); the protection app gathers them (`child_facts`).
- Indicators of the 考核 scoreboard: each app counts its indicator by place and school
  (`register_indicator`); supervision scores them.
- Sections of the monthly report: a feature app counts its work for the month by village
  (`register_report_section`: schooling's 控辍保学), so the report does not import it.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class ChildPanel:
    name: str
    template: str
    # (request, child, scope) -> the template's context, or None to show nothing for this user
    context: Callable[..., dict | None]
    order: int = 100
    helper_page: bool = True  # also on the reduced page a helper sees


_PANELS: dict[str, ChildPanel] = {}


def register_child_panel(panel: ChildPanel) -> None:
    _PANELS[panel.name] = panel


def child_panels(request, child, scope, *, helper_page: bool = False) -> list[SafeString]:
    """The registered panels of a child's page, rendered, in order."""
    out = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.name)):
        if helper_page and not panel.helper_page:
            continue
        ctx = panel.context(request, child, scope)
        if ctx is not None:
            out.append(render_to_string(panel.template, {"child": child, "scope": scope, **ctx}, request=request))
    return out


@dataclass(frozen=True)
class TaskPanel:
    """A feature's part of the user's to-do page (我的待办): protection's alerts the user owns."""
    name: str
    template: str
    context: Callable[..., dict | None]  # (request) -> the template's context, or None to show nothing
    order: int = 100


_TASK_PANELS: dict[str, TaskPanel] = {}


def register_task_panel(panel: TaskPanel) -> None:
    _TASK_PANELS[panel.name] = panel


def task_panels(request) -> list[SafeString]:
    """The registered panels of the to-do page, rendered, in order."""
    out = []
    for panel in sorted(_TASK_PANELS.values(), key=lambda p: (p.order, p.name)):
        ctx = panel.context(request)
        if ctx is not None:
            out.append(render_to_string(panel.template, ctx, request=request))
    return out


@dataclass(frozen=True)
class DuplicateCheck:
    # the unsaved child -> [(record values, candidate with .score and .reasons)]: records that may be it
    candidates: Callable
    # reasons -> the same without names or dates, for records the user may not see
    plain_reasons: Callable
    # (*, actor, child, others) -> None: the registrar saw `others` and registered anyway
    note_registered_anyway: Callable


_DUPLICATE_CHECK: list[DuplicateCheck] = []


def register_duplicate_check(check: DuplicateCheck) -> None:
    _DUPLICATE_CHECK[:] = [check]


def duplicate_check() -> DuplicateCheck | None:
    return _DUPLICATE_CHECK[0] if _DUPLICATE_CHECK else None


# -- Facts about children that feature apps hold -------------------------------------------------
# The early-warning rules (`rules.alerts`) read facts that live in several apps: the record here,
# visits and family contact in care, mandatory reports in protection. Each app registers a
# provider; the protection app gathers them, so no feature app imports another.

# (child ids, today) -> {child id: {fact name: value}} for the facts the provider knows
FactProvider = Callable[..., dict]
_FACTS: dict[str, FactProvider] = {}


def register_facts(name: str, provider: FactProvider) -> None:
    _FACTS[name] = provider


def child_facts(child_ids, *, today) -> dict[int, dict]:
    """Every registered provider's facts about `child_ids`, merged per child."""
    out: dict[int, dict] = {i: {} for i in child_ids}
    for name in sorted(_FACTS):
        for child_id, facts in _FACTS[name](child_ids, today=today).items():
            out.setdefault(child_id, {}).update(facts)
    return out


# A nightly check that needs one fact over the whole county asks the app that holds it which
# children have it, instead of every provider about every child (the 控辍保学 check reads the
# visits' 辍学迹象 this way): fact name -> (*, today) -> {child id: value}.
_FACT_FINDERS: dict[str, Callable[..., dict]] = {}


def register_fact_finder(fact: str, finder: Callable[..., dict]) -> None:
    _FACT_FINDERS[fact] = finder


def children_with_fact(fact: str, *, today, child_ids=None) -> dict:
    """{child id: value} of the children for whom `fact` holds today; {} when no app provides it.
    With `child_ids`, only among those (a finder takes `child_ids=None` for the whole county): a
    form save rechecks one child and must not read the county's facts."""
    finder = _FACT_FINDERS.get(fact)
    return finder(today=today, child_ids=child_ids) if finder else {}


# -- Sections of the monthly report that feature apps hold ----------------------------------------
@dataclass(frozen=True)
class ReportSection:
    """A feature's table in the monthly report, counted by place for the month and frozen with the
    township's submission like the report's own tables."""
    key: str
    title: str
    columns: tuple[tuple[str, str], ...]  # (column key, label)
    # (*, village_range, first, last, known_at) -> {12-digit place code: {column key: n}} for the
    # work placed in village codes lo..hi, as known at `known_at`
    counts: Callable[..., dict]
    note: str = ""
    order: int = 100
    # The section counts over the report's own population: `counts` then also gets `children`, the
    # children's history rows in effect at the month's end as known at `known_at`, in 在册 status,
    # under the node (id, village_code and the category columns as they were then), so a rate's
    # denominator is the report's own 在册 figure and a frozen month reproduces.
    population: bool = False


_REPORT_SECTIONS: dict[str, ReportSection] = {}


def register_report_section(section: ReportSection) -> None:
    _REPORT_SECTIONS[section.key] = section


def report_sections() -> list[ReportSection]:
    return sorted(_REPORT_SECTIONS.values(), key=lambda s: (s.order, s.key))


# -- Indicators of the 考核 scoreboard that feature apps compute ----------------------------------
@dataclass(frozen=True)
class Indicator:
    """One indicator of `rules.evaluation.INDICATORS`, counted by the app that holds its records."""
    key: str
    # (*, first, last, today) -> {"places": {12-digit place code: (numerator, denominator)},
    #                              "schools": {school id: (numerator, denominator)}}
    counts: Callable[..., dict]
    # the list behind it; "{unit}" becomes "region=<code>" or "school=<id>" where the list filters so
    link: str = ""


_INDICATORS: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> None:
    _INDICATORS[indicator.key] = indicator


def indicators() -> dict[str, Indicator]:
    return dict(_INDICATORS)
