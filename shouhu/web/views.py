"""Home: each role sees the numbers it answers for (底数), by the level below, its alerts and its tasks."""
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from shouhu.accounts.permissions import allowed, requires
from shouhu.accounts.scope import scope_of
from shouhu.care.dues.selectors import TASK_KINDS, my_tasks
from shouhu.protection import cases as protection_cases
from shouhu.protection import meetings
from shouhu.protection import selectors as alert_selectors
from shouhu.protection.models import ActionItem, MandatoryReport
from shouhu.quality import selectors as quality_selectors
from shouhu.quality.models import DuplicatePair
from shouhu.regions.models import Region, School, code_range
from shouhu.registry import stats
from shouhu.registry.fields import statistics_only
from shouhu.registry.models import COUNTED
from shouhu.registry.selectors import children_visible_to
from shouhu.reports import rules as report_rules
from shouhu.reports import selectors as report_selectors
from shouhu.rules.cases import STATES as CASE_STATES
from shouhu.staffing.selectors import vacancy_count
from shouhu.supervision.scoreboard import latest_frozen

from . import dashboard as leaders
from .progress import home_progress


def _region_schools(a) -> stats.StatTable:
    schools = School.objects.filter(region_code__range=code_range(a.region.code)).order_by("region_code", "name")
    return stats.schools_table(f"{a.region.display_name} 各学校", list(schools))


# Role.home → (assignment, user) → the table, for an assignment whose node is set
HOME_TABLES = {
    "region": lambda a, user: stats.region_table(a.region) if a.region_id else None,
    "region_schools": lambda a, user: _region_schools(a) if a.region_id else None,
    "school": lambda a, user: stats.classes_table(a.school) if a.school_id else None,
    "class": lambda a, user: stats.classes_table(a.school_class.school, [a.school_class]) if a.school_class_id else None,
}


def home_tables(user) -> list[stats.StatTable]:
    scope = scope_of(user)
    tables = [t for a in scope.assignments if (fn := HOME_TABLES.get(a.role_def.home)) and (t := fn(a, user)) is not None]
    if any(a.role_def.home == "pairing" for a in scope.assignments):
        tables.append(stats.children_table("我的结对儿童", children_visible_to(user)))
    if statistics_only(scope):
        tables = [stats.suppressed(t) for t in tables]
    return tables


@requires("signed_in")
def home(request):
    scope = scope_of(request.user)
    tasks = my_tasks(request.user, limit=5) if allowed(request.user, "care_work") else None
    return render(request, "home.html", {
        "scope": scope, "tables": home_tables(request.user), "columns": COUNTED,
        "links": scope.sees_children, "tasks": tasks, "kinds": TASK_KINDS if tasks else {},
        "alerts": home_alerts(request.user) if allowed(request.user, "sees_alerts") else None, "now": timezone.now(),
        "cases": home_cases(request.user), "today": home_today(request.user, scope), "progress": home_progress(request.user),
    })


def home_today(user, scope) -> list[dict]:
    """What the user must do today that no other card says: the township's 月报 while it is due
    (its own clock: the deadline day of the next month, docs/domain.md) and duplicate pairs
    waiting for a decision the user may take. Each is a line with a link, or nothing."""
    today, items = timezone.localdate(), []
    month = report_rules.previous_month(today)
    for a in scope.assignments:
        if a.role != "township_supervisor" or not a.region_id or not report_selectors.can_submit(user, a.region):
            continue
        if report_selectors.open_submission(township=a.region, month=month) is None:
            due = report_rules.deadline(month, report_selectors.deadline_day())
            when = "今天截止" if due == today else (f"已逾期 {(today - due).days} 天" if due < today else f"{due.month}月{due.day}日截止")
            query = urlencode({"node": a.region.code, "month": report_rules.format_month(month)})
            items.append({"text": f"{a.region.display_name} {report_rules.month_label(month)}月报待上报，{when}",
                          "url": f"{reverse('reports:monthly')}?{query}", "urgent": due <= today})
    if scope.edit_regions():
        n = quality_selectors.pairs_visible_to(user).filter(status=DuplicatePair.Status.OPEN).count()
        if n:
            items.append({"text": f"{n} 对疑似重复档案待处理（合并或标记不是同一人）", "url": reverse("quality:duplicates"), "urgent": False})
    if allowed(user, "manages_staff"):
        n = vacancy_count(user)  # one count over the maintained vacancy rows
        if n:
            items.append({"text": f"{n} 个岗位空缺（儿童主任、儿童督导员、心理辅导教师），请及时选配", "url": reverse("staffing:vacancies"), "urgent": False})
    return items


