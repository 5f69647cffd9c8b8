"""Writes of the roster (docs/domain.md, "People"): keyword-only, atomic, the actor first.

The county keeps the roster. Appointing a person who has a login gives that login the post's role
on the place (儿童主任 → the village, 儿童督导员 → the township, 心理辅导教师 → the school), through
`accounts.services.assignment_grant`, so the grant is audited like any other; ending the tenure
removes it the same way. A post that allows one holder (a village's 儿童主任) refuses a second:
the current holder's tenure is ended first, with its date and reason (decisions). A post left with
fewer holders than its kind requires is a vacancy: the county is told when it opens, and reminded
once a week while it lasts (`staffing_clock`, run by `shouhu escalate`)."""
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from uuid import uuid4

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shouhu.accounts.models import Assignment, User
from shouhu.accounts.services import assignment_grant, assignment_revoke
from shouhu.core import uploads
from shouhu.core.errors import ErrorCode, NotFound, ServiceError
from shouhu.core.versions import bump_version
from shouhu.notify.services import Message, notify_many
from shouhu.regions.models import Region, School
from shouhu.rules import staffing as R

from . import selectors
from .models import Appointment, Person, SocialWorkOrg, Training, Vacancy

LEVELS = {5: R.VILLAGE, 4: R.TOWNSHIP, 3: R.COUNTY}
REMIND_EVERY = timedelta(days=7)  # a vacancy is recalled to the county once a week, not at every run
ONE_BY_ONE = 3  # up to this many new vacancies are told one by one; more in one summary line


class StaffErrorCode(StrEnum):
    POST_FILLED = "post_filled"  # the post holds its most: end the current tenure first
    WRONG_LEVEL = "wrong_level"  # e.g. a 儿童主任 at a township
    ENDED = "ended"  # the tenure has ended already


def _rule_error(e: R.StaffingRuleError) -> ServiceError:
    code = {"place": StaffErrorCode.POST_FILLED if "在任" in str(e) else StaffErrorCode.WRONG_LEVEL}.get(e.field, ErrorCode.INVALID)
    return ServiceError(str(e), code=code, field=e.field or None)


def _check_manages(actor, code: str, what: str = "未找到该区划") -> None:
    if not selectors.manages(actor, code):
        raise NotFound(what)


# -- people -------------------------------------------------------------------------------------
PERSON_FIELDS = ("name", "sex", "birth_year", "phone", "other_posts", "education")


def _clean_person(values: dict) -> dict:
    out = {k: (values.get(k) or "").strip() for k in PERSON_FIELDS if k != "birth_year"}
    if not out["name"]:
        raise ServiceError("请填写姓名", code=ErrorCode.REQUIRED, field="name")
    if out["sex"] and out["sex"] not in R.SEXES:
        raise ServiceError("请选择性别", field="sex")
    year = values.get("birth_year") or None
    if year is not None and not (1930 <= int(year) <= timezone.localdate().year - 16):
        raise ServiceError("出生年份不正确", field="birth_year")
    return {**out, "birth_year": year}


@transaction.atomic
def person_create(*, actor, region: Region, org: SocialWorkOrg | None = None, user: User | None = None, **values) -> Person:
    _check_manages(actor, region.code)
    p = Person(region=region, org=org, user=user, **_clean_person(values))
    p.save()
    return p


@transaction.atomic
def person_update(*, actor, person: Person, org: SocialWorkOrg | None = None, expected_version: int | None = None, **values) -> Person:
    person = selectors.person_for(actor, person.pk)
    _check_manages(actor, person.region_code, "未找到该人员")
    bump_version(person, expected=expected_version)
    for k, v in _clean_person({**{f: getattr(person, f) for f in PERSON_FIELDS}, **values}).items():
        setattr(person, k, v)
    person.org = org
    person.save()
    return person


def find_user(username: str) -> User | None:
    """The login named in a form ("" is none)."""
    username = (username or "").strip()
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ServiceError("未找到该登录账号（或已停用）", code=ErrorCode.NOT_FOUND, field="username")
    return user


