"""Running the data-quality checks and keeping their issues.

A recheck of some children runs the record checks (`rules.quality.record_findings`) and brings
their issues in line: a finding not stored yet opens an issue; an open issue no longer found is
closed as fixed (the data was corrected); a dismissed issue stays dismissed while the same finding
comes back. The county-wide run (nightly, or from the quality page) adds the group checks —
copied parent details across households, copied visit notes, bursts and backdated visits — over
the last VISIT_DAYS of visits, and records this month's counts per village for the trend."""
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.registry.models import Child, CountySetting
from shouhu.rules import quality as Q_

from .models import Issue, Snapshot

VISIT_DAYS = 120  # the window of visits the fabrication checks read
CHILD_FIELDS = [f.attname if f.is_relation else f.name for f in Child._meta.concrete_fields
                if f.name not in ("photo", "agreement_file", "name_pinyin", "name_initials", "name_fuzzy", "category_reasons")]
GROUP_CODES = frozenset(c for c, chk in Q_.CATALOGUE.items() if chk.kind == "fabrication")


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
    records = _records(Child.objects.filter(id__in=list(child_ids)))
    s = _settings()
    found = [f for r in records for f in Q_.record_findings(r, today=today, settings=s)]
    _apply([r["id"] for r in records], found, codes=set(Q_.CATALOGUE) - GROUP_CODES, today=today)
    return len(records)


def recheck_all(*, village_codes: Iterable[str] | None = None, progress=None, chunk: int = 2000, today: date | None = None) -> int:
    """Every child (or these villages' children); the whole county also gets the group checks."""
    today = today or timezone.localdate()
    qs = Child.objects.order_by("id")
    if village_codes is not None:
        qs = qs.filter(village_code__in=list(village_codes))
    ids = list(qs.values_list("id", flat=True))
    for i in range(0, len(ids), chunk):
        recheck_children(ids[i:i + chunk], today=today)
        if progress:
            progress(min(i + chunk, len(ids)), len(ids))
    if village_codes is None:
        _group_checks(today)
    snapshot(today=today, village_codes=village_codes)
    return len(ids)


def _group_checks(today: date) -> None:
    from shouhu.care.models import Visit

    people = list(Child.objects.values("id", "village_code", "address_detail", "carer_name", "carer_id_number", "carer_phone",
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
    _apply(list(Child.objects.values_list("id", flat=True)), found, codes=set(GROUP_CODES), today=today)


@transaction.atomic
def _apply(child_ids: list[int], found: list[Q_.Finding], *, codes: set[str], today: date) -> None:
    """Bring the stored issues of `codes` for these children in line with `found`."""
    wanted: dict[tuple[int, str], Q_.Finding] = {}
    for f in found:
        if f.child_id is not None:
            wanted.setdefault((f.child_id, _key(f)), f)
    existing = {(i.child_id, i.key): i for i in Issue.objects.filter(child_id__in=child_ids, code__in=codes)}
    places = {c["id"]: c for c in Child.objects.filter(id__in={c for c, _ in wanted} | {c for c, _ in existing})
              .values("id", "village_code", "school_id", "school_class_id")}
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
        if issue.status == Issue.Status.FIXED:  # it came back
            issue.status, issue.closed_on = Issue.Status.OPEN, None
        issue.message, issue.related, issue.last_seen = f.message[:255], related, today
        issue.village_code, issue.school_id, issue.school_class_id = place["village_code"], place["school_id"], place["school_class_id"]
        changed.append(issue)
    gone = [i.pk for i in existing.values() if i.status == Issue.Status.OPEN]
    Issue.objects.bulk_create(new, batch_size=1000)
    Issue.objects.bulk_update(changed, ["status", "closed_on", "message", "related", "last_seen", "village_code", "school_id",
                                        "school_class_id"], batch_size=1000)
    Issue.objects.filter(pk__in=gone).update(status=Issue.Status.FIXED, closed_on=today)


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
        raise Http404("未找到该问题")
    reason = reason.strip()
    if len(reason) < 4:
        raise ValidationError({"reason": "请写明不需要修改的理由（至少4个字）"})
    if issue.status != Issue.Status.OPEN:
        raise ValidationError({"reason": "该问题已关闭"})
    issue.status, issue.closed_on, issue.dismissed_by, issue.dismiss_reason = Issue.Status.DISMISSED, timezone.localdate(), actor, reason[:255]
    issue.save(update_fields=["status", "closed_on", "dismissed_by", "dismiss_reason"])
    return issue
