from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AccessLog, ChainHead

# Retention (个人信息保护法 art. 19: kept no longer than needed; the county's rule sets the
# period): a setting, three years unless the deployment says otherwise.
DEFAULT_RETENTION_DAYS = 1095


def retention_days() -> int:
    return int(getattr(settings, "SHOUHU_AUDIT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


# Filter parameters whose values are personal (a name, an ID number typed into a search) are
# logged as hidden: the log must not become a second copy of the register. "s" is the web
# list's token for a search kept in the session.
HIDDEN_PARAMS = frozenset({"q", "s", "search", "name", "id_number", "phone"})
PAGING_PARAMS = frozenset({"page", "page_size", "per", "format"})


def describe_filter(params, *, hide=frozenset()) -> str:
    parts = []
    for key in sorted(params):
        if key in PAGING_PARAMS:
            continue
        value = params.get(key, "")
        parts.append(f"{key}=<已隐去>" if key in HIDDEN_PARAMS or key in hide else f"{key}={value[:40]}")
    return "&".join(parts)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1)
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def _append(**fields) -> AccessLog:
    """Append one chained row. The chain head's row lock serializes appends (SQLite serializes
    writes anyway); the row and the new head commit together or not at all."""
    # a NUL from a hostile query string would make PostgreSQL refuse the row (and the request fail)
    fields = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in fields.items()}
    with transaction.atomic():
        head = _head()
        row = AccessLog(at=timezone.now(), prev_hash=head.last_hash, **fields)
        row.hash = row.compute_hash()
        row.save()
        head.last_id, head.last_hash = row.pk, row.hash
        head.save(update_fields=["last_id", "last_hash"])
    return row


def log_access(*, actor, action: str, child=None, scope: str = "", detail: str = "", request=None,
               target: str = "", confidential: bool = False) -> AccessLog:
    """Write one access-log line. Never put ID numbers or search text in `detail`."""
    signed_in = getattr(actor, "is_authenticated", False)
    return _append(
        user_id=actor.pk if signed_in else None, username=actor.get_username() if signed_in else "",
        action=action, child_id=child.pk if child is not None else None, target=target[:150], confidential=confidential,
        scope=scope[:128], detail=detail[:255], ip=client_ip(request),
    )


def log_event(*, username: str, action: str, user=None, detail: str = "", request=None, target: str = "") -> AccessLog:
    """A line for an event without a signed-in actor (a failed login: the username typed)."""
    return _append(user_id=user.pk if user is not None else None, username=username[:150], action=action,
                   target=target[:150], detail=detail[:255], ip=client_ip(request))


def verify_chain() -> AccessLog | None:
    """The first row whose hash or link does not hold, walking in id order; None if whole."""
    head = ChainHead.objects.filter(pk=1).first()
    prev = None
    for row in AccessLog.objects.order_by("id").iterator(chunk_size=2000):
        expected_prev = prev.hash if prev is not None else (head.start_hash if head else "")
        if row.prev_hash != expected_prev or row.compute_hash() != row.hash:
            return row
        prev = row
    if head is not None and prev is not None and (head.last_id != prev.pk or head.last_hash != prev.hash):
        # rows removed from the end: the head still names the lost last row
        return prev
    return None


def purge_expired(*, now=None, days: int | None = None) -> int:
    """Remove rows older than the retention period, oldest first, and append a checkpoint row
    that names what went. The head's start_hash becomes the last purged row's hash, which the
    oldest remaining row chains to, so the rest still verifies."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days() if days is None else days)
    with transaction.atomic():
        head = _head()  # hold the chain while purging
        old = AccessLog.objects.filter(at__lt=cutoff).order_by("id")
        last = old.last()
        if last is None:
            return 0
        n = old.count()
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                # the append-only trigger lets a delete through only inside this transaction
                cur.execute("SET LOCAL shouhu.audit_purge = 'on'")
            cur.execute(f"DELETE FROM {AccessLog._meta.db_table} WHERE id <= %s", [last.pk])
        head.start_hash = last.hash
        head.save(update_fields=["start_hash"])
        _append(user_id=None, username="", action=AccessLog.Action.CHECKPOINT,
                detail=f"清理 {cutoff:%Y-%m-%d} 前的记录 {n} 条，至 #{last.pk}（{last.hash[:16]}）")
    return n