# -- tenures ------------------------------------------------------------------------------------
def _place(kind: str, region: Region | None, school: School | None) -> tuple[str, str]:
    """(the level the post sits at, the place code the scope reads)."""
    if school is not None:
        return R.SCHOOL, school.region_code
    if region is None:
        raise ServiceError("请选择岗位所在地", code=ErrorCode.REQUIRED, field="place")
    return LEVELS.get(region.level, ""), region.code


def _post_q(kind: str, region: Region | None, school: School | None) -> Q:
    return Q(kind=kind, school=school) if school is not None else Q(kind=kind, region=region, school__isnull=True)


@transaction.atomic
def appointment_start(*, actor, person: Person, kind: str, start_on: date, region: Region | None = None, school: School | None = None,
                      org: SocialWorkOrg | None = None, user: User | None = None, request=None) -> Appointment:
    """Put `person` in a post from `start_on`. With a login (`user`, or the one the person has), the
    login gets the post's role on the place for the tenure."""
    person = Person.objects.select_for_update().get(pk=selectors.person_for(actor, person.pk).pk)
    level, code = _place(kind, region, school)
    _check_manages(actor, code)
    today = timezone.localdate()
    # the place's row is the lock: two appointments to an empty post cannot both see it empty
    (School.objects.filter(pk=school.pk) if school is not None else Region.objects.filter(pk=region.pk)).select_for_update().first()
    try:
        R.check_level(kind, level)
        others = [a.tenure() for a in Appointment.objects.select_for_update(of=("self",)).filter(_post_q(kind, region, school)).select_related("region")]
        R.check_appointment(kind, start_on, others, today=today, person=person.pk)
    except R.StaffingRuleError as e:
        raise _rule_error(e) from None
    if kind == "social_worker" and org is None:
        org = person.org
    if user is not None and person.user_id not in (None, user.pk):
        raise ServiceError("此人已关联其他登录账号", code=ErrorCode.CONFLICT, field="username")
    user = user or person.user
    a = Appointment.objects.create(person=person, kind=kind, region=None if school else region, school=school, org=org, place_code=code,
                                   start_on=start_on, created_by=actor)
    a.assignment = _grant(actor=actor, kind=kind, region=region, school=school, user=user, request=request)
    a.save(update_fields=["assignment"])
    place_region = region if school is None else school.township
    person.region, person.user = place_region, user
    if org is not None:
        person.org = org
    person.save()
    vacancies_refresh(posts=[(kind, region if school is None else None, school)], today=today)
    return a


def _grant(*, actor, kind: str, region, school, user, request) -> Assignment | None:
    role = R.KINDS[kind].role
    if not role or user is None:
        return None
    node = {"school": school} if school is not None else {"region": region}
    same = Assignment.objects.filter(user=user, role=role, **node).first()
    if same is not None:  # the login has the role already (given by hand before the roster): the tenure keeps it
        return same
    return assignment_grant(actor=actor, target=user, assignment=Assignment(role=role, **node), request=request)


@transaction.atomic
def appointment_end(*, actor, appointment: Appointment, end_on: date, reason: str, note: str = "", request=None) -> Appointment:
    """End a tenure (离任 with its reason). The post's role leaves the login with it, unless another
    current tenure of the same person holds the same role there."""
    a = selectors.appointment_for(actor, appointment.pk)
    _check_manages(actor, a.place_code, "未找到该任职记录")
    a = Appointment.objects.select_for_update(of=("self",)).select_related("person", "region", "school").get(pk=a.pk)
    if a.end_on is not None:
        raise ServiceError("该任职已结束", code=StaffErrorCode.ENDED, field="end_on")
    today = timezone.localdate()
    try:
        R.check_end(a.start_on, end_on, reason, today=today)
    except R.StaffingRuleError as e:
        raise _rule_error(e) from None
    a.end_on, a.end_reason, a.end_note, a.ended_by = end_on, reason, note.strip()[:255], actor
    a.save(update_fields=["end_on", "end_reason", "end_note", "ended_by"])
    if a.assignment_id and not Appointment.objects.on(today).filter(assignment_id=a.assignment_id).exclude(pk=a.pk).exists():
        grant = Assignment.objects.select_related("user").get(pk=a.assignment_id)
        assignment_revoke(actor=actor, target=grant.user, assignment_id=grant.pk, request=request)
    vacancies_refresh(posts=[(a.kind, a.region, a.school)], today=today)
    return a


