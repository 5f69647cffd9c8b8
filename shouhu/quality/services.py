"""Running the data-quality checks and keeping their issues.

A recheck of some children runs the record checks (`rules.quality.record_findings`) and brings
their issues in line: a finding not stored yet opens an issue; an open issue no longer found is
closed as fixed (the data was corrected); a dismissed issue stays dismissed while the same finding
comes back. The county-wide run (nightly, or from the quality page) adds the group checks —
copied parent details across households, copied visit notes, bursts and backdated visits — over
the last VISIT_DAYS of visits, and records this month's counts per village for the trend. Every
county or village run (nightly, after an import) also runs the duplicate finder over the county;
a user merges a pair or marks it "not the same" here."""
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from enum import StrEnum

from django.db import transaction
from django.db.models import Case, Count, F, Q, When
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.care.models import Visit
from shouhu.core.crypto import blind
from shouhu.core.errors import Conflict, ErrorCode, Forbidden, NotFound, ServiceError
from shouhu.regions.models import Region, School, SchoolClass, code_range
from shouhu.registry.hooks import children_with_fact
from shouhu.registry.models import Child, ChildMerge, CountySetting
from shouhu.registry.selectors import DEDUPE_FIELDS, dedupe_records
from shouhu.registry.services import child_merge, child_merge_undo
from shouhu.rules import dedupe
from shouhu.rules import quality as Q_
from shouhu.rules.idcard import IdNumberError, parse_id
from shouhu.rules.names import fuzzy_pinyin
from shouhu.schooling.selectors import cross_line_pairs

from .models import DuplicatePair, DuplicateRun, Issue, Snapshot
from .selectors import not_same_pairs


class QualityErrorCode(StrEnum):
    # a duplicate issue is closed by deciding its pair (merge, or "not the same"), not dismissed
    DECIDE_ON_PAIR = "decide_on_pair"


VISIT_DAYS = 120  # the window of visits the fabrication checks read
CHILD_FIELDS = [f.attname if f.is_relation else f.name for f in Child._meta.concrete_fields
                if f.name not in ("photo", "agreement_file", "name_pinyin", "name_initials", "name_fuzzy", "category_reasons")]
GROUP_CODES = frozenset(c for c, chk in Q_.CATALOGUE.items() if chk.kind == "fabrication")
DUPLICATE_CODES = frozenset(c for c, chk in Q_.CATALOGUE.items() if chk.kind == "duplicate")
# Written by the 户籍比对 (quality.hukou), from the police's extract: a recheck of the record alone cannot see them.
HUKOU_CODES = frozenset({"hukou_mismatch"})
RECORD_CODES = frozenset(Q_.CATALOGUE) - GROUP_CODES - DUPLICATE_CODES - HUKOU_CODES


def _records(qs) -> list[dict]:
    rows = list(qs.annotate(grade=F("school_class__grade"), school_stage=F("school__stage"), class_school=F("school_class__school_id"))
                .values(*CHILD_FIELDS, "grade", "school_stage", "class_school"))
    for r in rows:  # the pure checks use the model's field names for the links
        r["village"], r["school"], r["school_class"] = r.pop("village_id"), r.pop("school_id"), r.pop("school_class_id")
    return rows


def _settings() -> Q_.QualitySettings:
    return Q_.QualitySettings(left_behind_min_months=CountySetting.current().left_behind_min_months)


def _key(f: Q_.Finding) -> str:
    return f"{f.code}:{f.field}" + (f":{f.record_id}" if f.record_id is not None else "")


