"""Small pieces every care subpackage uses: model choices, a child's care groups, the date check
of every record."""
from datetime import date

from django.utils import timezone

from shouhu.core.errors import ServiceError
from shouhu.rules import choices as C

from .errors import CareErrorCode

GROUP_FIELDS = C.ALL_CATEGORY_FIELDS


def choices_of(values):
    return [(v, v) for v in values]


def groups_of(child) -> frozenset[str]:
    """The care groups of a child (a model instance or a row of `.values()`)."""
    get = child.get if isinstance(child, dict) else lambda f: getattr(child, f)
    return frozenset(g for g, f in GROUP_FIELDS.items() if get(f))


def check_date(day: date, field: str = "date", not_before: date | None = None) -> None:
    today = timezone.localdate()
    if day > today:
        raise ServiceError("日期不能晚于今天", code=CareErrorCode.FUTURE_DATE, field=field)
    if not_before and day < not_before:
        raise ServiceError(f"日期不能早于{not_before:%Y-%m-%d}", field=field)
