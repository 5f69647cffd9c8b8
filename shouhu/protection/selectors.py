"""Who sees which alerts (docs/domain.md, "Early warning"; "Privacy"). An alert is about a child, so
it is seen only where the child is: through the roles that work alerts (`Role.sees_alerts`), and a
confidential alert (counselling) only through the confidential roles (counsellor, protection)."""
from datetime import datetime, timedelta

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from shouhu.accounts.models import Assignment
from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.core.errors import NotFound
from shouhu.regions.models import code_range, in_region
from shouhu.registry.selectors import children_visible_to
from shouhu.rules import alerts as A

from .models import Alert, MandatoryReport


def alerts_visible_to(actor) -> QuerySet[Alert]:
    scope = scope_of(actor)
    q = NOTHING
    for a in scope.assignments:
        role = ROLES[a.role]
        if not (role.sees_alerts or role.counsellor):
            continue
        where = scope.assignment_children_q(a, "child_id")
        if role.sees_alerts:  # a confidential alert only to a confidential role
            q |= where if role.confidential else where & Q(confidential=False)
        else:  # a counsellor: the counselling alerts of the children of their school
            q |= where & Q(confidential=True)
    return Alert.objects.filter(q)


OWNER_ROLES = frozenset(role for rule in A.RULES.values() for role, _ in rule.chain)


def owns_alerts(actor) -> bool:
    """The actor holds a role some alert can be owned by (the county admin watches, owns none)."""
    return bool(OWNER_ROLES & scope_of(actor).roles)


def mine_q(actor) -> Q:
    """Alerts the actor's roles own at the places the actor answers for."""
    scope = scope_of(actor)
    q = NOTHING
    for a in scope.assignments:
        if a.role in OWNER_ROLES:
            q |= Q(owner_role=a.role) & scope.assignment_children_q(a, "child_id")
    return q


