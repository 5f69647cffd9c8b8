"""Reads of care work, always through the actor's scope: my tasks, records of a child, the care
month's progress. Out of scope behaves like missing."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.regions.models import CODE_LENGTH, Region, School, SchoolClass, code_range
from shouhu.registry.models import Child
from shouhu.rules import care as R

from .models import (
    Activity,
    Campaign,
    CampaignCell,
    CampaignMark,
    CareSetting,
    CareStatus,
    CounsellingSession,
    FamilyContact,
    Helper,
    Pairing,
    Visit,
    VisitDue,
    Wish,
)

ROLE_LABELS = {"township_supervisor": "督导员走访", "village_director": "儿童主任走访", "head_teacher": "班主任家访", "helper": "结对帮扶走访",
               "school_staff": "学校走访", "counsellor": "辅导员走访", "county_admin": "县级走访"}


# -- my tasks ------------------------------------------------------------------------------------
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


def my_tasks(actor, *, kind: str = "", today: date | None = None, limit: int = 30, offset: int = 0) -> Tasks:
    """What is due or overdue in the actor's scope, most urgent first."""
    today = today or timezone.localdate()
    scope = scope_of(actor)
    soon = today + timedelta(days=CareSetting.current().soon_days)
    counts, items = {}, []
    want = lambda k: not kind or kind == k  # noqa: E731
    if scope.has("can_care"):
        dues = VisitDue.objects.filter(visit_dues_q(actor), due__lte=soon, child__status=Child.Status.ACTIVE)
        counts["visit"] = _split(dues, "due", today)
        if want("visit"):
            rows = dues.select_related("child__village__parent").only("role", "due", "last_visit", "interval_days", "reason", *TASK_CHILD)
            for d in rows.order_by("due", "child_id")[offset:offset + limit]:
                last = f"上次走访 {d.last_visit:%Y-%m-%d}" if d.last_visit else "尚无走访记录"
                items.append(_task("visit", d.child, d.due, ROLE_LABELS.get(d.role, "走访"), f"{d.reason} · 每{d.interval_days}天 · {last}", today))
        # Contact is weekly: a "due soon" window would list every left-behind child all the time,
        # so only today's and overdue ones are tasks.
        gaps = CareStatus.objects.filter(scope.children_q_with("can_care", "child_id"), active=True, needs_contact=True, contact_due__lte=today)
        counts["contact"] = _split(gaps, "contact_due", today)
        if want("contact"):
            rows = gaps.select_related("child__village__parent").only("contact_due", "last_contact", *TASK_CHILD)
            for s in rows.order_by("contact_due", "child_id")[offset:offset + limit]:
                last = f"上次联系 {s.last_contact:%Y-%m-%d}" if s.last_contact else "尚无亲情联系记录"
                items.append(_task("contact", s.child, s.contact_due, "亲情联系", last, today))
    if scope.has("can_pair"):
        missing = CareStatus.objects.filter(scope.children_q_with("can_pair", "child_id"), active=True, needs_one_to_one=True, has_one_to_one=False)
        counts["pairing"] = {"overdue": missing.count(), "soon": 0}
        if want("pairing"):
            rows = missing.select_related("child__village__parent").only(*TASK_CHILD)
            for s in rows.order_by("child__entered_on", "child_id")[offset:offset + limit]:
                cats = "、".join(R.GROUPS[g] for g in sorted(R.ONE_TO_ONE_GROUPS) if getattr(s.child, _FIELD[g]))
                items.append(_task("pairing", s.child, s.child.entered_on or today, "落实一对一帮扶", f"{cats}，尚无一对一帮扶人", today))
    items.sort(key=lambda t: (t.due, t.kind, t.child.pk))
    return Tasks(items=items[:limit] if not kind else items, counts=counts)


_FIELD = {"orphan": "is_orphan", "de_facto": "is_de_facto", "unguarded": "flag_unguarded"}
# What a task card shows of the child: a child row is wide (JSON, history keys); fetch only these.
TASK_CHILD = ("child__uid", "child__name", "child__entered_on", *(f"child__{f}" for f in _FIELD.values()),
              "child__village__short_name", "child__village__name", "child__village__parent__short_name", "child__village__parent__name")


def _split(qs: QuerySet, due_field: str, today: date) -> dict:
    c = qs.aggregate(overdue=Count("pk", filter=Q(**{f"{due_field}__lt": today})), soon=Count("pk", filter=Q(**{f"{due_field}__gte": today})))
    return {"overdue": c["overdue"], "soon": c["soon"]}


def _task(kind: str, child: Child, due: date, title: str, detail: str, today: date) -> Task:
    state = R.due_state(due, today, 10**6)
    return Task(kind, child, due, title, detail, state, (today - due).days)


TASK_KINDS = {"visit": "走访", "contact": "亲情联系", "pairing": "一对一帮扶"}


