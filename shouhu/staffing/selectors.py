"""Reads of the roster (docs/domain.md, "People"). A person, a tenure and a vacancy sit at a place
code (a village, a township, the county, a school's township); a user reaches them through an
assignment whose role reads the roster (`reads_staff`) and whose region holds that code — a
township's supervisor their township, the county its whole tree. Missing and not yours are the
same 404."""
from datetime import date

from django.db.models import Q, QuerySet

from shouhu.accounts.models import Assignment
from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.core.errors import NotFound
from shouhu.regions.models import Region, School, in_region
from shouhu.rules import staffing as R

from .models import Appointment, Person, SocialWorkOrg, Training, Vacancy


def _regions(actor, flag: str = "reads_staff") -> list[Region]:
    return [a.region for a in scope_of(actor).assignments_with(flag) if a.region_id]


def place_q(actor, field: str = "place_code", flag: str = "reads_staff") -> Q:
    q = NOTHING
    for r in _regions(actor, flag):
        q |= Q(**{f"{field}__startswith": r.code})
    return q


def manages(actor, code: str) -> bool:
    """The actor keeps the roster of the place `code` (the county admin of its county)."""
    return any(in_region(code, r.code) for r in _regions(actor, "manages_staff"))


def people_visible_to(actor) -> QuerySet[Person]:
    return Person.objects.filter(place_q(actor, "region_code"))


def person_for(actor, pk) -> Person:
    try:
        return people_visible_to(actor).select_related("region", "org", "user").get(pk=int(pk))
    except (ValueError, TypeError, Person.DoesNotExist):
        raise NotFound("未找到该人员") from None


def appointments_visible_to(actor) -> QuerySet[Appointment]:
    return Appointment.objects.filter(place_q(actor))


def appointment_for(actor, pk) -> Appointment:
    try:
        return appointments_visible_to(actor).select_related("person", "region", "school", "org").get(pk=int(pk))
    except (ValueError, TypeError, Appointment.DoesNotExist):
        raise NotFound("未找到该任职记录") from None


def training_for(actor, person: Person, pk) -> Training:
    row = Training.objects.filter(person=person, pk=pk).first() if str(pk).isdigit() else None
    if row is None:
        raise NotFound("未找到该培训记录")
    return row


def vacancies_visible_to(actor) -> QuerySet[Vacancy]:
    return Vacancy.objects.filter(filled_on__isnull=True).filter(place_q(actor))


def vacancy_count(actor) -> int:
    """One indexed count (the home card)."""
    return vacancies_visible_to(actor).count()


def orgs_visible_to(actor) -> QuerySet[SocialWorkOrg]:
    """An organisation serving the county serves each township: a township's reader sees those of
    its township and of the places above it."""
    q = NOTHING
    for r in _regions(actor):
        q |= Q(region_code__startswith=r.code) | Q(region_code__in=[r.code[:n] for n in (6, 9) if n < len(r.code)])
    return SocialWorkOrg.objects.filter(q)


def townships_of(actor) -> list[Region]:
    """The townships the actor reads (the roster's filter)."""
    q = NOTHING
    for r in _regions(actor):
        q |= Q(code__startswith=r.code) if r.level <= 4 else Q(code=r.code[:9])
    return list(Region.objects.filter(q, level=4).order_by("code")) if q is not NOTHING else []


# -- whom to tell -------------------------------------------------------------------------------
def keepers_of(place_code: str) -> list:
    """The active users who keep the roster of a place (manages_staff on a region holding it)."""
    prefixes = [place_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(place_code)]
    rows = Assignment.objects.filter(user__is_active=True, region__code__in=prefixes).select_related("user")
    return [a.user for a in rows if ROLES[a.role].manages_staff]


# -- figures ------------------------------------------------------------------------------------
def posts_in(actor) -> dict[str, int]:
    """How many posts each required kind has in the actor's regions: a village's 儿童主任, a
    township's 督导员, an active school's 心理辅导教师."""
    q_region, q_school = NOTHING, NOTHING
    for r in _regions(actor):
        q_region |= Q(code__startswith=r.code)
        q_school |= Q(region_code__startswith=r.code[:9])
    return {"village_director": Region.objects.filter(q_region, level=5).count(),
            "township_supervisor": Region.objects.filter(q_region, level=4).count(),
            "counsellor": School.objects.filter(q_school, active=True).count()}


def figures(actor, *, today: date) -> list[dict]:
    """Per kind: posts, held today, vacant, ended this year and the turnover rate (流动率)."""
    posts = posts_in(actor)
    rows = list(appointments_visible_to(actor).filter(Q(end_on__isnull=True) | Q(end_on__year__gte=today.year))
                .values_list("kind", "place_code", "start_on", "end_on", "school_id"))
    tenures = [R.Tenure(kind, R.school_place(school) if school else code, start, end) for kind, code, start, end, school in rows]
    turnover = R.turnover(tenures, posts, today.year)
    vacant = dict.fromkeys(R.KINDS, 0)
    for kind in vacancies_visible_to(actor).values_list("kind", flat=True):
        vacant[kind] += 1
    out = []
    for code, k in R.KINDS.items():
        held = sum(1 for t in tenures if t.kind == code and R.holds_on(t, today))
        t = turnover[code]
        out.append({"kind": code, "label": k.label, "posts": posts.get(code) if k.at_least else None, "held": held, "vacant": vacant[code],
                    "ended": t.ended, "rate": t.rate})
    return out


def staffing_counts(*, first: date, last: date, today: date) -> dict:
    """队伍配备 (`rules.evaluation.INDICATORS["staffing"]`): each required post held at the period's end
    (or today, if sooner) — a village's 儿童主任 and a township's 督导员 by place, a school's 心理辅导教师
    by school: (1, 1) held, (0, 1) vacant."""
    day = min(last, today)
    held = set(Appointment.objects.on(day).filter(kind__in=("village_director", "township_supervisor"), region__isnull=False)
               .values_list("kind", "region__code"))
    places = {code.ljust(12, "0"): (int(("village_director", code) in held), 1) for code in Region.objects.filter(level=5).values_list("code", flat=True)}
    for code in Region.objects.filter(level=4).values_list("code", flat=True):
        places[code.ljust(12, "0")] = (int(("township_supervisor", code) in held), 1)
    counsellors = set(Appointment.objects.on(day).filter(kind="counsellor").values_list("school_id", flat=True))
    schools = {pk: (int(pk in counsellors), 1) for pk in School.objects.filter(active=True).values_list("id", flat=True)}
    return {"places": places, "schools": schools}