def by_urgency(qs: QuerySet[Alert], *, active_only: bool = False) -> QuerySet[Alert]:
    """Active first, then 红 → 黄, then the soonest deadline, then the oldest. Active alerts alone
    are read in the order of a partial index (`alert_urgent_order`), so a page costs the same in a
    county of 100,000 children as in one of 10,000."""
    order = ("rank", F("next_check_at").asc(nulls_last=True), "opened_at", "id")
    if active_only:
        return qs.filter(status__in=Alert.ACTIVE).order_by(*order)
    active = Case(When(status__in=Alert.ACTIVE, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(_active=active).order_by("_active", *order)


def alert_for(actor, pk) -> Alert:
    """The alert if the actor may see it; the same 404 for missing and out of sight."""
    try:
        return alerts_visible_to(actor).select_related("child").get(pk=int(pk))
    except (ValueError, TypeError, Alert.DoesNotExist):
        raise NotFound("预警不存在") from None


def can_work(actor, alert: Alert) -> bool:
    """The current owner's role, or one further up the alert's chain, may act on it."""
    roles = {r for r, _ in alert.rule.chain[alert.stage:]}
    return bool(roles & scope_of(actor).roles)


def open_counts(actor) -> dict[str, int]:
    """Active alerts by level among those the actor sees (the home page's card)."""
    # COUNT(*), not COUNT(id): the count is then answered from the index alone (`alert_counts`)
    rows = alerts_visible_to(actor).filter(status__in=Alert.ACTIVE).values("level").annotate(n=Count("*")).order_by()
    counts = {lv: 0 for lv in A.LEVELS}
    for level, n in rows.values_list("level", "n"):
        counts[level] = n
    return counts


# -- mandatory reports ------------------------------------------------------------------------------
def reports_handled_by(actor) -> QuerySet[MandatoryReport]:
    """Reports of the places the actor handles cases for (the township supervisor's township, the
    protection role's county): where the child was found, whether or not the child is registered."""
    scope = scope_of(actor)
    q = NOTHING
    for a in scope.assignments_with("handles_cases"):
        if a.region_id:
            q |= Q(village_code__range=code_range(a.region.code))
    return MandatoryReport.objects.filter(q)


def reports_visible_to(actor) -> QuerySet[MandatoryReport]:
    """Those the actor handles, and those the actor filed (the reporter follows their report's status)."""
    return MandatoryReport.objects.filter(Q(pk__in=reports_handled_by(actor).values("pk")) | Q(reporter=actor))


def report_for(actor, pk) -> MandatoryReport:
    try:
        return reports_visible_to(actor).select_related("child", "village__parent", "reporter", "received_by").get(pk=int(pk))
    except (ValueError, TypeError, MandatoryReport.DoesNotExist):
        raise NotFound("报告不存在") from None


def handles(actor, report: MandatoryReport) -> bool:
    """The actor handles reports of the report's place (saved or not)."""
    return any(a.region_id and in_region(report.village_code, a.region.code) for a in scope_of(actor).assignments_with("handles_cases"))


def shows_child(actor, report: MandatoryReport) -> bool:
    """Whether the reader is told which registered child the report is about: its handlers, and whoever
    sees that child anyway. A reporter who described a child they cannot see (a name, "a boy about
    eight") is not told which record the handlers matched it to: that is part of the handling, and
    the record is out of their scope."""
    if not report.child_id or handles(actor, report):
        return True
    return children_visible_to(actor).filter(pk=report.child_id).exists()


def report_who(actor, report: MandatoryReport) -> str:
    """The child as this reader may see the report name them (`shows_child`); otherwise as the reporter wrote it."""
    return report.who if shows_child(actor, report) else (report.child_name or "姓名不详")


# -- who to tell ----------------------------------------------------------------------------------
def _place_key(role: str, place: str, village_code: str, school_id) -> tuple:
    if place == "school":
        return (role, "school", school_id)
    return (role, "region", {"village": village_code, "township": village_code[:9], "county": village_code[:6]}.get(place, village_code[:6]))


def owner_users(items) -> dict[int, list]:
    """For each (alert or report) — by its `owner_role`, or the report's handlers — the active users
    who hold that role at the place: {item index: [users]}. One query per distinct (role, place)."""
    cache: dict[tuple, list] = {}
    out = {}
    for i, (role, place, village_code, school_id) in enumerate(items):
        key = _place_key(role, place, village_code, school_id)
        if key not in cache:
            qs = Assignment.objects.filter(role=role, user__is_active=True).select_related("user")
            qs = qs.filter(school_id=key[2]) if key[1] == "school" else qs.filter(region__code=key[2])
            cache[key] = [a.user for a in qs]
        out[i] = cache[key]
    return out


def role_label(code: str) -> str:
    return ROLES[code].label if code in ROLES else code


def place_of(rule_chain, role: str) -> str:
    return next((p for r, p in rule_chain if r == role), "county")


# -- open work by place and age (the leaders' screen: counts, never a name) -------------------------
AGE_BANDS: tuple[tuple[str, str, int | None], ...] = (("d1", "1天内", 1), ("d3", "1–3天", 3), ("d7", "3–7天", 7), ("old", "超过7天", None))


def age_counts(field: str, now: datetime) -> dict:
    """Conditional counts by how long ago `field` was: the bands of `AGE_BANDS`."""
    out, lower = {}, None
    for key, _label, days in AGE_BANDS:
        cond = Q() if days is None else Q(**{f"{field}__gt": now - timedelta(days=days)})
        if lower is not None:
            cond &= Q(**{f"{field}__lte": now - timedelta(days=lower)})
        out[key] = Count("pk", filter=cond) if cond else Count("*")
        lower = days
    return out


def unsigned_alerts_by_unit(*, village_range: tuple[str, str], unit_length: int) -> dict[str, dict[str, int]]:
    """{unit: {"red": n, "other": n}} of the alerts nobody has signed for yet (待签收), not confidential,
    placed in `village_range` (one grouped count on the `alert_counts` index)."""
    rows = (Alert.objects.filter(status=Alert.Status.OPEN, village_code__range=village_range, confidential=False)
            .annotate(unit=Substr("village_code", 1, unit_length)).values("unit")
            .annotate(red=Count("pk", filter=Q(level="red")), other=Count("pk", filter=~Q(level="red"))).order_by())
    return {r.pop("unit"): r for r in rows}


def open_alerts_by_unit(*, village_range: tuple[str, str], unit_length: int, now: datetime | None = None) -> dict[str, dict[str, int]]:
    """{unit: {level: n, age band: n}} of the active alerts placed in `village_range` that are not
    confidential (the same alerts the county's alert card and list count: the number clicked is
    the number listed)."""
    now = now or timezone.now()
    rows = (Alert.objects.filter(village_code__range=village_range, status__in=Alert.ACTIVE, confidential=False)
            .annotate(unit=Substr("village_code", 1, unit_length)).values("unit")
            .annotate(**{lv: Count("pk", filter=Q(level=lv)) for lv in A.LEVELS}, **age_counts("opened_at", now)).order_by())
    return {r.pop("unit"): r for r in rows}