def recheck_children(child_ids: Sequence[int], *, today: date | None = None) -> int:
    """The record checks of these children (after a form save or a small import)."""
    today = today or timezone.localdate()
    records = _records(Child.objects.filter(id__in=list(child_ids), merged_into__isnull=True))
    s = _settings()
    found = [f for r in records for f in Q_.record_findings(r, today=today, settings=s)]
    pairs = cross_line_pairs(records)  # village record vs school roster (学籍)
    found += Q_.cross_line_findings(pairs, _link_names(pairs))
    ids = [r["id"] for r in records]
    field = children_with_fact("field_mismatch", today=today, child_ids=ids)  # open field-check findings
    found += Q_.field_check_findings({i: field[i] for i in ids if i in field})
    unmet = children_with_fact("benefit_unmet", today=today, child_ids=ids)  # benefits paid without a need
    found += Q_.benefit_findings({i: unmet[i] for i in ids if i in unmet})
    _apply(ids, found, codes=set(RECORD_CODES), today=today)
    _rescore_pairs(ids, today)
    return len(records)


def _rescore_pairs(child_ids: list[int], today: date) -> None:
    """A saved record's open duplicate pairs, scored again: a pair the edit made unlike (a corrected
    birth date, a name) closes now, not at the next county run. New pairs wait for that run."""
    pairs = list(DuplicatePair.objects.filter(Q(a_id__in=child_ids) | Q(b_id__in=child_ids), status=DuplicatePair.Status.OPEN))
    if not pairs:
        return
    rows = {r["id"]: r for r in Child.objects.filter(id__in={x for p in pairs for x in (p.a_id, p.b_id)}, merged_into__isnull=True)
            .values(*DEDUPE_FIELDS)}
    # a pair linked through a third record (two copies of one child) is not similar by itself: the
    # next county run, which sees the third record, judges it again
    gone = [p for p in pairs if p.a_id not in rows or p.b_id not in rows
            or (dedupe.REASONS["LINKED"] not in p.reasons and dedupe.compare(rows[p.a_id], rows[p.b_id]).score < dedupe.THRESHOLD)]
    with transaction.atomic():
        for p in gone:  # only a pair still open: a decision taken meanwhile stands
            if DuplicatePair.objects.filter(pk=p.pk, status=DuplicatePair.Status.OPEN).update(status=DuplicatePair.Status.GONE):
                _pair_issues(p).update(status=Issue.Status.FIXED, closed_on=today)


def _link_names(pairs) -> dict:
    """Names of the schools and classes in these pairs, for the cross-line messages."""
    ids = {f: {p[f] for pair in pairs for p in pair if p.get(f)} for f in ("school", "school_class")}
    return {"school": dict(School.objects.filter(id__in=ids["school"]).values_list("id", "name")) if ids["school"] else {},
            "school_class": {c.pk: str(c) for c in SchoolClass.objects.filter(id__in=ids["school_class"])} if ids["school_class"] else {}}


def recheck_all(*, village_codes: Iterable[str] | None = None, progress=None, chunk: int = 2000, today: date | None = None,
                duplicates: bool = True) -> int:
    """Every child (or these villages' children); the whole county also gets the group checks.
    `duplicates=False` leaves the duplicate run to the caller (the task queue runs its parts)."""
    today = today or timezone.localdate()
    qs = Child.objects.filter(merged_into__isnull=True).order_by("id")
    if village_codes is not None:
        qs = qs.filter(village_code__in=list(village_codes))
    ids = list(qs.values_list("id", flat=True))
    for i in range(0, len(ids), chunk):
        recheck_children(ids[i:i + chunk], today=today)
        if progress:
            progress(min(i + chunk, len(ids)), len(ids))
    if duplicates:
        if progress:
            progress(len(ids), len(ids), "正在查找重复档案")
        find_duplicate_pairs(today=today)  # an import's new records against the whole county
    if village_codes is None:
        _group_checks(today)
    snapshot(today=today, village_codes=village_codes)
    return len(ids)