# -- records of one child --------------------------------------------------------------------------
def care_of_child(actor, child: Child) -> dict:
    """What the child page shows of care work (no counselling: that is for counsellors only)."""
    scope = scope_of(actor)
    today = timezone.localdate()
    visits, dues = Visit.objects.filter(child=child), VisitDue.objects.filter(child=child)
    if scope.limited_fields:  # a helper sees their own visits and dues, not the cadres' notes
        visits, dues = visits.filter(Q(visitor=actor) | Q(helper__user=actor)), dues.filter(helper__user=actor)
    return {
        "pairings": list(Pairing.objects.filter(child=child).select_related("helper").order_by("-start")),
        "visits": list(visits.prefetch_related("photos")[:10]),
        "contacts": list(FamilyContact.objects.filter(child=child)[:10]),
        "wishes": list(Wish.objects.filter(child=child)[:10]),
        "activities": list(Activity.objects.filter(participations__child=child)[:10]),
        "status": CareStatus.objects.filter(child=child).first(),
        "dues": list(dues.select_related("helper").order_by("due")),
        "can_care": scope.has("can_care"), "can_pair": bool(scope.assignments_with("can_pair")) and not scope.limited_fields,
        "is_counsellor": scope.has("counsellor"), "today": today,
    }


def visits_visible_to(actor) -> QuerySet[Visit]:
    scope = scope_of(actor)
    qs = Visit.objects.filter(child__in=Child.objects.filter(scope.children_q()).values("id"))
    if scope.limited_fields:  # helpers: only the visits they made or that were recorded for them
        qs = qs.filter(Q(visitor=actor) | Q(helper__user=actor))
    return qs


def contacts_visible_to(actor) -> QuerySet[FamilyContact]:
    return FamilyContact.objects.filter(child__in=Child.objects.filter(scope_of(actor).children_q()).values("id"))


def wishes_visible_to(actor) -> QuerySet[Wish]:
    return Wish.objects.filter(child__in=Child.objects.filter(scope_of(actor).children_q()).values("id"))


def pairings_visible_to(actor) -> QuerySet[Pairing]:
    return Pairing.objects.filter(child__in=Child.objects.filter(scope_of(actor).children_q()).values("id"))


def counselling_visible_to(actor) -> QuerySet[CounsellingSession]:
    """Counsellors only: the sessions of children their counsellor role reaches. Anyone else: none."""
    scope = scope_of(actor)
    if not scope.has("counsellor"):
        return CounsellingSession.objects.none()
    return CounsellingSession.objects.filter(child__in=Child.objects.filter(scope.children_q_with("counsellor")).values("id"))


def helpers_visible_to(actor) -> QuerySet[Helper]:
    """Helpers of the regions and schools in the actor's scope (and the actor's own record)."""
    scope = scope_of(actor)
    q = Q(user_id=actor.pk)
    for a in scope.assignments:
        if a.region_id and not scope.limited_fields:
            lo, hi = code_range(a.region.code)
            q |= Q(region__code__gte=a.region.code, region__code__lte=hi) | Q(school__region_code__gte=a.region.code, school__region_code__lte=hi)
        school_id = a.school_id or (a.school_class.school_id if a.school_class_id else None)
        if school_id:
            q |= Q(school_id=school_id)
    return Helper.objects.filter(q).select_related("region", "school", "user")


def activities_visible_to(actor) -> QuerySet[Activity]:
    """Activities held in a region of the actor's scope, with a child of the actor's scope, or
    registered by the actor (a school's staff hold them in the school's township)."""
    scope = scope_of(actor)
    q = Q(participations__child__in=Child.objects.filter(scope.children_q()).values("id")) | Q(created_by_id=actor.pk)
    for r in scope.region_nodes():
        lo, hi = code_range(r.code)
        q |= Q(region__code__gte=r.code, region__code__lte=hi)
    return Activity.objects.filter(q).distinct()


def activity_for(actor, pk) -> Activity:
    try:
        return activities_visible_to(actor).get(pk=int(pk))
    except (ValueError, TypeError, Activity.DoesNotExist):
        raise Http404("未找到该活动") from None


def record_for(actor, qs: QuerySet, pk):
    """One record from a scoped queryset; missing and out of scope are the same 404."""
    try:
        return qs.get(pk=int(pk))
    except (ValueError, TypeError, qs.model.DoesNotExist):
        raise Http404("未找到该记录") from None


# -- care month progress ---------------------------------------------------------------------------
MEASURE_KEYS = list(R.MEASURES)
AGGS = {"total": Count("pk"), "all_six": Count("pk", filter=Q(done=6)), **{m: Count("pk", filter=Q(**{m: True})) for m in MEASURE_KEYS}}


@dataclass
class ProgressRow:
    label: str
    counts: dict
    link: dict

    def pct(self, key: str) -> int:
        t = self.counts.get("total") or 0
        return round(100 * (self.counts.get(key) or 0) / t) if t else 0


@dataclass
class Progress:
    title: str
    unit_label: str
    rows: list[ProgressRow]
    total: ProgressRow


