"""Writing counselling notes: only counsellors whose role reaches the child."""
from datetime import date

from django.db import transaction

from shouhu.core.errors import ErrorCode, ServiceError
from shouhu.registry.models import Child

from ..common import check_date
from ..dues.services import after_commit
from ..selectors import require_roles
from .models import CounsellingSession


@transaction.atomic
def counselling_record(*, actor, child: Child, date: date, topic: str, notes: str, risk: str = "低",
                       next_date: date | None = None) -> CounsellingSession:
    """Only counsellors write (and read) counselling notes."""
    require_roles(actor, child, "counsellor")
    check_date(date)
    if not topic.strip() or not notes.strip():
        raise ServiceError("请填写主题和辅导记录", code=ErrorCode.REQUIRED, field="notes")
    session = CounsellingSession.objects.create(child=child, counsellor=actor, date=date, topic=topic.strip()[:64], notes=notes,
                                                risk=risk if risk in ("低", "中", "高") else "低", next_date=next_date)
    after_commit([child.pk])  # a 高 risk raises an alert (rules.alerts)
    return session