def _group_checks(today: date) -> None:
    people = list(Child.objects.filter(merged_into__isnull=True).values("id", "village_code", "address_detail", "carer_name", "carer_id_number", "carer_phone",
                                       *[f"{p}_{f}" for p in ("father", "mother") for f in ("name", "id_number", "phone")]))
    found = list(Q_.shared_parent_findings(people))
    since = today - timedelta(days=VISIT_DAYS)
    visits = list(Visit.objects.filter(Q(date__gte=since) | Q(created_at__date__gte=since))
                  .values("id", "child_id", "visitor", "date", "created_at", "life", "study", "mind", "safety", "carer"))
    tz = timezone.get_current_timezone()
    for v in visits:
        v["created_at"] = v["created_at"].astimezone(tz).replace(tzinfo=None)
    registered = dict(Child.objects.filter(id__in={v["child_id"] for v in visits}).values_list("id", "entered_on"))
    found += Q_.visit_note_findings(visits) + Q_.visit_burst_findings(visits) + Q_.visit_date_findings(visits, registered, today)
    _apply(None, found, codes=set(GROUP_CODES), today=today)


def _chunks(ids, n: int = 5000):
    """Id lists small enough for one IN clause (SQLite allows 32,766 parameters)."""
    ids = list(ids)
    return (ids[i:i + n] for i in range(0, len(ids), n))


@transaction.atomic
def _apply(child_ids: list[int] | None, found: list[Q_.Finding], *, codes: set[str], today: date) -> None:
    """Bring the stored issues of `codes` for these children (None: every child not merged) in
    line with `found`."""
    wanted: dict[tuple[int, str], Q_.Finding] = {}
    for f in found:
        if f.child_id is not None:
            wanted.setdefault((f.child_id, _key(f)), f)
    stored = Issue.objects.filter(code__in=codes)
    if child_ids is None:
        stored = stored.filter(child__merged_into__isnull=True)
        existing = {(i.child_id, i.key): i for i in stored}
    else:
        existing = {(i.child_id, i.key): i for ids in _chunks(child_ids) for i in stored.filter(child_id__in=ids)}
    places = {c["id"]: c for ids in _chunks({c for c, _ in wanted} | {c for c, _ in existing})
              for c in Child.objects.filter(id__in=ids, merged_into__isnull=True)
              .values("id", "village_code", "school_id", "school_class_id")}  # a merged record gets no issue
    new, changed = [], []
    for key, f in wanted.items():
        chk = Q_.CATALOGUE[f.code]
        place = places.get(key[0])
        if place is None:
            continue
        issue = existing.pop(key, None)
        related = [x for x in f.related][:20]
        if issue is None:
            new.append(Issue(child_id=key[0], visit_id=f.record_id if chk.subject == "visit" else None, key=key[1][:120], code=f.code,
                             kind=chk.kind, level=chk.level, field=f.field, message=f.message[:255], related=related,
                             first_seen=today, last_seen=today, village_code=place["village_code"], school_id=place["school_id"],
                             school_class_id=place["school_class_id"]))
            continue
        now = (Issue.Status.OPEN if issue.status == Issue.Status.FIXED else issue.status, f.message[:255], related,
               place["village_code"], place["school_id"], place["school_class_id"])
        if now == (issue.status, issue.message, issue.related, issue.village_code, issue.school_id, issue.school_class_id):
            continue  # unchanged: no write (a county run rewrote ~200,000 rows for nothing)
        if issue.status == Issue.Status.FIXED:  # it came back
            issue.closed_on = None
        issue.status, issue.message, issue.related, issue.village_code, issue.school_id, issue.school_class_id = now
        issue.last_seen = today
        changed.append(issue)
    gone = [i.pk for i in existing.values() if i.status == Issue.Status.OPEN]
    Issue.objects.bulk_create(new, batch_size=1000)
    Issue.objects.bulk_update(changed, ["status", "closed_on", "message", "related", "last_seen", "village_code", "school_id",
                                        "school_class_id"], batch_size=1000)
    for ids in _chunks(gone):
        Issue.objects.filter(pk__in=ids).update(status=Issue.Status.FIXED, closed_on=today)


