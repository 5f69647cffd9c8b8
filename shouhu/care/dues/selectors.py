"""My tasks: what is due or overdue in the actor's scope, read from the maintained rows."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.registry.models import Child
from shouhu.rules import care as R

from ..visits.selectors import ROLE_LABELS
from .models import CareSetting, CareStatus, VisitDue

TASK_KINDS = {"visit": "走访", "contact": "亲情联系", "pairing": "一对一帮扶"}


@dataclass
class Task:
    kind: str           # "visit" | "pairing" | "contact"
    child: Child
    due: date
    title: str
    detail: str
    state: str          # overdue | today | soon
    days: int           # days overdue (>0) or until due (<=0)


@dataclass
class Tasks:
    items: list[Task]
    counts: dict = field(default_factory=dict)  # kind -> {"overdue": n, "soon": n}

    @property
    def total(self) -> int:
        return sum(c["overdue"] + c["soon"] for c in self.counts.values())


def visit_dues_q(actor) -> Q:
    """The visit dues that are the actor's to do: per role, in that role's scope; a helper's own."""
    scope = scope_of(actor)
    q = NOTHING
    for a in scope.assignments_with("can_care"):
        if a.role == "helper":
            q |= Q(role="helper", helper__user_id=actor.pk)
        else:
            q |= Q(role=a.role) & scope.assignment_children_q(a, "child_id")
    return q


def my_tasks(actor, *, kind: str = "", today: date | None = None, limit: int = 30, offset: int = 0,
             region: tuple[str, str] | None = None) -> Tasks:
    """What is due or overdue in the actor's scope, most urgent first. With `region` (a village-code
    range): one place's visits due of every role in the actor's scope, not only the actor's own —
    what a county or township user follows up (the home page's progress table links here)."""
    today = today or timezone.localdate()
    scope = scope_of(actor)
    soon = today + timedelta(days=CareSetting.current().soon_days)
    counts, items = {}, []
    want = lambda k: not kind or kind == k  # noqa: E731
    if scope.has("can_care"):
        whose = scope.children_q_with("can_care", "child_id") & Q(village_code__range=region) if region else visit_dues_q(actor)
        dues = VisitDue.objects.filter(whose, due__lte=soon, child__status=Child.Status.ACTIVE)
        counts["visit"] = _split(dues, "due", today)
        if want("visit"):
            rows = dues.select_related("child__village__parent").only("role", "due", "last_visit", "interval_days", "reason", *TASK_CHILD)
            for d in rows.order_by("due", "child_id")[offset:offset + limit]:
                last = f"上次走访 {d.last_visit:%Y-%m-%d}" if d.last_visit else "尚无走访记录"
                items.append(_task("visit", d.child, d.due, ROLE_LABELS.get(d.role, "走访"), f"{d.reason} · 每{d.interval_days}天 · {last}", today))
        # Contact is weekly: a "due soon" window would list every left-behind child all the time,
        # so only today's and overdue ones are tasks.
        gaps = CareStatus.objects.alias(mine=_checked_after(scope.children_q_with("can_care", "child_id"))).filter(
            mine=True, active=True, needs_contact=True, contact_due__lte=today)
        if region:
            gaps = gaps.filter(village_code__range=region)
        counts["contact"] = _split(gaps, "contact_due", today)
        if want("contact"):
            rows = gaps.select_related("child__village__parent").only("contact_due", "last_contact", *TASK_CHILD)
            for s in rows.order_by("contact_due", "child_id")[offset:offset + limit]:
                last = f"上次联系 {s.last_contact:%Y-%m-%d}" if s.last_contact else "尚无亲情联系记录"
                items.append(_task("contact", s.child, s.contact_due, "亲情联系", last, today))
    if scope.has("can_pair"):
        missing = CareStatus.objects.filter(scope.children_q_with("can_pair", "child_id"), active=True, needs_one_to_one=True, has_one_to_one=False)
        if region:
            missing = missing.filter(village_code__range=region)
        counts["pairing"] = {"overdue": missing.count(), "soon": 0}
        if want("pairing"):
            rows = missing.select_related("child__village__parent").only("since", *TASK_CHILD)
            for s in rows.order_by("since", "child_id")[offset:offset + limit]:
                cats = "、".join(R.GROUPS[g] for g in sorted(R.ONE_TO_ONE_GROUPS) if getattr(s.child, _FIELD[g]))
                items.append(_task("pairing", s.child, s.since or today, "落实一对一帮扶", f"{cats}，尚无一对一帮扶人", today))
    items.sort(key=lambda t: (t.due, t.kind, t.child.pk))
    return Tasks(items=items[:limit] if not kind else items, counts=counts)