# -- trainings ----------------------------------------------------------------------------------
@transaction.atomic
def training_add(*, actor, person: Person, on: date, topic: str, hours: Decimal, organiser: str = "", certificate_no: str = "",
                 certificate=None) -> Training:
    person = selectors.person_for(actor, person.pk)
    _check_manages(actor, person.region_code, "未找到该人员")
    if not topic.strip():
        raise ServiceError("请填写培训内容", code=ErrorCode.REQUIRED, field="topic")
    if hours is None or not (Decimal("0.5") <= Decimal(hours) <= Decimal("500")):
        raise ServiceError("学时应在0.5至500之间", field="hours")
    if on > timezone.localdate():
        raise ServiceError("培训日期不能晚于今天", field="on")
    t = Training(person=person, on=on, topic=topic.strip()[:64], hours=hours, organiser=organiser.strip()[:64],
                 certificate_no=certificate_no.strip()[:32], created_by=actor)
    if certificate is not None:
        problem = uploads.document_problem(certificate, what="证书")
        if problem:
            raise ServiceError(problem, field="certificate")
        ext, t.content_type = uploads.document_kind(certificate)
        certificate.name = f"{uuid4().hex}{ext}"  # the name the type decided, never the uploader's
        t.certificate = certificate
    t.save()
    return t


# -- social-work organisations ------------------------------------------------------------------
@transaction.atomic
def org_save(*, actor, org: SocialWorkOrg, expected_version: int | None = None) -> SocialWorkOrg:
    if org.region_id is None:
        raise ServiceError("请选择服务区域", code=ErrorCode.REQUIRED, field="region")
    _check_manages(actor, org.region.code)
    if org.pk:
        selectors.orgs_visible_to(actor).get(pk=org.pk)
    if not org.name.strip():
        raise ServiceError("请填写机构名称", code=ErrorCode.REQUIRED, field="name")
    if org.contract_start and org.contract_end and org.contract_end < org.contract_start:
        raise ServiceError("服务期结束不能早于开始", field="contract_end")
    if SocialWorkOrg.objects.filter(name=org.name.strip()).exclude(pk=org.pk).exists():
        raise ServiceError("已有同名社工机构", code=ErrorCode.CONFLICT, field="name")
    org.name = org.name.strip()
    if org.pk:
        bump_version(org, expected=expected_version)
    org.save()
    return org


# -- vacancies ----------------------------------------------------------------------------------
def _required_posts(posts: Iterable | None) -> list[tuple[str, Region | None, School | None]]:
    """(kind, region, school) of every required post, or of the posts named (those a write touched)."""
    if posts is not None:
        return [(k, r, s) for k, r, s in posts if R.KINDS[k].at_least]
    out = [("village_director", r, None) for r in Region.objects.filter(level=5).order_by("code")]
    out += [("township_supervisor", r, None) for r in Region.objects.filter(level=4).order_by("code")]
    out += [("counsellor", None, s) for s in School.objects.filter(active=True).order_by("region_code", "name")]
    return out


def _key(kind, region, school) -> tuple[str, str]:
    return kind, R.school_place(school.pk) if school is not None else region.code