# -- duplicates -----------------------------------------------------------------------------------
# The county run is split into parts by birth year (`rules.dedupe`, "parts"): each part reads only
# its children from the database, a chunk at a time, so memory follows the largest part, not the
# county; the parts are independent jobs (`tasks.duplicate_part`) a task queue runs on as many
# workers as it has, and a province run is the same jobs on more machines.
def find_duplicate_pairs(*, today: date | None = None) -> int:
    """Run the duplicate finder over the county, part after part in this process, keep its pairs
    (new ones open; open ones no longer found close as "gone"; merged and "not the same" stay
    decided) and one `possible_duplicate` issue per child and open pair. Returns the open pairs."""
    run = start_duplicate_run(today=today)
    for part in run.parts:
        run_duplicate_part(run.pk, part)
    return DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN).count()


def start_duplicate_run(*, today: date | None = None) -> DuplicateRun:
    """A new run and its parts: the birth years present and the year before each."""
    years = Child.objects.filter(merged_into__isnull=True).dates("birth_date", "year")
    parts = dedupe.parts_of({"birth_date": d} for d in years)
    run = DuplicateRun.objects.create(today=today or timezone.localdate(), parts=parts)
    if not parts:  # no children: whatever was open is gone
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
        _finish_duplicate_run(run)
    return run


def name_counts(region_code: str | None = None) -> dedupe.NameCounts:
    """The name frequencies of the county (one GROUP BY), so every part scores alike."""
    qs = Child.objects.filter(merged_into__isnull=True)
    if region_code:
        qs = qs.filter(village_code__range=code_range(region_code))
    rows = qs.values("name").annotate(n=Count("id")).values_list("name", "n")
    return dedupe.name_counts(rows.iterator(chunk_size=5000))


def run_duplicate_part(run_id: int, part: int) -> int:
    """One part of a run: find its pairs, keep them, and if it is the last part to finish, close
    the run. Returns the pairs found."""
    run = DuplicateRun.objects.get(pk=run_id)
    records = dedupe_records(born=(part, part + 1))
    found = dedupe.find_duplicates(records, part=part, counts=name_counts(), not_same=not_same_pairs())
    _keep_pairs(found, run)
    with transaction.atomic():
        run = DuplicateRun.objects.select_for_update().get(pk=run_id)
        if part not in run.parts_done:
            run.parts_done.append(part)
            run.save(update_fields=["parts_done"])
        last = run.finished_at is None and set(run.parts) <= set(run.parts_done)
        if last:
            run.finished_at = timezone.now()
            run.save(update_fields=["finished_at"])
    if last:
        _finish_duplicate_run(run)
    return len(found)


def _keep_pairs(found: list, run: DuplicateRun) -> None:
    """A part's pairs: new ones open; open or gone ones (found again) open with this run's score."""
    if not found:
        return
    with transaction.atomic():
        merged = set(Child.objects.filter(merged_into__isnull=False, id__in={x for c in found for x in (c.a, c.b)})
                     .values_list("id", flat=True))  # since the finder read
        by_key = {tuple(sorted((c.a, c.b))): c for c in found}
        by_key = {k: c for k, c in by_key.items() if not (set(k) & merged)}
        pairs = {}
        for ids in _chunks(sorted({a for a, _ in by_key})):
            for p in DuplicatePair.objects.select_for_update().filter(a_id__in=ids):
                pairs[(p.a_id, p.b_id)] = p
        new, changed = [], []
        for (a, b), c in by_key.items():
            p = pairs.get((a, b))
            if p is None:
                new.append(DuplicatePair(a_id=a, b_id=b, score=c.score, reasons=list(c.reasons), first_seen=run.today,
                                         last_seen=run.today, seen_in=run.pk))
            elif p.status in (DuplicatePair.Status.OPEN, DuplicatePair.Status.GONE):
                p.status, p.score, p.reasons, p.last_seen = DuplicatePair.Status.OPEN, c.score, list(c.reasons), run.today
                p.seen_in = max(p.seen_in, run.pk)  # runs may overlap (two imports): the later one's
                changed.append(p)
        DuplicatePair.objects.bulk_create(new, batch_size=1000)
        DuplicatePair.objects.bulk_update(changed, ["status", "score", "reasons", "last_seen", "seen_in"], batch_size=1000)


