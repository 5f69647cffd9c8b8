"""Reads of the school roster, all through the scope selector, and the pairing of child records
with roster entries for the cross-line check.

Who sees a school's roster: the roles whose scope covers the whole school — the admin line over
the school's township (county admin, township supervisor, inspector), county education, and the
school's own staff (school_staff, counsellor). A head teacher's scope is one class and a village
director's a village: for them, as for another school's staff, every roster page is a 404.
Who uploads: county admin, county education (schools in their region) and the school's staff."""
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import NOTHING, scope_of
from shouhu.core.crypto import blind
from shouhu.core.errors import NotFound
from shouhu.regions.models import School
from shouhu.regions.selectors import schools_visible_to
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to
from shouhu.rules import choices as C

from .models import Roster, RosterEntry

WHOLE_SCHOOL_ROLES = ("school_staff", "counsellor")
UPLOAD_REGION_ROLES = ("county_admin", "county_education")
UPLOAD_SCHOOL_ROLES = ("school_staff",)


def _region_schools_q(code: str) -> Q:
    # a school stores its township's 9-digit code: regions above or at a township reach it
    return Q(region_code__range=(code, code + "9" * (9 - len(code)))) if len(code) <= 9 else NOTHING


def roster_schools_visible_to(actor) -> QuerySet[School]:
    """Schools whose whole roster the actor may read (the school selector, narrowed)."""
    q = NOTHING
    for a in scope_of(actor).assignments:
        role = ROLES[a.role]
        if not role.sees_children or role.limited_fields:
            continue
        if a.region_id and role.line in ("admin", "education"):
            q |= _region_schools_q(a.region.code)
        elif a.school_id and a.role in WHOLE_SCHOOL_ROLES:
            q |= Q(pk=a.school_id)
    return schools_visible_to(actor).filter(q)


def upload_schools_q(actor) -> Q:
    q = NOTHING
    for a in scope_of(actor).assignments:
        if a.role in UPLOAD_REGION_ROLES and a.region_id:
            q |= _region_schools_q(a.region.code)
        elif a.role in UPLOAD_SCHOOL_ROLES and a.school_id:
            q |= Q(pk=a.school_id)
    return q


def can_upload(actor, school: School) -> bool:
    return roster_schools_visible_to(actor).filter(upload_schools_q(actor), pk=school.pk).exists()


def may_upload_somewhere(actor) -> bool:
    return roster_schools_visible_to(actor).filter(upload_schools_q(actor)).exists()


def school_for(actor, pk) -> School:
    """The school if the actor may read its roster; the same 404 for missing and not yours."""
    try:
        return roster_schools_visible_to(actor).get(pk=int(pk))
    except (ValueError, TypeError, School.DoesNotExist):
        raise NotFound("未找到该学校") from None


def school_rows(actor) -> list[School]:
    """The actor's schools with their latest upload and entry count (the index page)."""
    schools = list(roster_schools_visible_to(actor).order_by("region_code", "name"))
    ids = [s.pk for s in schools]
    counts = dict(RosterEntry.objects.filter(school_id__in=ids).values("school_id").annotate(n=Count("id"))
                  .values_list("school_id", "n").order_by())
    last = dict(Roster.objects.filter(school_id__in=ids).values("school_id").annotate(at=Max("uploaded_at"))
                .values_list("school_id", "at").order_by())
    for s in schools:
        s.roster_entries, s.roster_at = counts.get(s.pk, 0), last.get(s.pk)
    return schools


def latest_roster(school: School) -> Roster | None:
    return Roster.objects.filter(school=school).select_related("uploaded_by").first()


# -- 人籍一致: the two lists of a school ----------------------------------------------------------
def _name_birth(name, birth) -> tuple:
    return (name or "", birth)


