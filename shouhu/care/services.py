"""Writes of care work. Every write checks the actor's scope for the child (the same 404 as a
missing child), is atomic, and — after it commits — refreshes the child's maintained rows
(`CareStatus`, `VisitDue`, `CampaignMark`) so "my tasks" and the care-month progress are
right on the next page load."""
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.core import bulk
from shouhu.regions.models import code_range
from shouhu.registry.models import Child
from shouhu.rules import care as R
from shouhu.rules import choices as C

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
    Participation,
    ServiceRecord,
    Training,
    Visit,
    VisitDue,
    VisitPhoto,
    VisitRule,
    Wish,
)

GROUP_FIELDS = C.ALL_CATEGORY_FIELDS
# When a user holds several roles that reach a child, a visit counts for the first of these.
ROLE_PRIORITY = ("helper", "village_director", "township_supervisor", "head_teacher", "school_staff", "counsellor", "county_admin")
PHOTO_TYPES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG": ".png", b"RIFF": ".webp"}
MAX_PHOTO_BYTES = 8 * 1024 * 1024


# -- who may do what for which child -----------------------------------------------------------
def child_in(actor, uid, flag: str) -> Child:
    """The child if one of the actor's roles with `flag` reaches it; else the same 404 as missing."""
    import uuid

    try:
        uid = uuid.UUID(str(uid))
        return (Child.objects.filter(scope_of(actor).children_q_with(flag))
                .select_related("village__parent", "school", "school_class").get(uid=uid))
    except (ValueError, Child.DoesNotExist):
        raise Http404("未找到该儿童") from None


def roles_for(actor, child: Child, flag: str = "can_care") -> list[str]:
    """The actor's roles (with `flag`) whose scope reaches this child, most specific first."""
    scope = scope_of(actor)
    roles = {a.role for a in scope.assignments_with(flag)
             if Child.objects.filter(scope.assignment_children_q(a), pk=child.pk).exists()}
    return [r for r in ROLE_PRIORITY if r in roles] + sorted(roles - set(ROLE_PRIORITY))


def _require(actor, child: Child, flag: str) -> list[str]:
    roles = roles_for(actor, child, flag)
    if not roles:
        raise Http404("未找到该儿童")
    return roles


def helper_of(actor) -> Helper | None:
    return Helper.objects.filter(user_id=getattr(actor, "pk", None)).first()


def after_commit(child_ids: Iterable[int]) -> None:
    ids = sorted(set(child_ids))
    transaction.on_commit(lambda: refresh_children(ids))


# -- helpers and pairing -------------------------------------------------------------------------
def helpers_editable_q(actor):
    """Helpers the actor may manage: those of regions / schools in the actor's can_pair scope."""
    from django.db.models import Q

    q = Q(pk__in=[])
    for a in scope_of(actor).assignments_with("can_pair"):
        if a.region_id:
            lo, hi = code_range(a.region.code)
            q |= Q(region__code__range=(a.region.code, hi)) | Q(school__region_code__range=(a.region.code, hi))
        if a.school_id:
            q |= Q(school_id=a.school_id)
    return q


def _place_in_reach(scope, region, school) -> bool:
    """The same rule as `helpers_editable_q`, for a helper not saved yet: its region or its
    school lies under one of the actor's can_pair regions, or its school is the actor's school."""
    for a in scope.assignments_with("can_pair"):
        if a.region_id:
            lo, hi = code_range(a.region.code)
            if any(code is not None and lo <= code.ljust(12, "0") <= hi
                   for code in (region.code if region else None, school.region_code if school else None)):
                return True
        if a.school_id and school is not None and a.school_id == school.pk:
            return True
    return False


@transaction.atomic
def helper_save(*, actor, helper: Helper) -> Helper:
    scope = scope_of(actor)
    if not scope.has("can_pair"):
        raise PermissionDenied("您无权登记帮扶人")
    if not helper.region_id and not helper.school_id:
        raise ValidationError({"region": "请选择服务区域或所在学校"})
    if not _place_in_reach(scope, helper.region if helper.region_id else None, helper.school if helper.school_id else None):
        raise PermissionDenied("该服务区域或学校不在您的管辖范围内")
    if helper.pk is not None and not Helper.objects.filter(helpers_editable_q(actor), pk=helper.pk).exists():
        raise Http404("未找到该帮扶人")
    if helper.pk is None:
        helper.created_by = actor
    helper.full_clean(exclude=["user", "created_by"])
    helper.save()
    return helper


