"""Home: each role sees the numbers it answers for (底数), by the level below."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from shouhu.accounts.scope import scope_of
from shouhu.regions.models import School, code_range
from shouhu.registry import stats
from shouhu.registry.models import COUNTED
from shouhu.registry.selectors import children_visible_to


def home_tables(user) -> list[stats.StatTable]:
    scope = scope_of(user)
    tables = []
    for a in scope.assignments:
        role = a.role_def
        if role.line == "admin" and a.region_id or a.role == "county_partner" and a.region_id:
            tables.append(stats.region_table(a.region))
        elif a.role == "county_education" and a.region_id:
            schools = School.objects.filter(region_code__range=code_range(a.region.code)).order_by("region_code", "name")
            tables.append(stats.schools_table(f"{a.region.display_name} 各学校", list(schools)))
        elif a.role in ("school_staff", "counsellor") and a.school_id:
            tables.append(stats.classes_table(a.school))
        elif a.role == "head_teacher" and a.school_class_id:
            tables.append(stats.classes_table(a.school_class.school, [a.school_class]))
    if "helper" in scope.roles:
        tables.append(stats.children_table("我的结对儿童", children_visible_to(user)))
    return tables


@login_required
def home(request):
    scope = scope_of(request.user)
    tables = home_tables(request.user)
    tasks = None
    if scope.has("can_care") or scope.has("can_pair"):
        from shouhu.care.selectors import my_tasks
        from shouhu.care.views import TASK_KINDS

        tasks = my_tasks(request.user, limit=5)
    return render(request, "home.html", {
        "scope": scope, "tables": tables, "columns": COUNTED,
        "links": scope.sees_children, "tasks": tasks, "kinds": TASK_KINDS if tasks else {},
    })