def home_cases(user) -> dict | None:
    """The case worker's cases in progress, late and awaiting their approval; the county admin's and
    inspectors' counts by step (never a case)."""
    if allowed(user, "handles_cases"):
        return {"summary": protection_cases.case_summary(user)}
    if allowed(user, "case_counts"):
        counts = protection_cases.case_counts(user)
        return {"counts": [(CASE_STATES[k], n) for k, n in counts.items()], "total": sum(counts.values())}
    return None


def home_alerts(user) -> dict:
    """Active alerts by level among those the user sees, and the most urgent few the user owns."""
    mine = (alert_selectors.by_urgency(alert_selectors.alerts_visible_to(user).filter(alert_selectors.mine_q(user)), active_only=True)
            if alert_selectors.owns_alerts(user) else None)  # the county admin watches the counts, owns no alert
    pending = (alert_selectors.reports_handled_by(user).filter(status=MandatoryReport.Status.FILED).count()
               if allowed(user, "handles_cases") else None)
    overdue_items = (meetings.items_visible_to(user).filter(status=ActionItem.Status.OPEN, due__lt=timezone.localdate()).count()
                     if allowed(user, "joint_meetings") else None)
    return {"counts": alert_selectors.open_counts(user), "items": list(mine.select_related("child__village__parent")[:5]) if mine is not None else [],
            "reports_pending": pending, "items_overdue": overdue_items, "owns": mine is not None}


@requires("dashboard")
def dashboard(request):
    """The leaders' screen of a node (the user's county or township, or a place below it): counts
    only, each chart leading to its list; another township's screen is a 404."""
    node = leaders.dashboard_node(request.user, request.GET.get("node"))
    d = leaders.build(request.user, node)
    up = node.parent if node.parent_id and any(node.parent.code.startswith(a.region.code) for a in
                                                  scope_of(request.user).assignments_with("dashboard") if a.region_id) else None
    score = latest_frozen(request.user) if allowed(request.user, "scoreboard") else None
    return render(request, "dashboard/dashboard.html", {
        "d": d, "node": node, "up": up, "charts": {c.id: c.as_json() for c in d.charts},
        "score": score, "score_rows": sorted(score["townships"], key=lambda t: (t["veto"], -(t["score"] or 0))) if score else [],
        "month": report_rules.format_month(report_rules.previous_month(timezone.localdate())),
    })


@requires("dashboard")
def briefing(request):
    """The printable one-page monthly briefing (月度简报) of a node: the month's report figures in
    brief (frozen when the township submitted), small counts suppressed for statistics-only readers."""
    node = leaders.dashboard_node(request.user, request.GET.get("node"))
    today = timezone.localdate()
    month = report_rules.parse_month(request.GET.get("month", "")) or report_rules.previous_month(today)
    if month > report_rules.month_start(today):
        month = report_rules.previous_month(today)
    view = report_selectors.monthly_report(request.user, node_code=node.code, month=month)
    statuses = (report_selectors.township_statuses(list(Region.objects.filter(parent=node, level=4).values_list("code", flat=True)),
                                                   month=month, today=today) if node.level == 3 else {})
    late = sum(1 for st, _ in statuses.values() if st == report_rules.LATE)
    return render(request, "dashboard/briefing.html", {
        "node": node, "view": view, "month_label": report_rules.month_label(month), "month_value": report_rules.format_month(month),
        "categories": view.figures["tables"][0], "sections": [_section_brief(s) for s in view.figures.get("sections", [])],
        "submitted": sum(1 for st, _ in statuses.values() if st in (report_rules.SUBMITTED, report_rules.SUBMITTED_LATE)),
        "late": late, "townships": len(statuses), "now": timezone.localtime(), "max_month": report_rules.format_month(today),
    })


def _section_brief(section: dict) -> dict:
    """A feature's table in brief: its title and the county's (node's) total row, column by column."""
    return {"key": section["key"], "title": section["title"],
            "figures": [(label, section["total"]["counts"].get(k, 0)) for k, label in section["columns"]]}
