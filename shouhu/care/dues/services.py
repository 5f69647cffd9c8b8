"""The maintained rows (`CareStatus`, `VisitDue`, the care month's `CampaignMark` and `CampaignCell`):
rewritten from the records and the pure rules in `shouhu.rules.care` after every care write commits,
after registry changes, nightly, and in the background after a change of the visit rules or a new
campaign. The background jobs are here, beside the refresh they run, so a service that needs one
enqueues it without an import loop."""
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from shouhu.accounts.scope import scope_of
from shouhu.core import bulk
from shouhu.core import progress as job_progress
from shouhu.core.errors import Forbidden
from shouhu.regions.models import code_range
from shouhu.registry.models import Child
from shouhu.registry.signals import facts_changed
from shouhu.rules import care as R

from ..activities.models import Participation
from ..campaigns.models import Campaign, CampaignCell, CampaignMark
from ..campaigns.selectors import AGGS
from ..common import GROUP_FIELDS, groups_of
from ..helpers.models import Pairing
from ..visits.models import FamilyContact, Visit
from ..wishes.models import Wish
from .models import CareSetting, CareStatus, VisitDue, VisitRule


def after_commit(child_ids: Iterable[int]) -> None:
    """Refresh these children's maintained rows once the write commits, so "my tasks" and the care
    month are right on the next page load; then say that care facts about them changed (the
    early-warning rules read them again)."""
    ids = sorted(set(child_ids))

    def run():
        refresh_children(ids)
        facts_changed.send(sender=CareStatus, child_ids=ids)

    transaction.on_commit(run)


CHILD_VALUES = ("id", "village_code", "school_id", "school_class_id", "status", "entered_on", "created_at", "id_number",
                "hukou_registered", "father_situation", "mother_situation", "carer_name", "father_phone", "mother_phone",
                "carer_phone", "guardianship", *GROUP_FIELDS.values())


def refresh_children(child_ids: Sequence[int], *, today: date | None = None, chunk: int = 2000, campaigns=None) -> None:
    """Rewrite the maintained rows of these children from their records."""
    today = today or timezone.localdate()
    rules = VisitRule.current()
    setting = CareSetting.current()
    campaigns = list(Campaign.objects.select_related("region")) if campaigns is None else campaigns
    ids = list(child_ids)
    for i in range(0, len(ids), chunk):
        with transaction.atomic():
            _refresh_chunk(ids[i:i + chunk], today, rules, setting, campaigns)


def refresh_all(*, village_codes: Iterable[str] | None = None, progress=None, chunk: int = 2000, campaigns=None) -> int:
    """Every child (or the children of these villages): nightly, after an import, after a
    change of the visit rules."""
    qs = Child.objects.order_by("id")
    if village_codes is not None:
        qs = qs.filter(village_code__in=list(village_codes))
    ids = list(qs.values_list("id", flat=True))
    campaigns = list(Campaign.objects.select_related("region")) if campaigns is None else campaigns
    for i in range(0, len(ids), chunk):
        refresh_children(ids[i:i + chunk], chunk=chunk, campaigns=campaigns)
        if progress:
            progress(min(i + chunk, len(ids)), len(ids))
    return len(ids)


def _refresh_chunk(ids: list[int], today: date, rules, setting: CareSetting, campaigns: list[Campaign]) -> None:
    children = list(Child.objects.filter(id__in=ids).values(*CHILD_VALUES))
    pairings: dict[int, list[R.PairingFact]] = defaultdict(list)
    for cid, hid, mode, start, end in Pairing.objects.filter(child_id__in=ids).values_list("child_id", "helper_id", "mode", "start", "end"):
        pairings[cid].append(R.PairingFact(hid, mode, start, end))
    last_visits: dict[int, dict] = defaultdict(dict)
    for r in Visit.objects.filter(child_id__in=ids).values("child_id", "visitor_role", "helper_id").annotate(last=Max("date")).order_by():
        key = ("helper", r["helper_id"]) if r["visitor_role"] == "helper" else (r["visitor_role"], None)
        prev = last_visits[r["child_id"]].get(key)
        last_visits[r["child_id"]][key] = max(prev, r["last"]) if prev else r["last"]
    last_contact = dict(FamilyContact.objects.filter(child_id__in=ids).values("child_id").annotate(last=Max("date")).values_list("child_id", "last").order_by())

    statuses, dues = [], []
    for c in children:
        groups = groups_of(c)
        active = c["status"] == Child.Status.ACTIVE
        since = c["entered_on"] or timezone.localtime(c["created_at"]).date()
        place = {"village_code": c["village_code"], "school_id": c["school_id"], "school_class_id": c["school_class_id"]}
        ps = pairings.get(c["id"], [])
        visits = last_visits.get(c["id"], {})
        lc = last_contact.get(c["id"])
        nc = R.needs_contact(groups, active)
        statuses.append(CareStatus(
            child_id=c["id"], active=active, needs_one_to_one=R.needs_one_to_one(groups, active), has_one_to_one=R.has_one_to_one(ps, today),
            needs_contact=nc, last_contact=lc, contact_due=R.contact_due(last_contact=lc, since=since, contact_days=setting.contact_days) if nc else None,
            last_visit=max(visits.values()) if visits else None, since=since, **place,
        ))
        for d in R.visit_dues(groups=groups, active=active, since=since, rules=rules, pairings=ps, last_visits=visits, today=today):
            if d.role == "head_teacher" and not c["school_class_id"]:
                continue  # nobody holds that task
            dues.append(VisitDue(child_id=c["id"], role=d.role, helper_id=d.helper_id, interval_days=d.interval_days, last_visit=d.last_visit,
                                 due=d.due, reason=d.reason[:128], **place))
    CareStatus.objects.filter(child_id__in=ids).delete()
    VisitDue.objects.filter(child_id__in=ids).delete()
    bulk.insert(CareStatus, statuses)
    bulk.insert(VisitDue, dues)
    for campaign in campaigns:
        _refresh_marks(campaign, children, pairings, today)