def vacancies_refresh(*, posts: Iterable | None = None, today: date | None = None) -> tuple[int, int]:
    """Open a vacancy row for each required post held by fewer than its kind requires today, close
    the rows of posts filled since; tell the county of the new ones. All posts, or only `posts`
    (kind, region, school) after a write. Returns (opened, filled)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        required = _required_posts(posts)
        if not required:
            return 0, 0
        by_key = {_key(*p): p for p in required}
        q = Q(pk__in=[])
        for kind, region, school in required:
            q |= _post_q(kind, region, school)
        tenures = [a.tenure() for a in Appointment.objects.filter(q if posts is not None else Q(kind__in=R.REQUIRED_KINDS))
                   .select_related("region")]
        vacant = {(v.kind, v.place): v for v in R.vacancies(by_key, tenures, today)}
        open_rows = Vacancy.objects.select_for_update(of=("self",)).filter(filled_on__isnull=True).select_related("region", "school")
        if posts is not None:
            vq = Q(pk__in=[])
            for kind, region, school in required:
                vq |= Q(kind=kind, school=school) if school is not None else Q(kind=kind, region=region, school__isnull=True)
            open_rows = open_rows.filter(vq)
        seen, filled = set(), []
        for row in open_rows:
            key = (row.kind, row.place_key)
            if key in vacant and key not in seen:
                seen.add(key)
                if row.short != vacant[key].short:
                    row.short = vacant[key].short
                    row.save(update_fields=["short"])
            else:
                row.filled_on = today
                filled.append(row)
        Vacancy.objects.bulk_update(filled, ["filled_on"])
        new = []
        for key, v in vacant.items():
            if key in seen:
                continue
            kind, region, school = by_key[key]
            new.append(Vacancy(kind=kind, region=region, school=school, place_code=school.region_code if school else region.code,
                               short=v.short, since=v.since, opened_on=today, told_on=today))
        Vacancy.objects.bulk_create(new)
        _tell(new, lambda n: f"新增{n}个岗位空缺，请及时选配人员", kind="staffing")
    return len(new), len(filled)


def _tell(rows: list[Vacancy], summary, *, kind: str) -> int:
    """The county's keepers of the roster told of vacancies: one line each, or one line for many."""
    if not rows:
        return 0
    url = reverse("staffing:vacancies")
    per_user: dict[int, tuple] = {}
    for v in rows:
        for u in selectors.keepers_of(v.place_code):
            per_user.setdefault(u.pk, (u, []))[1].append(v)
    messages = []
    for user, mine in per_user.values():
        if len(mine) <= ONE_BY_ONE:
            messages += [Message([user], kind, f"岗位空缺：{v.place_label}{R.KINDS[v.kind].label}", url, "有岗位空缺，请登录守护查看")
                         for v in mine]
        else:
            messages.append(Message([user], kind, summary(len(mine)), url, "有岗位空缺，请登录守护查看"))
    return notify_many(messages)


def vacancy_reminders(*, today: date | None = None) -> int:
    """Vacancies the county was last told of a week ago or more: told again (one line per keeper),
    and the day noted. Returns how many vacancies were recalled."""
    today = today or timezone.localdate()
    with transaction.atomic():
        due = list(Vacancy.objects.select_for_update(of=("self",)).filter(filled_on__isnull=True)
                   .filter(Q(told_on__isnull=True) | Q(told_on__lte=today - REMIND_EVERY)).select_related("region", "school"))
        if not due:
            return 0
        by_user: dict[int, list] = defaultdict(list)
        users = {}
        for v in due:
            for u in selectors.keepers_of(v.place_code):
                users[u.pk] = u
                by_user[u.pk].append(v)
        notify_many(Message([users[pk]], "staffing", _reminder(rows), reverse("staffing:vacancies"), "有岗位空缺，请登录守护查看")
                    for pk, rows in by_user.items())
        Vacancy.objects.filter(pk__in=[v.pk for v in due]).update(told_on=today)
    return len(due)


def _reminder(rows: list[Vacancy]) -> str:
    names = "、".join(f"{v.place_label}{R.KINDS[v.kind].label}" for v in rows[:3])
    return f"仍有{len(rows)}个岗位空缺（{names}{'等' if len(rows) > 3 else ''}），请及时选配人员"


def staffing_clock(*, today: date | None = None) -> int:
    """The daily step (`shouhu escalate`): vacancies brought up to date (new villages and schools
    included), and those the county has not heard of for a week recalled. Returns the open count."""
    today = today or timezone.localdate()
    vacancies_refresh(today=today)
    vacancy_reminders(today=today)
    return Vacancy.objects.filter(filled_on__isnull=True).count()


@transaction.atomic
def person_appoint(*, actor, values: dict, kind: str, start_on: date, region: Region | None = None, school: School | None = None,
                   org: SocialWorkOrg | None = None, user: User | None = None, request=None) -> Appointment:
    """A new person put in a post at once (the vacancy's 任命): both or neither are saved."""
    level, code = _place(kind, region, school)
    _check_manages(actor, code)
    person = person_create(actor=actor, region=region if school is None else school.township, org=org, **values)
    return appointment_start(actor=actor, person=person, kind=kind, start_on=start_on, region=region, school=school, org=org, user=user,
                             request=request)
