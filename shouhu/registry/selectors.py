"""Reads of the registry. Every read starts from the actor's scope; out of scope is 404."""
import uuid
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.core.crypto import blind, blind_tail
from shouhu.regions.models import code_range
from shouhu.regions.selectors import classes_visible_to, regions_visible_to, schools_visible_to  # noqa: F401 — one import for pages that list children and places
from shouhu.rules import choices as C
from shouhu.rules.names import fuzzy_pinyin

from .models import Child

CATEGORY_FILTERS = {code: Q(**fields) for code, (_, fields) in C.CATEGORY_FILTERS.items()}
AGE_BANDS = {"0-5": (0, 5), "6-13": (6, 13), "14-16": (14, 15), "16-18": (16, 17)}
AGE_BAND_LABELS = {"0-5": "0–5岁", "6-13": "6–13岁", "14-16": "14–16岁", "16-18": "16–18岁"}


def children_visible_to(actor, *, flag: str | None = None) -> QuerySet[Child]:
    """The only door to children. With `flag` (a role capability: "can_care", "can_pair",
    "counsellor"), only those reached through roles that have it: whom the actor may visit, pair …"""
    scope = scope_of(actor)
    return Child.objects.filter(scope.children_q_with(flag) if flag else scope.children_q())


def child_for(actor, uid) -> Child:
    """The child if the actor may see it; the same 404 for missing and out of scope."""
    try:
        uid = uuid.UUID(str(uid))
        return children_visible_to(actor).select_related("village__parent", "school", "school_class").get(uid=uid)
    except (ValueError, Child.DoesNotExist):  # a malformed id is "not found" too
        raise Http404("未找到该儿童") from None


def birth_range_for_age(lo: int, hi: int, today: date) -> tuple[date, date]:
    """Birth dates of children aged lo..hi (whole years) on `today`."""
    def years_before(d: date, n: int) -> date:
        try:
            return d.replace(year=d.year - n)
        except ValueError:  # 29 Feb
            return d.replace(year=d.year - n, day=28)

    from datetime import timedelta

    latest = years_before(today, lo)
    earliest = years_before(today, hi + 1) + timedelta(days=1)
    return earliest, latest


@dataclass
class ChildFilter:
    region: str = ""      # region code (subtree)
    school: int | None = None
    school_class: int | None = None
    category: str = ""
    guardianship: str = ""
    schooling: str = ""
    age_band: str = ""
    status: str = "active"  # active | exited | all
    q: str = ""


def filter_children(qs: QuerySet[Child], f: ChildFilter, *, today: date | None = None, by_id: bool = True) -> QuerySet[Child]:
    today = today or timezone.localdate()
    if f.region:
        qs = qs.filter(village_code__range=code_range(f.region))
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.school_class:
        qs = qs.filter(school_class_id=f.school_class)
    if f.category in CATEGORY_FILTERS:
        qs = qs.filter(CATEGORY_FILTERS[f.category])
    if f.guardianship:
        qs = qs.filter(guardianship=f.guardianship)
    if f.schooling:
        qs = qs.filter(schooling=f.schooling)
    if f.age_band in AGE_BANDS:
        qs = qs.filter(birth_date__range=birth_range_for_age(*AGE_BANDS[f.age_band], today))
    if f.status in ("active", "exited"):
        qs = qs.filter(status=f.status)
    if f.q:
        qs = qs.filter(search_q(f.q, by_id=by_id))
    return qs


def search_q(text: str, *, by_id: bool = True) -> Q:
    """Name (汉字 substring), pinyin initials or full pinyin prefix ("ljl", "lujin"), ID number
    (whole, or its last 4+ digits), or 档案编号.

    `by_id=False` for readers who see masked numbers: a search that answers "is this the
    number?" would let them try the 500 numbers the mask leaves, one after another
    (docs/domain.md, "ID numbers"); they find children by name or 档案编号."""
    text = text.strip()
    if not text:
        return Q()
    if text.isascii() and text.replace(" ", "").isalpha():
        t = text.replace(" ", "").lower()
        return Q(name_initials__startswith=t) | Q(name_pinyin__startswith=t)
    if text.isascii() and text[:-1].isdigit() and len(text) >= 4:
        t = text.upper()
        if not by_id:
            return Q(archive_no=text)
        if len(t) == 18:
            return Q(id_number_index=blind(t))
        return _tail_q(t) | Q(archive_no=text)
    q = Q(name__contains=text) | Q(archive_no=text)
    if all("\u4e00" <= ch <= "\u9fff" for ch in text):
        q |= Q(name_fuzzy=fuzzy_pinyin(text))  # same-sounding spelling: 陆晶兰 finds 陆金兰
    return q


def _tail_q(t: str) -> Q:
    """Children whose ID number ends with `t` (4–17 characters). Numbers are encrypted: the keyed
    index of the last four finds the few candidates (a county of 100,000 has ~10 per four), whose
    numbers are then compared whole. The candidates are only ids: the caller's scope still applies."""
    if len(t) == 4:
        return Q(id_tail_index=blind_tail(t))
    candidates = Child.objects.filter(id_tail_index=blind_tail(t)).values_list("id", "id_number")
    return Q(id__in=[pk for pk, number in candidates if (number or "").endswith(t)])


def list_children(actor, f: ChildFilter) -> QuerySet[Child]:
    qs = filter_children(children_visible_to(actor), f, by_id=scope_of(actor).full_id)
    return qs.select_related("village", "school", "school_class").order_by("village_code", "name_pinyin", "id")


# -- what the duplicate finder reads (`rules.dedupe`): not scoped, for the county's nightly check
DEDUPE_FIELDS = (
    "id", "uid", "archive_no", "name", "sex", "birth_date", "id_number", "village_code", "school_id", "school_class_id",
    "father_name", "mother_name", "father_id_number", "mother_id_number", "father_phone", "mother_phone",
    "carer_name", "carer_phone", "address_detail", "entered_in",
)


def dedupe_records(region_code: str | None = None, chunk: int = 5000, *, born: tuple[int, int] | None = None):
    """Plain dicts of every child under `region_code` (else all), merged duplicates left out, in
    id order, read `chunk` at a time; with `born` (first, last year), only those born in these
    years (one part of the duplicate run: memory holds a chunk, not the county)."""
    qs = Child.objects.filter(merged_into__isnull=True)
    if region_code:
        qs = qs.filter(village_code__range=code_range(region_code))
    if born:
        qs = qs.filter(birth_date__gte=date(born[0], 1, 1), birth_date__lt=date(born[1] + 1, 1, 1))
    last = 0
    while True:
        rows = list(qs.filter(id__gt=last).order_by("id").values(*DEDUPE_FIELDS)[:chunk])
        if not rows:
            return
        last = rows[-1]["id"]
        yield from rows
