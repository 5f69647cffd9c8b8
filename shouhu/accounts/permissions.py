"""What an operation needs, declared next to it, read from the role table (`roles.py`).

Every view says what it needs with `@requires(...)` (or `@public`); every API action through
`api.permissions`. A need is a name of `NEEDS`, answered from the user's scope. A user who
lacks it gets the same 404 as for a page that does not exist: a role that cannot see care
records is not told they exist. A test walks every URL and API action and fails on one that
declares nothing (`tests/accounts/test_permissions.py`).
"""
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from .scope import Scope, scope_of

NEEDS: dict[str, Callable[[Scope], bool]] = {
    "signed_in": lambda s: True,
    # sees some children (helpers: their paired children's reduced page)
    "sees_children": lambda s: s.sees_children,
    # reads whole records and lists: everyone who sees children except helpers
    "reads_records": lambda s: s.reads_records,
    # registers and edits records in some village
    "edits_records": lambda s: bool(s.edit_regions()),
    "can_care": lambda s: s.has("can_care"),
    "can_pair": lambda s: s.has("can_pair"),
    "care_work": lambda s: s.has("can_care") or s.has("can_pair"),
    "counsellor": lambda s: s.has("counsellor"),
    # early-warning alerts: the roles that work them, and counsellors (their school's counselling alerts)
    "sees_alerts": lambda s: s.has("sees_alerts") or s.has("counsellor"),
    "handles_cases": lambda s: s.has("handles_cases"),
    "breaks_glass": lambda s: s.has("breaks_glass"),
    # reads a protection case: those who work cases, and a county user by break-the-glass
    "reads_cases": lambda s: s.has("handles_cases") or s.has("breaks_glass"),
    "case_counts": lambda s: s.has("case_counts"),
    "protection_settings": lambda s: s.has("protection_settings"),
    # 控辍保学: the school's staff and head teachers, township supervisors, village directors, county education
    "dropout_work": lambda s: s.has("dropout_work"),
    # 控辍保学 figures (counts only): township supervisors, county education, the county admin
    "dropout_figures": lambda s: s.has("dropout_figures"),
    # the absence log (考勤): a class's head teacher, the school's staff
    "records_absences": lambda s: s.has("records_absences"),
    # the county's 控辍保学 settings and school calendar: county education and the county admin
    "dropout_settings": lambda s: s.has("dropout_settings"),
    # 联席会议: the county admin (民政) and those who handle cases (township supervisors, protection)
    "joint_meetings": lambda s: s.is_county_admin or s.has("handles_cases"),
    # 督查整改: plans inspections and checks samples; sees findings (those who file, answer or review them)
    "inspects": lambda s: s.has("inspects"),
    "findings": lambda s: s.has("inspects") or s.has("answers_findings") or s.has("reviews_findings"),
    # the 考核 scoreboard: those who inspect or re-check, and those who answer for a township's figures
    "scoreboard": lambda s: s.has("inspects") or s.has("reviews_findings") or s.has("dropout_figures"),
    # places (儿童之家、服务站 …): keep them, accept them, record attendance
    "manages_places": lambda s: s.has("manages_places"),
    "accepts_places": lambda s: s.has("accepts_places"),
    "records_attendance": lambda s: s.has("records_attendance"),
    # the staffing roster: read it (its region), keep it (the county admin)
    "reads_staff": lambda s: s.has("reads_staff"),
    "manages_staff": lambda s: s.has("manages_staff"),
    # 兜底保障: grants and applications (amounts are shown only to these), the county's confirmation, funds
    "handles_benefits": lambda s: s.has("handles_benefits"),
    "confirms_benefits": lambda s: s.has("confirms_benefits"),
    "manages_funds": lambda s: s.has("manages_funds"),
    "manages_county": lambda s: s.is_county_admin,
    # the leaders' screen (counts only): county admin, county education, partners, township supervisors, inspectors
    "dashboard": lambda s: any(a.region_id for a in s.assignments_with("dashboard")),
    # the region tables (home page figures, monthly report): every assignment on a region
    "answers_for_region": lambda s: bool(s.region_nodes()),
}


def allowed(user, *needs: str) -> bool:
    """The user has every one of `needs`."""
    scope = scope_of(user)
    return all(NEEDS[n](scope) for n in needs)


def requires(*needs: str):
    """A view for signed-in users who have every one of `needs`; anyone else gets a 404."""
    unknown = [n for n in needs if n not in NEEDS]
    if unknown or not needs:
        raise ValueError(f"unknown needs {unknown}" if unknown else "requires() needs at least one need")

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not allowed(request.user, *needs):
                raise Http404
            return view(request, *args, **kwargs)

        wrapped.required = needs
        return wrapped

    return decorate


def public(view):
    """A view anyone may open (the login page, the health check): declared, not forgotten."""
    view.required = ()
    return view
