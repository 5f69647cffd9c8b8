"""The menu shows a page only to users who may open it: each entry asks the need its page
declares (`accounts.permissions.NEEDS`), so a menu never leads to a 404."""
from shouhu.accounts.permissions import NEEDS
from shouhu.accounts.scope import scope_of
from shouhu.notify.services import unread_count
from shouhu.regions.selectors import schools_visible_to

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
    "benefits": "handles_benefits",
    "funds": "manages_funds",
    "help": "signed_in",  # 使用说明: every role has its page
    # 阵地建设: the places and their sign-in, the 家长学校; coverage for those who keep places of a region
    "places": "records_attendance",
    "places_manage": "manages_places",
    "places_coverage": "manages_places",
    "places_settings": "manages_county",
    "staff": "reads_staff",
}


def nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    entries = {entry: NEEDS[need](scope) for entry, need in MENU.items()}
    # 学校班级 and the school pages of 学籍核对 lead somewhere only for those who have schools;
    # a village director's part of 学籍核对 is the village's 人籍一致 list, linked to directly.
    entries["has_schools"] = entries["schools"] and schools_visible_to(user).exists()
    # coverage is read for a region: a school's staff keep the school's places but answer for no region
    entries["places_coverage"] = entries["places_coverage"] and any(a.region_id for a in scope.assignments_with("manages_places"))
    entries["village_roster"] = not entries["has_schools"] and entries["care"] and bool(scope.edit_regions())
    return {"nav": entries}


def inbox(request):
    """The unread count in the top bar (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread": unread_count(user)}
