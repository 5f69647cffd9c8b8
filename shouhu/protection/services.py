"""Early-warning alerts kept in step with the facts, and worked by people (docs/domain.md, "Early
warning"). The rules are `rules.alerts`; the facts come from the record and from the providers
other apps register (`registry.hooks.child_facts`).

- `evaluate_children(ids)` after a save (inline, a few children) and `evaluate_all()` nightly:
  opens the alerts the facts raise, resolves state alerts whose facts stopped holding, rewrites
  nothing that did not change.
- `escalate_due()` every few minutes: alerts whose deadline passed climb the owner chain.
- `alert_acknowledge`, `alert_act`, `alert_close`: what the owner does.
"""
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from shouhu.core.errors import ErrorCode, Forbidden, ServiceError
from shouhu.notify.services import Message, notify_many
from shouhu.registry.hooks import child_facts
from shouhu.registry.models import Child
from shouhu.rules import alerts as A
from shouhu.rules.idcard import IdNumberError, parse_id

from .models import Alert, AlertEvent, AlertSetting
from .selectors import can_work, owner_users, place_of, role_label


class AlertErrorCode(StrEnum):
    NOT_ACTIVE = "alert_not_active"  # acknowledged, acted on or closed already
    TOP = "alert_top"  # no one further up the chain


CHILD_FIELDS = ("id", "status", "village_code", "township_code", "school_id", "school_class_id", "birth_date", "flag_unguarded",
                "living_alone", "father_situation", "mother_situation", "carer_name", "carer_id_number", "carer_barred",
                "is_left_behind", "agreement_date", "poor_household", "benefits", "category_reasons")
PLACE_FIELDS = ("village_code", "township_code", "school_id", "school_class_id")


def _record_facts(row: dict) -> dict:
    facts = {k: row[k] for k in CHILD_FIELDS if k not in ("id", "status", "carer_id_number", "category_reasons", *PLACE_FIELDS)}
    facts["unguarded_reason"] = (row["category_reasons"] or {}).get("unguarded", "")
    try:
        facts["carer_birth_date"] = parse_id(row["carer_id_number"]).birth_date if row["carer_id_number"] else None
    except IdNumberError:
        facts["carer_birth_date"] = None
    return facts


def _chunks(ids: Sequence[int], n: int):
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


def evaluate_children(child_ids: Iterable[int], *, now: datetime | None = None, chunk: int = 2000) -> dict[str, int]:
    """Bring these children's alerts in line with their facts. Returns counts opened/resolved/updated."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    settings = AlertSetting.current()
    ids = sorted(set(child_ids))
    counts = {"opened": 0, "resolved": 0, "updated": 0}
    for part in _chunks(ids, chunk):
        with transaction.atomic():
            for k, v in _evaluate_chunk(part, now, today, settings).items():
                counts[k] += v
    return counts


def _evaluate_chunk(ids: list[int], now: datetime, today, settings: A.AlertSettings) -> dict[str, int]:
    rows = {r["id"]: r for r in Child.objects.filter(id__in=ids).values(*CHILD_FIELDS)}
    extra = child_facts(list(rows), today=today)
    holding: dict[int, dict[tuple[str, str], Alert]] = defaultdict(dict)
    for a in Alert.objects.filter(child_id__in=ids, holds=True):
        holding[a.child_id][(a.code, a.key)] = a
    new, changed, events = [], [], []
    resolved = 0
    for child_id in ids:
        row = rows.get(child_id)
        active = row is not None and row["status"] == Child.Status.ACTIVE
        found = {}
        if active:
            facts = {**_record_facts(row), **extra.get(child_id, {})}
            found = {(x.code, x.key): x for x in A.child_alerts(facts, today=today)}
        have = holding.get(child_id, {})
        for k, x in found.items():
            a = have.get(k)
            place = {f: row[f] for f in PLACE_FIELDS}
            if a is None:
                rule = x.rule
                new.append(Alert(child_id=child_id, code=x.code, key=x.key, level=x.level, rank=A.LEVEL_RANK[x.level], facts=x.facts[:255],
                                 event_date=x.since,
                                 confidential=rule.confidential, opened_at=now, owner_role=A.owner_at(rule, 0)[0],
                                 next_check_at=A.escalation(x.level, now, acknowledged=None, acted=None, now=now, settings=settings)[1],
                                 **place))
            elif a.facts != x.facts[:255] or any(getattr(a, f) != v for f, v in place.items()):
                a.facts = x.facts[:255]
                for f, v in place.items():
                    setattr(a, f, v)
                changed.append(a)
        for k, a in have.items():
            if k in found or (a.rule.event and active):
                continue  # an event's alert stays until a person closes it
            a.holds = False
            if a.active:
                a.status, a.closed_at, a.next_check_at = Alert.Status.RESOLVED, now, None
                events.append(AlertEvent(alert=a, kind=AlertEvent.Kind.RESOLVED, at=now,
                                         text="档案已退出" if not active else "触发情况已不存在"))
                resolved += 1
            changed.append(a)
    if new:
        Alert.objects.bulk_create(new)
        events += [AlertEvent(alert=a, kind=AlertEvent.Kind.OPENED, at=now, text=a.facts) for a in new]
        tell_owners([a for a in new if a.level == A.RED], kind="alert")
    if changed:
        Alert.objects.bulk_update(changed, ["facts", "holds", "status", "closed_at", "next_check_at", *PLACE_FIELDS], batch_size=500)
    if events:
        AlertEvent.objects.bulk_create(events)
    return {"opened": len(new), "resolved": resolved, "updated": len(changed) - resolved}


def evaluate_all(*, progress=None, chunk: int = 2000, now: datetime | None = None) -> dict[str, int]:
    """Every child with a record or an alert that still holds (nightly, and after an import)."""
    ids = set(Child.objects.filter(status=Child.Status.ACTIVE).values_list("id", flat=True))
    ids |= set(Alert.objects.filter(holds=True).values_list("child_id", flat=True))
    ids = sorted(ids)
    counts = {"opened": 0, "resolved": 0, "updated": 0}
    for i, part in enumerate(_chunks(ids, chunk)):
        for k, v in evaluate_children(part, now=now, chunk=chunk).items():
            counts[k] += v
        if progress:
            progress(min((i + 1) * chunk, len(ids)), len(ids))
    return counts


@task()
def evaluate_alerts() -> dict[str, int]:
    """The whole county's alerts, in the background (after an import or a change of many records)."""
    return evaluate_all()