def _helper_in_reach(actor, helper: Helper, *, own_ok: bool = False) -> None:
    """A helper the actor manages (or, with `own_ok`, the actor's own record); else 404."""
    if own_ok and helper.user_id is not None and helper.user_id == getattr(actor, "pk", None):
        return
    if not Helper.objects.filter(helpers_editable_q(actor), pk=helper.pk).exists():
        raise Http404("未找到该帮扶人")


@transaction.atomic
def training_add(*, actor, helper: Helper, date: date, topic: str, hours=0, organiser: str = "") -> Training:
    """A training the helper took part in (培训记录)."""
    _helper_in_reach(actor, helper)
    _check_date(date)
    if not topic.strip():
        raise ValidationError({"topic": "请填写培训内容"})
    if hours is None or hours < 0:
        raise ValidationError({"hours": "学时不能为负数"})
    return Training.objects.create(helper=helper, date=date, topic=topic.strip()[:128], hours=hours, organiser=organiser.strip()[:64])


@transaction.atomic
def service_add(*, actor, helper: Helper, date: date, hours, content: str) -> ServiceRecord:
    """Volunteer service hours (志愿服务时长), by whoever manages the helper or the helper themself."""
    _helper_in_reach(actor, helper, own_ok=True)
    _check_date(date)
    if hours is None or not 0 < hours <= 24:
        raise ValidationError({"hours": "一次服务时长应在0到24小时之间"})
    if not content.strip():
        raise ValidationError({"content": "请填写服务内容"})
    return ServiceRecord.objects.create(helper=helper, date=date, hours=hours, content=content.strip()[:128], created_by=actor)


@dataclass
class PairingResult:
    pairing: Pairing
    warning: str


@transaction.atomic
def pairing_create(*, actor, child: Child, helper: Helper, mode: str, start: date, note: str = "") -> PairingResult:
    """Pair a helper with a child. A key child (orphan, de-facto unsupported, no carer) paired
    other than one-to-one is saved with a warning and stays on the one-to-one gap list."""
    _require(actor, child, "can_pair")
    if mode not in R.PAIRING_MODES:
        raise ValidationError({"mode": "请选择结对方式"})
    if not Helper.objects.filter(helpers_editable_q(actor), pk=helper.pk).exists() and helper.user_id != getattr(actor, "pk", None):
        raise ValidationError({"helper": "该帮扶人不在您的管辖范围内"})
    if Pairing.objects.active_on(start).filter(child=child, helper=helper).exists():
        raise ValidationError({"helper": "该帮扶人已与这名儿童结对"})
    p = Pairing.objects.create(helper=helper, child=child, mode=mode, start=start, note=note[:128], created_by=actor)
    after_commit([child.pk])
    return PairingResult(p, R.pairing_warning(groups_of(child), mode))


@transaction.atomic
def pairing_end(*, actor, pairing: Pairing, end: date, reason: str) -> Pairing:
    _require(actor, pairing.child, "can_pair")
    if end < pairing.start:
        raise ValidationError({"end": "结束日期不能早于开始日期"})
    pairing.end, pairing.end_reason = end, reason[:64]
    pairing.save(update_fields=["end", "end_reason"])
    after_commit([pairing.child_id])
    return pairing


def groups_of(child) -> frozenset[str]:
    get = child.get if isinstance(child, dict) else lambda f: getattr(child, f)
    return frozenset(g for g, f in GROUP_FIELDS.items() if get(f))


# -- visits, contact, wishes, counselling --------------------------------------------------------
def _check_date(day: date, field: str = "date", not_before: date | None = None) -> None:
    today = timezone.localdate()
    if day > today:
        raise ValidationError({field: "日期不能晚于今天"})
    if not_before and day < not_before:
        raise ValidationError({field: f"日期不能早于{not_before:%Y-%m-%d}"})


def photo_problem(f) -> str:
    """"" when `f` (an uploaded file) is a JPEG, PNG or WebP photo of acceptable size."""
    if f.size > MAX_PHOTO_BYTES:
        return "照片不能超过8MB"
    head = f.read(12)
    f.seek(0)
    if not any(head.startswith(sig) and (sig != b"RIFF" or head[8:12] == b"WEBP") for sig in PHOTO_TYPES):
        return "只能上传JPG、PNG或WebP格式的照片"
    return ""


