from .models import AccessLog


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def log_access(*, actor, action: str, child=None, scope: str = "", detail: str = "", request=None) -> AccessLog:
    """Write one access-log line. Never put ID numbers or search text in `detail`."""
    return AccessLog.objects.create(
        user=actor if getattr(actor, "is_authenticated", False) else None,
        action=action, child=child, scope=scope[:128], detail=detail[:255], ip=client_ip(request),
    )