_FIELD = {"orphan": "is_orphan", "de_facto": "is_de_facto", "unguarded": "flag_unguarded"}
# What a task card shows of the child: a child row is wide (JSON, history keys); fetch only these.
TASK_CHILD = ("child__uid", "child__name", "child__entered_on", *(f"child__{f}" for f in _FIELD.values()),
              "child__village__short_name", "child__village__name", "child__village__parent__short_name", "child__village__parent__name")


def _checked_after(q: Q) -> Case:
    """The scope as a value checked on each row the index gives, not a condition that picks the index.
    A county's user has every village: SQLite's planner takes the range on the village code as
    selective, reads the county's 65,000 contact rows through the village index, joins each to its
    child and sorts them for the first page (100 ms at 100,000 children); checked after, it reads
    the partial index `care_status_contact_gap` in due order and stops at the page (2 ms). A
    village's user reads at most the county's overdue rows of that index (docs/benchmarks.md)."""
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def _split(qs: QuerySet, due_field: str, today: date) -> dict:
    c = qs.aggregate(overdue=Count("pk", filter=Q(**{f"{due_field}__lt": today})), soon=Count("pk", filter=Q(**{f"{due_field}__gte": today})))
    return {"overdue": c["overdue"], "soon": c["soon"]}


def _task(kind: str, child: Child, due: date, title: str, detail: str, today: date) -> Task:
    state = R.due_state(due, today, 10**6)
    return Task(kind, child, due, title, detail, state, (today - due).days)


# -- coverage by place (the leaders' screen) -------------------------------------------------------
def coverage_by_unit(*, village_range: tuple[str, str], unit_length: int, today: date | None = None) -> dict[str, dict[str, int]]:
    """{unit code (the first `unit_length` digits of the village code): counts} from the maintained
    rows, never from visits: children owing family contact (`contact`) and those whose contact is
    on time (`contact_ok`); key children owing a one-to-one pairing (`pair`) and those who have it
    (`pair_ok`); visit dues (`visits`) and those not yet overdue (`visits_ok`)."""
    today = today or timezone.localdate()
    unit = Substr("village_code", 1, unit_length)
    status = (CareStatus.objects.filter(village_code__range=village_range, active=True).annotate(unit=unit).values("unit")
              .annotate(contact=Count("pk", filter=Q(needs_contact=True)), contact_ok=Count("pk", filter=Q(needs_contact=True, contact_due__gte=today)),
                        pair=Count("pk", filter=Q(needs_one_to_one=True)), pair_ok=Count("pk", filter=Q(needs_one_to_one=True, has_one_to_one=True)))
              .order_by())
    out = {r.pop("unit"): {**r, "visits": 0, "visits_ok": 0} for r in status}
    dues = (VisitDue.objects.filter(village_code__range=village_range).annotate(unit=unit).values("unit")
            .annotate(visits=Count("*"), visits_ok=Count("pk", filter=Q(due__gte=today))).order_by())
    for r in dues:
        cell = out.setdefault(r["unit"], dict.fromkeys(("contact", "contact_ok", "pair", "pair_ok"), 0))
        cell["visits"], cell["visits_ok"] = r["visits"], r["visits_ok"]
    return out


def overdue_visits_by_unit(*, village_range: tuple[str, str], unit_length: int, today: date | None = None) -> dict[str, int]:
    """{unit code: visit dues past their date} (the tasks list's overdue visits, counted by place
    from the maintained rows). A child out of 在册 status owes no visit (`rules.care.visit_dues`
    gives none and its rows are rebuilt), so no join to the child is needed."""
    today = today or timezone.localdate()
    # every role named, so that the (role, village_code, due) index serves the range (role leads it)
    roles = sorted({*ROLES, "helper"})
    rows = (VisitDue.objects.filter(role__in=roles, village_code__range=village_range, due__lt=today)
            .annotate(unit=Substr("village_code", 1, unit_length)).values("unit").annotate(n=Count("pk")).order_by())
    return {r["unit"]: r["n"] for r in rows}
