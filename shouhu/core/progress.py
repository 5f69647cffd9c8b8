"""Live progress of a job (done / total / phase), shared by the worker and the web process.

Kept in the cache rather than the job's row: an import writes in one long transaction, and a
row updated inside it would stay invisible to the page polling it until the very end."""
import time

from django.core.cache import cache

STALE_SECONDS = 120  # a job silent this long has lost its worker


def key(uid) -> str:
    return f"shouhu:job:{uid}"


def report(uid, *, done: int, total: int, phase: str) -> None:
    cache.set(key(uid), {"done": done, "total": total, "phase": phase, "at": time.time()}, timeout=24 * 3600)


def read(uid) -> dict:
    return cache.get(key(uid)) or {}


def percent(p: dict) -> int:
    total = p.get("total") or 0
    return min(100, int(100 * (p.get("done") or 0) / total)) if total else 0


def is_stale(uid, since_ts: float) -> bool:
    """No heartbeat for STALE_SECONDS (and the job itself no younger than that)."""
    p = read(uid)
    last = max(p.get("at") or 0, since_ts)
    return time.time() - last > STALE_SECONDS