def _finish_duplicate_run(run: DuplicateRun) -> None:
    """After the last part: open pairs this run did not find are gone (not those a later,
    overlapping run found); the issues follow the pairs."""
    DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN, seen_in__lt=run.pk).update(status=DuplicatePair.Status.GONE)
    open_pairs = list(DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN).values_list("a_id", "b_id", "score", "reasons"))
    involved = {x for a, b, *_ in open_pairs for x in (a, b)}
    rows = {}
    for ids in _chunks(sorted(involved)):
        rows.update((r["id"], r) for r in Child.objects.filter(id__in=ids).values("id", "village_code", "archive_no"))
    names = dict(Region.objects.filter(code__in={r["village_code"] for r in rows.values()}).values_list("code", "short_name"))
    labels = {i: f"{names.get(r['village_code'], '')}的档案" + (f"（档案编号{r['archive_no']}）" if r["archive_no"] else "（未编号）")
              for i, r in rows.items()}
    # The issue is read by whoever sees one of the two records: the reasons go without names and dates.
    plain = [(a, b, score, plain_reasons(reasons)) for a, b, score, reasons in open_pairs]
    _apply(None, Q_.duplicate_findings(plain, labels), codes=set(DUPLICATE_CODES), today=run.today)


def registration_candidates(child: Child, *, limit: int = 5) -> list[tuple[dict, object]]:
    """Records in the county that may be this (unsaved) child: the duplicate check a registration
    form runs before saving. Candidates share a birth date (as entered, day and month swapped, or
    the one in the ID number) or the homophone key of the name; each is scored by the same finder
    (`rules.dedupe.compare`). Unscoped on purpose: the twin record may be in another village; the
    caller shows what the user may see. Best first, at most `limit`."""
    village_code = child.village.code if child.village_id else ""
    if not (child.name and child.birth_date and village_code):
        return []
    dates = {child.birth_date, dedupe.swap_day_month(child.birth_date)} - {None}
    try:
        dates.add(parse_id(child.id_number).birth_date if child.id_number else None)
    except IdNumberError:
        pass
    dates.discard(None)
    near = Q(birth_date__in=dates) | Q(name_fuzzy=fuzzy_pinyin(child.name))
    if child.id_number:
        near |= Q(id_number_index=blind(child.id_number))
    qs = Child.objects.filter(near, merged_into__isnull=True, village_code__startswith=village_code[:6])
    if child.pk:
        qs = qs.exclude(pk=child.pk)
    me = {f: getattr(child, f, None) for f in DEDUPE_FIELDS}
    me.update(id=child.pk or 0, village_code=village_code, school_id=child.school_id, school_class_id=child.school_class_id)
    out = []
    both = Case(When(Q(birth_date__in=dates) & Q(name_fuzzy=fuzzy_pinyin(child.name)), then=0), default=1)
    for row in qs.order_by(both, "id").values(*DEDUPE_FIELDS, "village__short_name")[:500]:  # same name and date first
        c = dedupe.compare(me, row)
        if c.score >= dedupe.THRESHOLD:
            out.append((row, c))
    out.sort(key=lambda rc: -rc[1].score)
    return out[:limit]


def plain_reasons(reasons) -> list[str]:
    """The finder's reasons without the values in them ("姓名同音：陆金兰／陆晶兰" → "姓名同音"), for
    a reader who may not see the other record."""
    return [r.split("：")[0] for r in reasons]


def note_registered_anyway(*, actor, child: Child, others: Iterable[int]) -> int:
    """The registrar saw these candidates and said the new child is someone else: remember each
    pair as "not the same" (who and when kept), so the county check does not ask again."""
    now, n = timezone.now(), 0
    for other in others:
        a, b = sorted((child.pk, other))
        DuplicatePair.objects.update_or_create(a_id=a, b_id=b, defaults={
            "status": DuplicatePair.Status.NOT_SAME, "score": 0.0, "reasons": [], "decided_by": actor, "decided_at": now,
            "note": "登记时确认不是同一人", "first_seen": now.date(), "last_seen": now.date()})
        n += 1
    return n