def unregistered_entries(school: School) -> list[RosterEntry]:
    """学籍在册但未建档: roster entries of the school with no child record — none with the same ID
    number anywhere, none at this school with the same name and birth date. Matching looks at the
    whole registry (a child registered in another county's village still has a record); the list
    shows only this school's roster, which the reader may see."""
    entries = list(RosterEntry.objects.filter(school=school).select_related("school_class"))
    ids = {e.id_number for e in entries if e.id_number}
    live = Child.objects.filter(merged_into__isnull=True)  # a record merged into another is not a record of its own
    known_ids = set(live.with_id_numbers(ids).values_list("id_number", flat=True)) if ids else set()
    known_nb = set(live.filter(school=school).values_list("name", "birth_date"))
    return [e for e in entries if e.id_number not in known_ids and _name_birth(e.name, e.birth_date) not in known_nb]


def missing_children(actor, school: School) -> QuerySet[Child] | list[Child]:
    """建档在该校但学籍名册中没有: the actor's children registered at this school (in the registry)
    whose ID number is not on the school's roster and whose name and birth date are not either."""
    kids = (children_visible_to(actor).filter(school=school, status=Child.Status.ACTIVE, merged_into__isnull=True)
            .select_related("village__parent", "school_class").order_by("school_class__grade", "school_class__name", "name_pinyin", "id"))
    return off_roster(kids, per_school=True)


def off_roster(children: Iterable, *, per_school: bool = False) -> list:
    """The children (records, or dicts with id_number_index, school_id, name, birth_date) not on the
    roster of their school (`per_school`: the 人籍一致 list of one school), or, county-wide,
    registered at a school that has uploaded a roster and found on none: no entry with their ID number (on
    their own school's roster when `per_school`, else on any), none at their school with their name
    and birth date. Compared by the keyed index, never the decrypted numbers: two queries for the
    whole county (the nightly 控辍保学 check; the 人籍一致 list of one school)."""
    rows = list(children)
    get = (lambda r, k: r[k]) if rows and isinstance(rows[0], dict) else getattr
    schools = {get(r, "school_id") for r in rows}
    indexes: dict = defaultdict(set)
    nb: set[tuple] = set()
    for school_id, index, name, birth in RosterEntry.objects.filter(school_id__in=schools).values_list("school_id", "id_number_index",
                                                                                                      "name", "birth_date").iterator(5000):
        if index:
            indexes[school_id].add(index)
        nb.add((school_id, name, birth))
    anywhere: set = set()
    if not per_school:  # the county-wide check: only schools that have uploaded a roster say anything
        anywhere = set(RosterEntry.objects.exclude(id_number_index=None).exclude(id_number_index="").values_list("id_number_index", flat=True))
    with_roster = set(indexes) | {s for s, _, _ in nb}
    out = []
    for r in rows:
        school_id, index = get(r, "school_id"), get(r, "id_number_index")
        if not per_school and school_id not in with_roster:
            continue
        if index and (index in indexes[school_id] or index in anywhere):
            continue
        if (school_id, get(r, "name"), get(r, "birth_date")) in nb:
            continue
        out.append(r)
    return out


def roster_dates(school_ids) -> dict:
    """school id -> the date its current roster was uploaded."""
    return {s: timezone.localdate(at) for s, at in Roster.objects.filter(school_id__in=list(school_ids)).values("school_id")
            .annotate(at=Max("uploaded_at")).values_list("school_id", "at").order_by()}


# -- the cross-line pairs --------------------------------------------------------------------------
ENTRY_VALUES = ("id", "roster_id", "school_id", "school_class_id", "name", "sex", "birth_date", "id_number", "father_name",
                "mother_name", "carer_name", "status", "grade", "school__stage")
STATUS_RANK = {"在读": 0, "休学": 1, "辍学": 2, "转出": 3, "毕业": 4}


def registry_schooling(status: str, grade: int | None, stage: str | None) -> str | None:
    """The registry's 就学情况 the roster implies, where comparable: 在读 by grade (else by the
    school's stage), 辍学 as 辍学; 休学/转出/毕业 say nothing the registry records."""
    if status == "辍学":
        return "辍学"
    if status != "在读":
        return None
    if grade is not None:
        if grade == 0:
            return "幼儿园"
        if grade <= 6:
            return "小学"
        if grade <= 9:
            return "初中"
        return "中职" if stage == "中职" else "高中"
    return stage if stage in C.SCHOOLING else None


