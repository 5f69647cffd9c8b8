"""Sending notifications: into each user's inbox, and a nameless line through the configured
channels once the write commits (a rolled-back escalation sends nothing)."""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .channels import channels
from .models import Notification


@dataclass(frozen=True)
class Message:
    users: Sequence
    kind: str
    title: str
    url: str = ""
    outside: str = ""  # the text for channels (no names); "" = inbox only


def notify_many(messages: Iterable[Message]) -> int:
    """Each message to each of its users once, in one insert; channels after the commit."""
    rows, sends = [], []
    for m in messages:
        seen = set()
        for u in m.users:
            if u.pk in seen or not getattr(u, "is_active", True):
                continue
            seen.add(u.pk)
            rows.append(Notification(user=u, kind=m.kind, title=m.title[:120], url=m.url[:200]))
            if m.outside:
                sends.append((u, m.outside))
    Notification.objects.bulk_create(rows)
    if sends:
        transaction.on_commit(lambda: [c.send(u, text) for c in channels() for u, text in sends])
    return len(rows)


def notify(*, users: Iterable, kind: str, title: str, url: str = "", outside: str = "") -> int:
    """One notification to each of `users` (each once)."""
    return notify_many([Message(list(users), kind, title, url, outside)])


def mark_read(*, user, notification_id: int | None = None) -> int:
    """One notification (opened) or all of the user's (None) read; returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