def campaigns_visible_to(actor) -> QuerySet[Campaign]:
    """Campaigns whose region overlaps the actor's nodes (a region, or a school's township):
    the node's ancestors and the regions inside it. Another township's campaign is like missing."""
    scope = scope_of(actor)
    if not scope.reads_records:
        return Campaign.objects.none()
    q = NOTHING
    for a in scope.assignments:
        school = a.school or (a.school_class.school if a.school_class_id else None)
        code = a.region.code if a.region_id else (school.region_code if school else "")
        if code:
            q |= Q(region__code__startswith=code) | Q(region__code__in=[code[:n] for n in (2, 4, 6, 9) if n < len(code)])
    return Campaign.objects.filter(q).select_related("region")


def marks_visible_to(actor, campaign: Campaign) -> QuerySet[CampaignMark]:
    return CampaignMark.objects.filter(scope_of(actor).children_q("child_id"), campaign=campaign)


def _node_q(node: dict) -> Q:
    if node.get("class"):
        return Q(school_class_id=node["class"])
    if node.get("school"):
        return Q(school_id=node["school"])
    if node.get("region"):
        return Q(village_code__range=code_range(node["region"]))
    return Q()


def default_node(actor) -> dict:
    scope = scope_of(actor)
    for a in scope.assignments:
        if a.region_id:
            return {"region": a.region.code}
        if a.school_class_id:
            return {"class": a.school_class_id}
        if a.school_id:
            return {"school": a.school_id}
    return {}


def campaign_progress(actor, campaign: Campaign, node: dict) -> Progress:
    """The six measures under a node, one row per unit of the level below (townships → villages;
    a school → its classes). Out-of-scope marks are never counted."""
    marks = marks_visible_to(actor, campaign).filter(_node_q(node))
    if node.get("school") or node.get("class"):
        school = School.objects.get(pk=node["school"]) if node.get("school") else SchoolClass.objects.select_related("school").get(pk=node["class"]).school
        grouped = {r["school_class_id"]: r for r in marks.values("school_class_id").annotate(**AGGS).order_by()}
        classes = SchoolClass.objects.filter(school=school)
        if node.get("class"):
            classes = classes.filter(pk=node["class"])
        rows = [ProgressRow(str(c), _counts(grouped.get(c.id)), {"class": c.id}) for c in classes]
        if None in grouped and not node.get("class"):
            rows.append(ProgressRow("未分班", _counts(grouped[None]), {"school": school.id}))
        return Progress(school.name, "班级", rows, _sum(rows, node))
    region = Region.objects.get(code=node.get("region") or campaign.region.code)
    if _covers(actor, region):  # the whole subtree is the user's: add up the per-village cells
        rows, total = CampaignCell.objects.filter(campaign=campaign, village_code__range=code_range(region.code)), CELL_SUMS
    else:  # part of it (a school's pupils in this township): count the marks the scope lets through
        rows, total = marks, AGGS
    if region.level >= 5:
        row = ProgressRow(region.display_name, _counts(rows.aggregate(**total)), {"region": region.code})
        return Progress(region.display_name, "村（社区）", [row], row)
    n = CODE_LENGTH[region.level + 1]
    grouped = {r["prefix"]: r for r in rows.annotate(prefix=Substr("village_code", 1, n)).values("prefix").annotate(**total).order_by()}
    rows = [ProgressRow(u.display_name, _counts(grouped.get(u.code)), {"region": u.code})
            for u in Region.objects.filter(parent=region).order_by("code")]
    unit = {3: "乡镇（街道）", 4: "村（社区）"}.get(region.level, "下级")
    return Progress(region.display_name, unit, rows, _sum(rows, {"region": region.code}))


CELL_SUMS = {k: Sum(k) for k in AGGS}


def _covers(actor, region: Region) -> bool:
    """An admin-line assignment of the user reaches every child under `region`."""
    lo, hi = code_range(region.code)
    for a in scope_of(actor).assignments:
        if a.region_id and ROLES[a.role].line == "admin" and ROLES[a.role].sees_children:
            alo, ahi = code_range(a.region.code)
            if alo <= lo and hi <= ahi:
                return True
    return False


def _counts(r: dict | None) -> dict:
    return {k: (r or {}).get(k) or 0 for k in AGGS}


def _sum(rows: list[ProgressRow], link: dict) -> ProgressRow:
    return ProgressRow("合计", {k: sum(r.counts[k] for r in rows) for k in AGGS}, link)


def campaign_missing(actor, campaign: Campaign, node: dict, measure: str = "") -> QuerySet[CampaignMark]:
    """The children under a node still missing `measure` (any measure when blank)."""
    q = Q(**{measure: False}) if measure in R.MEASURES else Q(done__lt=6)
    return (marks_visible_to(actor, campaign).filter(_node_q(node)).filter(q)
            .select_related("child__village__parent").order_by("village_code", "child__name_pinyin", "child_id"))