def _dup_key(other_id: int) -> str:
    """The key of a child's `possible_duplicate` issue about `other_id` (as `duplicate_findings` makes it)."""
    return _key(Q_.Finding("possible_duplicate", None, "name", "", record_id=other_id))


def _pair_issues(pair: DuplicatePair):
    return Issue.objects.filter(Q(child_id=pair.a_id, key=_dup_key(pair.b_id)) | Q(child_id=pair.b_id, key=_dup_key(pair.a_id)),
                                status=Issue.Status.OPEN)


def _decide(actor, pair: DuplicatePair) -> None:
    scope = scope_of(actor)
    if not (scope.can_edit_village(pair.a.village_code) and scope.can_edit_village(pair.b.village_code)):
        raise NotFound("未找到该疑似重复记录")
    if pair.status != DuplicatePair.Status.OPEN:
        raise Conflict(f"这一对已处理（{pair.get_status_display()}）", code=ErrorCode.WRONG_STATE)


@transaction.atomic
def pair_not_same(*, actor, pair: DuplicatePair, reason: str) -> DuplicatePair:
    """Remember that the two records are different children (twins, namesakes): the finder never
    reports them again and their issues close as dismissed with the reason."""
    pair = DuplicatePair.objects.select_for_update().select_related("a", "b").get(pk=pair.pk)
    _decide(actor, pair)
    reason = reason.strip()
    if len(reason) < 2:
        raise ServiceError("请写明理由，如“双胞胎”“同名不同人，身份号码不同”", code=ErrorCode.REQUIRED, field="reason")
    now = timezone.now()
    pair.status, pair.decided_by, pair.decided_at, pair.note = DuplicatePair.Status.NOT_SAME, actor, now, reason[:255]
    pair.save(update_fields=["status", "decided_by", "decided_at", "note"])
    _pair_issues(pair).update(status=Issue.Status.DISMISSED, closed_on=timezone.localdate(), dismissed_by=actor,
                              dismiss_reason=f"不是同一人：{reason}"[:255])
    return pair


@transaction.atomic
def pair_merge(*, actor, pair: DuplicatePair, keep: int, take: Iterable[str] | None = None, reason: str = "") -> Child:
    """Merge the pair into the record `keep` (a child id of the pair), taking the other's values
    of the fields in `take` (see `registry.services.child_merge`); the duplicate's open issues
    close as fixed."""
    pair = DuplicatePair.objects.select_for_update().select_related("a", "b").get(pk=pair.pk)
    _decide(actor, pair)
    if keep not in (pair.a_id, pair.b_id):
        raise ServiceError("请选择保留哪一份档案", code=ErrorCode.REQUIRED, field="keep")
    kept, other = (pair.a, pair.b) if keep == pair.a_id else (pair.b, pair.a)
    try:
        child = child_merge(actor=actor, keep=kept, other=other, take=take, reason=reason.strip())
    except Forbidden:  # a record of the pair is not one the actor edits: as for a missing pair
        raise NotFound("未找到该疑似重复记录") from None
    today = timezone.localdate()
    pair.status, pair.decided_by, pair.decided_at, pair.note = DuplicatePair.Status.MERGED, actor, timezone.now(), reason.strip()[:255]
    pair.save(update_fields=["status", "decided_by", "decided_at", "note"])
    _pair_issues(pair).update(status=Issue.Status.FIXED, closed_on=today)
    Issue.objects.filter(child_id=other.pk, status=Issue.Status.OPEN).update(status=Issue.Status.FIXED, closed_on=today)
    # The duplicate's other candidate pairs are moot; the kept record is paired anew tonight.
    DuplicatePair.objects.filter(Q(a_id=other.pk) | Q(b_id=other.pk), status=DuplicatePair.Status.OPEN).update(status=DuplicatePair.Status.GONE)
    Issue.objects.filter(key=_dup_key(other.pk), status=Issue.Status.OPEN).update(status=Issue.Status.FIXED, closed_on=today)
    return child