@transaction.atomic
def visit_record(*, actor, child: Child, date: date, mode: str, role: str | None = None, helper: Helper | None = None,
                 visitor_name: str = "", areas: dict[str, str] | None = None, concerns: Sequence[str] = (), needs: str = "",
                 actions: str = "", follow_up: str = "", follow_up_date: date | None = None, photos: Sequence = ()) -> Visit:
    """Record a visit. `role` defaults to the actor's most specific role reaching the child; a
    helper user's visit counts for their own pairing. A visit another person made (a helper
    without an account) is recorded with `helper` and counts for that helper."""
    roles = _require(actor, child, "can_care")
    if role is None:
        role = roles[0]
    elif role not in roles:
        raise ValidationError({"role": "您不能以该身份记录这名儿童的走访"})
    if mode not in R.VISIT_MODES:
        raise ValidationError({"mode": "请选择走访方式"})
    _check_date(date)
    if follow_up_date and follow_up_date < date:
        raise ValidationError({"follow_up_date": "跟进日期不能早于走访日期"})
    bad = sorted(set(concerns) - set(R.CONCERNS))
    if bad:
        raise ValidationError({"concerns": "未知的异常情况：" + "、".join(bad)})
    if role == "helper":
        helper = helper_of(actor)
    elif helper is not None:
        if not Pairing.objects.active_on(date).filter(child=child, helper=helper).exists():
            raise ValidationError({"helper": "该帮扶人在走访日期没有与这名儿童结对"})
        role = "helper"
    for p in photos:
        if msg := photo_problem(p):
            raise ValidationError({"photos": msg})
    areas = areas or {}
    if not any((areas.get(k) or "").strip() for k, _ in R.VISIT_AREAS) and not needs.strip() and not concerns:
        raise ValidationError({"life": "请至少填写一项走访所见（生活、学习、心理、安全或监护照料）"})
    name = visitor_name.strip() or (helper.name if helper and role == "helper" else str(actor))
    v = Visit.objects.create(
        child=child, date=date, mode=mode, visitor=actor, visitor_role=role, helper=helper if role == "helper" else None,
        visitor_name=name[:32], concerns=list(concerns), needs=needs, actions=actions, follow_up=follow_up,
        follow_up_date=follow_up_date, **{k: (areas.get(k) or "").strip() for k, _ in R.VISIT_AREAS},
    )
    for p in photos:
        VisitPhoto.objects.create(visit=v, file=p)
    after_commit([child.pk])
    return v


@transaction.atomic
def contact_record(*, actor, child: Child, date: date, kind: str, with_whom: str, place: str = "", minutes: int | None = None,
                   note: str = "") -> FamilyContact:
    _require(actor, child, "can_care")
    _check_date(date)
    if kind not in R.CONTACT_KINDS:
        raise ValidationError({"kind": "请选择联系方式"})
    if with_whom not in R.CONTACT_WITH:
        raise ValidationError({"with_whom": "请选择联系对象"})
    c = FamilyContact.objects.create(child=child, date=date, kind=kind, with_whom=with_whom, place=place[:32], minutes=minutes,
                                     note=note[:255], recorded_by=actor)
    after_commit([child.pk])
    return c


@transaction.atomic
def wish_create(*, actor, child: Child, text: str, created_on: date | None = None) -> Wish:
    _require(actor, child, "can_care")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "请填写心愿内容"})
    on = created_on or timezone.localdate()
    _check_date(on, "created_on")
    return Wish.objects.create(child=child, text=text[:128], created_on=on, created_by=actor)


@transaction.atomic
def wish_claim(*, actor, wish: Wish, donor_name: str, donor_phone: str = "", donor_unit: str = "", on: date | None = None) -> Wish:
    _require(actor, wish.child, "can_care")
    if wish.status != Wish.Status.OPEN:
        raise ValidationError({"donor_name": "该心愿不是待认领状态"})
    if not donor_name.strip():
        raise ValidationError({"donor_name": "请填写认领人"})
    wish.status, wish.claimed_on = Wish.Status.CLAIMED, on or timezone.localdate()
    _check_date(wish.claimed_on, "claimed_on", not_before=wish.created_on)
    wish.donor_name, wish.donor_phone, wish.donor_unit = donor_name.strip()[:32], donor_phone[:20], donor_unit[:64]
    wish.save()
    return wish


@transaction.atomic
def wish_fulfil(*, actor, wish: Wish, on: date | None = None, note: str = "") -> Wish:
    _require(actor, wish.child, "can_care")
    if wish.status != Wish.Status.CLAIMED:
        raise ValidationError({"fulfilled_on": "只有已认领的心愿可以标记为已实现"})
    wish.status, wish.fulfilled_on, wish.fulfil_note = Wish.Status.FULFILLED, on or timezone.localdate(), note[:255]
    _check_date(wish.fulfilled_on, "fulfilled_on", not_before=wish.claimed_on)
    wish.save()
    after_commit([wish.child_id])
    return wish