def escalate_due(*, now: datetime | None = None) -> int:
    """Alerts whose next deadline has passed climb the chain; idempotent (a second run at the same
    moment changes nothing). Returns how many climbed."""
    now = now or timezone.now()
    settings = AlertSetting.current()
    climbed = 0
    with transaction.atomic():
        due = list(Alert.objects.select_for_update().filter(next_check_at__lt=now, status__in=Alert.ACTIVE))
        events, up = [], []
        for a in due:
            stage, nxt = A.escalation(a.level, a.opened_at, acknowledged=a.acknowledged_at, acted=a.acted_at, now=now, settings=settings)
            if stage > a.stage:
                role = A.owner_at(a.rule, stage)[0]
                events.append(AlertEvent(alert=a, kind=AlertEvent.Kind.ESCALATED, at=now,
                                         text=f"{'未按时签收' if a.acknowledged_at is None and a.level == A.RED else '未按时处置'}，转交{role_label(role)}"))
                a.stage, a.owner_role = stage, role
                climbed += 1
                up.append(a)
            a.next_check_at = nxt
        # in batches: one UPDATE … CASE over thousands of rows is slow on PostgreSQL (after a first run)
        Alert.objects.bulk_update(due, ["stage", "owner_role", "next_check_at"], batch_size=500)
        AlertEvent.objects.bulk_create(events)
        tell_owners(up, kind="escalation")
    return climbed


def tell_owners(alerts: list[Alert], *, kind: str) -> int:
    """Notify the users who own these alerts now: a new red alert, or one that climbed to them."""
    if not alerts:
        return 0
    names = dict(Child.objects.filter(pk__in={a.child_id for a in alerts}).values_list("pk", "name"))
    users = owner_users([(a.owner_role, place_of(a.rule.chain, a.owner_role), a.village_code, a.school_id) for a in alerts])
    verb = "逾期未处理，已转交您" if kind == "escalation" else "待签收"
    return notify_many(Message(users[i], kind, f"{A.LEVELS[a.level]}{verb}：{names.get(a.child_id, '')} · {a.rule.title}",
                               reverse("protection:alert", args=[a.pk]), f"您有1条{A.LEVELS[a.level]}{verb}，请登录守护查看")
                       for i, a in enumerate(alerts))


def _require_active(actor, alert: Alert, *, owner: bool = True) -> None:
    if owner and not can_work(actor, alert):
        raise Forbidden("这条预警不归您处理")
    if not alert.active:
        raise ServiceError("这条预警已处理", code=AlertErrorCode.NOT_ACTIVE)