def pair_merge_of(pair: DuplicatePair) -> ChildMerge | None:
    """The merge that decided the pair, while it stands."""
    if pair.status != DuplicatePair.Status.MERGED:
        return None
    return ChildMerge.objects.filter(Q(keep_id=pair.a_id, other_id=pair.b_id) | Q(keep_id=pair.b_id, other_id=pair.a_id),
                                     undone_at__isnull=True).order_by("-at").first()


@transaction.atomic
def pair_unmerge(*, actor, pair: DuplicatePair, reason: str = "") -> Child:
    """Undo the pair's merge (`registry.services.child_merge_undo`): both records stand again and
    the pair waits for a decision, as before; their issues are checked afresh."""
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    merge = pair_merge_of(pair)
    if merge is None:
        raise ServiceError("这一对档案没有待撤销的合并", code=ErrorCode.REQUIRED)
    try:
        child = child_merge_undo(actor=actor, merge=merge, reason=reason.strip())
    except Forbidden:
        raise NotFound("未找到该疑似重复记录") from None
    pair.status, pair.decided_by, pair.decided_at = DuplicatePair.Status.OPEN, None, None
    pair.note = f"{timezone.localtime():%Y-%m-%d} {actor} 撤销了合并"[:255]
    pair.save(update_fields=["status", "decided_by", "decided_at", "note"])
    recheck_children([pair.a_id, pair.b_id])
    return child


def snapshot(*, today: date | None = None, village_codes: Iterable[str] | None = None) -> None:
    """This month's open issues and records per village (the last check of the month wins)."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    issues = Issue.objects.filter(status=Issue.Status.OPEN)
    children = Child.objects.filter(status=Child.Status.ACTIVE)
    snaps = Snapshot.objects.filter(month=month)
    if village_codes is not None:
        codes = list(village_codes)
        issues, children, snaps = issues.filter(village_code__in=codes), children.filter(village_code__in=codes), snaps.filter(village_code__in=codes)
    by_level = defaultdict(dict)
    for r in issues.values("village_code", "level").annotate(n=Count("id")).order_by():
        by_level[r["village_code"]][r["level"]] = r["n"]
    records = dict(children.values("village_code").annotate(n=Count("id")).values_list("village_code", "n").order_by())
    with transaction.atomic():
        snaps.delete()
        Snapshot.objects.bulk_create([
            Snapshot(month=month, village_code=v, records=records.get(v, 0), errors=by_level[v].get("error", 0),
                     warnings=by_level[v].get("warning", 0), infos=by_level[v].get("info", 0))
            for v in set(records) | set(by_level)
        ])


def dismiss(*, actor, issue: Issue, reason: str) -> Issue:
    """Close an issue that is not a mistake (a real twin, a legal exception) with a reason; who and
    when are kept on the issue. Only someone who may edit the child's record may dismiss."""
    if not scope_of(actor).can_edit_village(issue.village_code):
        raise NotFound("未找到该问题")
    reason = reason.strip()
    if len(reason) < 4:
        raise ServiceError("请写明不需要修改的理由（至少4个字）", code=ErrorCode.REQUIRED, field="reason")
    if issue.status != Issue.Status.OPEN:
        raise Conflict("该问题已关闭", code=ErrorCode.WRONG_STATE, field="reason")
    if issue.code in DUPLICATE_CODES:  # decided on the pair, so both children's issues and the pair agree
        raise ServiceError("疑似重复请在“对比两份档案”页合并，或标记为“不是同一人”", code=QualityErrorCode.DECIDE_ON_PAIR, field="reason")
    issue.status, issue.closed_on, issue.dismissed_by, issue.dismiss_reason = Issue.Status.DISMISSED, timezone.localdate(), actor, reason[:255]
    issue.save(update_fields=["status", "closed_on", "dismissed_by", "dismiss_reason"])
    return issue