def roster_record(e: dict) -> dict:
    """A roster entry (ENTRY_VALUES) keyed as rules.quality.CROSS_LINE_FIELDS; the fields a roster
    does not hold (the parents' situations) are left out, and so are the school and class of a
    pupil transferred out or graduated (the roster then says where the child was, not is)."""
    out = {k: e[k] for k in ("id", "name", "sex", "birth_date", "id_number", "father_name", "mother_name", "carer_name")}
    schooling = registry_schooling(e["status"], e["grade"], e["school__stage"])
    if schooling:
        out["schooling"] = schooling
    if e["status"] not in ("转出", "毕业"):
        out["school"] = e["school_id"]
        if e["school_class_id"]:
            out["school_class"] = e["school_class_id"]
    return out


def _better(e: dict, cur: dict | None) -> bool:
    return cur is None or (STATUS_RANK.get(e["status"], 9), -e["roster_id"]) < (STATUS_RANK.get(cur["status"], 9), -cur["roster_id"])


def cross_line_pairs(child_records: Sequence[dict]) -> list[tuple[dict, dict]]:
    """Each child record (keys as Child fields, "school"/"school_class" as ids) with its roster
    entry: the entry with the same ID number (on several rosters: 在读 first, then the latest
    upload); else the one entry of the child's school with the same name and birth date (two such
    entries: no pair — ambiguous). Two queries whatever the number of records."""
    records = list(child_records)
    ids = {(r.get("id_number") or "").strip().upper() for r in records} - {""}
    by_id: dict[str, dict] = {}
    for chunk in _chunks(sorted(ids)):
        for e in RosterEntry.objects.filter(id_number_index__in=[blind(n) for n in chunk]).values(*ENTRY_VALUES):
            if _better(e, by_id.get(e["id_number"])):
                by_id[e["id_number"]] = e
    rest = [r for r in records if (r.get("id_number") or "").strip().upper() not in by_id
            and r.get("school") and r.get("name") and r.get("birth_date")]
    by_nb: dict[tuple, list[dict]] = defaultdict(list)
    if rest:
        schools, names = {r["school"] for r in rest}, sorted({r["name"] for r in rest})
        for chunk in _chunks(names):
            for e in RosterEntry.objects.filter(school_id__in=schools, name__in=chunk).values(*ENTRY_VALUES):
                by_nb[(e["school_id"], e["name"], e["birth_date"])].append(e)
    pairs = []
    for r in records:
        e = by_id.get((r.get("id_number") or "").strip().upper())
        if e is None and r.get("school"):
            found = by_nb.get((r["school"], r.get("name"), r.get("birth_date")), [])
            e = found[0] if len(found) == 1 else None
        if e is not None:
            pairs.append((r, roster_record(e)))
    return pairs


def children_matched(entries: Iterable[RosterEntry | dict]) -> set[int]:
    """Ids of the children these roster entries match (by ID number; or school, name and birth
    date) — the children whose cross-line check a roster upload changes."""
    ids, nb = set(), defaultdict(set)
    for e in entries:
        get = e.get if isinstance(e, dict) else (lambda k, e=e: getattr(e, k))
        if get("id_number"):
            ids.add(get("id_number"))
        nb[get("school_id")].add((get("name"), get("birth_date")))
    out: set[int] = set()
    for chunk in _chunks(sorted(ids)):
        out |= set(Child.objects.with_id_numbers(chunk).values_list("id", flat=True))
    for school_id, keys in nb.items():
        names = sorted({n for n, _ in keys})
        for chunk in _chunks(names):
            for cid, name, birth in Child.objects.filter(school_id=school_id, name__in=chunk).values_list("id", "name", "birth_date"):
                if (name, birth) in keys:
                    out.add(cid)
    return out


def _chunks(items: list, size: int = 2000):
    for i in range(0, len(items), size):
        yield items[i:i + size]
