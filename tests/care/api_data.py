"""Values and helpers the care API tests share."""
from datetime import timedelta

from django.utils import timezone

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MISSING = "00000000-0000-0000-0000-000000000000"


def days_ago(world, n):
    return (world.today - timedelta(days=n)).isoformat()


def visit_payload(child, **over):
    return {"child": str(child.uid), "date": timezone.localdate().isoformat(), "mode": "入户", "life": "饮食正常", "study": "成绩中等", **over}
