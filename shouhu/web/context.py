"""The menu shows a page only to users who may open it: each entry asks the need its page
declares (`accounts.permissions.NEEDS`), so a menu never leads to a 404."""
from shouhu.accounts.permissions import NEEDS
from shouhu.accounts.scope import scope_of
from shouhu.notify.services import unread_count

MENU = {
    "children": "sees_children",
    "can_create": "edits_records",
    "schools": "reads_records",
    "county_admin": "manages_county",
    "intake": "reads_records",
    "reports": "answers_for_region",
    "tasks": "care_work",
    "care": "reads_records",
    "counsellor": "counsellor",
    "alerts": "sees_alerts",
    "protection_settings": "protection_settings",
    "reports_mandatory": "signed_in",
    "cases": "handles_cases",
    "dropout": "dropout_work",
    "dropout_figures": "dropout_figures",
    "absences": "records_absences",
    "dropout_settings": "dropout_settings",
    "meetings": "joint_meetings",
    "supervision": "findings",
    "scoreboard": "scoreboard",
    "dashboard": "dashboard",
}


def nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    return {"nav": {entry: NEEDS[need](scope) for entry, need in MENU.items()}}


def inbox(request):
    """The unread count in the top bar (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread": unread_count(user)}
