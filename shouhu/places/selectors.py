"""Reads of places (docs/domain.md, "Places"). A place is the actor's when one of its assignments
covers the place's region (administrative line) or is at its school (education line); missing and
another township's are the same 404 (`regions.selectors.place_for`). Children come only through
`children_visible_to`; sessions through their place."""
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery

from shouhu.accounts.models import Assignment
from shouhu.accounts.scope import scope_of
from shouhu.core.errors import NotFound
from shouhu.regions.models import Level, Place, Region, School, code_range
from shouhu.regions.selectors import place_for, places_visible_to
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to
from shouhu.rules import places as P

from .models import GuardianAttendance, Session

__all__ = ["place_for", "places_visible_to"]


def may(actor, place: Place, flag: str) -> bool:
    """The actor answers for `place` through a role with `flag` (manages_places, accepts_places, records_attendance)."""
    return places_visible_to(actor, flag=flag).filter(pk=place.pk).exists()


def attendance_children(actor, place: Place) -> QuerySet[Child]:
    """The children who may sign in at `place`: those the actor records attendance for, in the
    register, of the place's school or living under its region (a 服务站: the whole township)."""
    qs = children_visible_to(actor, flag="records_attendance").filter(status=Child.Status.ACTIVE, merged_into__isnull=True)
    qs = qs.filter(school_id=place.school_id) if place.school_id else qs.filter(village_code__range=code_range(place.region.code))
    return qs.select_related("village", "school_class").order_by("village_code", "name_pinyin", "id")


def sessions_visible_to(actor) -> QuerySet[Session]:
    return Session.objects.filter(place__in=places_visible_to(actor).values("id")).select_related("place", "place__region", "place__school")


def session_for(actor, pk) -> Session:
    try:
        return sessions_visible_to(actor).get(pk=int(pk))
    except (ValueError, TypeError, Session.DoesNotExist):
        raise NotFound("未找到该活动记录") from None


# -- guardian training under a care agreement ---------------------------------------------------------
def training_due(actor, *, today: date) -> QuerySet[Child]:
    """Children with an entrusted carer and a care agreement whose carer has not attended a
    family-education session in the last 12 months (`rules.places.training_due`): the 家长学校's
    list of carers to invite. Annotated with `last_training`."""
    last = (GuardianAttendance.objects.filter(child=OuterRef("pk"), who="carer").order_by().values("child")
            .annotate(m=Max("date")).values("m"))
    cutoff = today - timedelta(days=round(P.TRAINING_MONTHS * 365 / 12))
    qs = (children_visible_to(actor, flag="records_attendance")
          .filter(status=Child.Status.ACTIVE, merged_into__isnull=True, agreement_date__isnull=False).exclude(carer_name="")
          .annotate(last_training=Subquery(last)))
    return (qs.filter(Q(last_training__isnull=True) | Q(last_training__lt=cutoff))
            .select_related("village").order_by("village_code", "name_pinyin", "id"))


# -- coverage --------------------------------------------------------------------------------------
@dataclass
class Coverage:
    region: Region
    townships: list  # townships with no running 服务站
    villages: list  # villages with no running 留守儿童之家 / 儿童之家
    schools: list  # schools with no counsellor
    n_townships: int
    n_villages: int
    n_schools: int


def coverage_roots(actor) -> list[Region]:
    """The regions whose coverage the actor may read: the regions of its place-keeping roles."""
    return [a.region for a in scope_of(actor).assignments_with("manages_places") if a.region_id]


def coverage(region: Region) -> Coverage:
    """What is missing under `region` (000: each township at least one 服务站; 004: a 儿童之家 in every
    village; 002: each school at least one 心理辅导教师 — a user with an active counsellor role there)."""
    hi = code_range(region.code)[1]
    running = Place.objects.filter(status="running")
    station = running.filter(kind="station", region=OuterRef("pk"))
    home = running.filter(kind__in=P.VILLAGE_HOMES, region=OuterRef("pk"))
    under = Region.objects.filter(code__gte=region.code, code__lte=hi)
    townships = list(under.filter(level=Level.TOWNSHIP).annotate(has=Exists(station)).order_by("code"))
    villages = list(under.filter(level=Level.VILLAGE).annotate(has=Exists(home)).select_related("parent").order_by("code"))
    counsellor = Assignment.objects.filter(role="counsellor", school=OuterRef("pk"), user__is_active=True)
    schools = list(School.objects.filter(active=True, region_code__startswith=region.code)
                   .annotate(has=Exists(counsellor)).select_related("township").order_by("region_code", "name"))
    if region.level == Level.VILLAGE:
        schools = []  # a village answers for its home, not for the township's schools
    return Coverage(region=region, townships=[t for t in townships if not t.has], villages=[v for v in villages if not v.has],
                    schools=[s for s in schools if not s.has], n_townships=len(townships), n_villages=len(villages), n_schools=len(schools))