@transaction.atomic
def alert_acknowledge(*, actor, alert: Alert, now: datetime | None = None) -> Alert:
    """签收: the owner has seen it (红 within the acknowledgement deadline)."""
    now = now or timezone.now()
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _require_active(actor, alert)
    if alert.status == Alert.Status.OPEN:
        alert.status, alert.acknowledged_at, alert.acknowledged_by = Alert.Status.ACKNOWLEDGED, now, actor
        alert.next_check_at = A.escalation(alert.level, alert.opened_at, acknowledged=now, acted=None, now=now,
                                           settings=AlertSetting.current())[1]
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "next_check_at"])
        AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.ACKNOWLEDGED, at=now, by=actor)
    return alert


@transaction.atomic
def alert_act(*, actor, alert: Alert, action: str, note: str = "", now: datetime | None = None, by_case: bool = False) -> Alert:
    """处置: what was done about it. The alert is done; a state that still holds does not reopen it.
    `by_case`: a case worker opened a case on it — that is the action, whoever owns the alert now
    (it may have climbed past the case worker while the case was being prepared)."""
    now = now or timezone.now()
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _require_active(actor, alert, owner=not by_case)
    if action not in A.ACTIONS:
        raise ServiceError("请选择采取的措施", code=ErrorCode.REQUIRED, field="action")
    note = note.strip()
    if action == "其他" and not note:
        raise ServiceError("选择“其他”时请写明采取的措施", code=ErrorCode.REQUIRED, field="note")
    alert.status, alert.acted_at, alert.acted_by, alert.action, alert.note = Alert.Status.ACTED, now, actor, action, note
    alert.acknowledged_at = alert.acknowledged_at or now
    alert.acknowledged_by = alert.acknowledged_by or actor
    alert.closed_at, alert.next_check_at = now, None
    alert.save()
    AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.ACTED, at=now, by=actor, text=f"{action}{'：' + note if note else ''}"[:255])
    return alert


@transaction.atomic
def alert_escalate(*, actor, alert: Alert, note: str = "", now: datetime | None = None) -> Alert:
    """上报: the owner hands the alert up its chain now (beyond their means), with why; the next owner is told."""
    now = now or timezone.now()
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _require_active(actor, alert)
    if alert.stage + 1 >= len(alert.rule.chain):
        raise ServiceError("已是最高一级，无法继续上报", code=AlertErrorCode.TOP, field="note")
    if not note.strip():
        raise ServiceError("请写明上报原因", code=ErrorCode.REQUIRED, field="note")
    alert.stage += 1
    alert.owner_role = A.owner_at(alert.rule, alert.stage)[0]
    alert.save(update_fields=["stage", "owner_role"])
    AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.ESCALATED, at=now, by=actor,
                              text=f"主动上报{role_label(alert.owner_role)}：{note.strip()}"[:255])
    tell_owners([alert], kind="escalation")
    return alert


@transaction.atomic
def alert_close(*, actor, alert: Alert, reason: str, now: datetime | None = None) -> Alert:
    """关闭: no action needed, with the reason (核实不属实, 已由他人处理 …)."""
    now = now or timezone.now()
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _require_active(actor, alert)
    reason = reason.strip()
    if not reason:
        raise ServiceError("请写明关闭原因", code=ErrorCode.REQUIRED, field="reason")
    alert.status, alert.note, alert.closed_at, alert.next_check_at = Alert.Status.CLOSED, reason, now, None
    alert.save(update_fields=["status", "note", "closed_at", "next_check_at"])
    AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.CLOSED, at=now, by=actor, text=reason[:255])
    return alert


def daily_digest(*, now: datetime | None = None) -> int:
    """Once a day: each owner hears how many of their alerts are past a deadline (one line each,
    no names outside the system). Returns how many users were told."""
    now = now or timezone.now()
    overdue = Alert.objects.filter(status__in=Alert.ACTIVE, opened_at__lt=now).only("level", "opened_at", "owner_role", "code",
                                                                                     "village_code", "school_id", "acknowledged_at")
    settings = AlertSetting.current()
    late = [a for a in overdue.iterator(chunk_size=2000) if A.deadlines(a.level, a.opened_at, settings).act < now]
    if not late:
        return 0
    users = owner_users([(a.owner_role, place_of(a.rule.chain, a.owner_role), a.village_code, a.school_id) for a in late])
    per_user: dict[int, tuple[object, int]] = {}
    for i, _ in enumerate(late):
        for u in users[i]:
            per_user[u.pk] = (u, per_user.get(u.pk, (u, 0))[1] + 1)
    url = reverse("protection:alerts") + "?mine=1"
    return notify_many(Message([u], "digest", f"您有 {n} 条预警已过处置时限", url, f"您有{n}条预警已过处置时限，请登录守护查看")
                       for u, n in per_user.values())