@transaction.atomic
def wish_cancel(*, actor, wish: Wish) -> Wish:
    _require(actor, wish.child, "can_care")
    if wish.status == Wish.Status.FULFILLED:
        raise ValidationError({"status": "已实现的心愿不能取消"})
    wish.status = Wish.Status.CANCELLED
    wish.save(update_fields=["status"])
    return wish


@transaction.atomic
def counselling_record(*, actor, child: Child, date: date, topic: str, notes: str, risk: str = "低",
                       next_date: date | None = None) -> CounsellingSession:
    """Only counsellors write (and read) counselling notes."""
    _require(actor, child, "counsellor")
    _check_date(date)
    if not topic.strip() or not notes.strip():
        raise ValidationError({"notes": "请填写主题和辅导记录"})
    return CounsellingSession.objects.create(child=child, counsellor=actor, date=date, topic=topic.strip()[:64], notes=notes,
                                             risk=risk if risk in ("低", "中", "高") else "低", next_date=next_date)


# -- activities ------------------------------------------------------------------------------------
@transaction.atomic
def activity_save(*, actor, activity: Activity, children: Iterable[Child] = ()) -> Activity:
    """Create or change an activity and add its participants (children in the actor's scope)."""
    scope = scope_of(actor)
    if not scope.has("can_care"):
        raise PermissionDenied("您无权登记关爱活动")
    if activity.date > timezone.localdate():
        raise ValidationError({"date": "只能登记已经开展的活动（日期不能晚于今天）"})
    from shouhu.registry.selectors import regions_visible_to

    if not regions_visible_to(actor).filter(pk=activity.region_id).exists():
        raise ValidationError({"region": "该区域不在您的管辖范围内"})
    if activity.pk is None:
        activity.created_by = actor
    activity.save()
    Participation.objects.filter(activity=activity).update(date=activity.date)
    add_participants(actor=actor, activity=activity, children=children)
    return activity


def add_participants(*, actor, activity: Activity, children: Iterable[Child]) -> int:
    ids = [c.pk for c in children]
    allowed = set(Child.objects.filter(scope_of(actor).children_q_with("can_care"), pk__in=ids).values_list("pk", flat=True))
    if set(ids) - allowed:
        raise Http404("未找到该儿童")
    have = set(Participation.objects.filter(activity=activity, child_id__in=ids).values_list("child_id", flat=True))
    Participation.objects.bulk_create([Participation(activity=activity, child_id=i, date=activity.date) for i in ids if i not in have])
    after_commit(ids + list(have))
    return len(set(ids) - have)


# -- care month ----------------------------------------------------------------------------------
@transaction.atomic
def campaign_create(*, actor, name: str, region, start: date, end: date, run: bool = True) -> Campaign:
    if not scope_of(actor).is_county_admin:
        raise PermissionDenied("只有县级管理员可以发起关爱保护月")
    if end < start:
        raise ValidationError({"end": "结束日期不能早于开始日期"})
    c = Campaign.objects.create(name=name.strip()[:64] or "关爱保护月", region=region, start=start, end=end, created_by=actor)
    if run:
        from .tasks import rebuild_campaign

        transaction.on_commit(lambda: rebuild_campaign.enqueue(c.pk))
    return c


# -- the maintained rows ---------------------------------------------------------------------------
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
            last_visit=max(visits.values()) if visits else None, **place,
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
    from .selectors import AGGS

    CampaignCell.objects.filter(campaign=campaign, village_code__in=villages).delete()
    rows = CampaignMark.objects.filter(campaign=campaign, village_code__in=villages).values("village_code").annotate(**AGGS).order_by()
    CampaignCell.objects.bulk_create([CampaignCell(campaign=campaign, **r) for r in rows])


def rules_save(*, actor, rows: Iterable[tuple[str, str, int]], contact_days: int, soon_days: int) -> None:
    """The county's visit rules and contact interval; every child's due dates follow (background)."""
    if not scope_of(actor).is_county_admin:
        raise PermissionDenied("只有县级管理员可以修改走访规则")
    with transaction.atomic():
        VisitRule.objects.all().delete()
        VisitRule.objects.bulk_create([VisitRule(role=r, group=g, interval_days=n) for r, g, n in rows if n])
        setting = CareSetting.current()
        setting.contact_days, setting.soon_days = contact_days, soon_days
        setting.save()
        from .tasks import refresh_care

        transaction.on_commit(lambda: refresh_care.enqueue(None))