def _ids_with(qs, ids) -> set[int]:
    return set(qs.filter(child_id__in=ids).values_list("child_id", flat=True).distinct())


def _refresh_marks(campaign: Campaign, children: list[dict], pairings: dict, today: date) -> None:
    ids = [c["id"] for c in children]
    lo, hi = code_range(campaign.region.code)
    if campaign.end < today:  # a finished campaign keeps its children; their marks may still improve (late entries)
        members = set(CampaignMark.objects.filter(campaign=campaign, child_id__in=ids).values_list("child_id", flat=True))
    else:
        members = {c["id"] for c in children if c["status"] == Child.Status.ACTIVE and lo <= c["village_code"] <= hi}
    s, e = campaign.start, campaign.end
    contact = _ids_with(FamilyContact.objects.filter(date__range=(s, e)), ids)
    visit = _ids_with(Visit.objects.filter(date__range=(s, e), mode=R.HOME_VISIT), ids)
    activity = _ids_with(Participation.objects.filter(date__range=(s, e)), ids)
    wish = _ids_with(Wish.objects.filter(status=Wish.Status.FULFILLED, fulfilled_on__range=(s, e)), ids)
    marks = []
    for c in children:
        if c["id"] not in members:
            continue
        m = {"ledger": not R.ledger_missing(c), "pairing": R.pairing_measure(groups_of(c), pairings.get(c["id"], []), s, e),
             "contact": c["id"] in contact, "visit": c["id"] in visit, "activity": c["id"] in activity, "wish": c["id"] in wish}
        marks.append(CampaignMark(campaign=campaign, child_id=c["id"], village_code=c["village_code"], school_id=c["school_id"],
                                  school_class_id=c["school_class_id"], done=sum(m.values()), **m))
    old = CampaignMark.objects.filter(campaign=campaign, child_id__in=ids)
    villages = set(old.values_list("village_code", flat=True)) | {m.village_code for m in marks}
    old.delete()
    bulk.insert(CampaignMark, marks)
    refresh_cells(campaign, villages)


def refresh_cells(campaign: Campaign, villages: set[str]) -> None:
    """Recount the campaign's cells of these villages from the marks."""
    CampaignCell.objects.filter(campaign=campaign, village_code__in=villages).delete()
    rows = CampaignMark.objects.filter(campaign=campaign, village_code__in=villages).values("village_code").annotate(**AGGS).order_by()
    CampaignCell.objects.bulk_create([CampaignCell(campaign=campaign, **r) for r in rows])


def rules_save(*, actor, rows: Iterable[tuple[str, str, int]], contact_days: int, soon_days: int) -> None:
    """The county's visit rules and contact interval; every child's due dates follow (background)."""
    if not scope_of(actor).is_county_admin:
        raise Forbidden("只有县级管理员可以修改走访规则")
    with transaction.atomic():
        VisitRule.objects.all().delete()
        VisitRule.objects.bulk_create([VisitRule(role=r, group=g, interval_days=n) for r, g, n in rows if n])
        setting = CareSetting.current()
        setting.contact_days, setting.soon_days = contact_days, soon_days
        setting.save()
        transaction.on_commit(lambda: refresh_care.enqueue(None))


@task()
def refresh_care(village_codes: list[str] | None = None) -> int:
    """Rewrite the due dates and care-month marks of these villages' children (None = all)."""
    return refresh_all(village_codes=village_codes)


@task()
def rebuild_campaign(campaign_id: int) -> int:
    """Tick a new campaign's six measures for every child (progress in the cache)."""
    campaign = Campaign.objects.get(pk=campaign_id)
    key = f"campaign-{campaign.pk}"

    def tick(done: int, total: int) -> None:
        job_progress.report(key, done=done, total=total, phase="正在统计")

    n = refresh_all(progress=tick, campaigns=[campaign])
    job_progress.report(key, done=n, total=n, phase="完成")
    return n
