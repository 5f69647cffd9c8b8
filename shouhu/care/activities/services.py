"""Writes of care activities and their participants (children the actor may care for)."""
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.core.errors import Forbidden, NotFound, ServiceError
from shouhu.regions.selectors import places_visible_to, regions_visible_to
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to

from ..dues.services import after_commit
from ..errors import CareErrorCode
from .models import Activity, Participation


@transaction.atomic
def activity_save(*, actor, activity: Activity, children: Iterable[Child] = ()) -> Activity:
    """Create or change an activity and add its participants (children in the actor's scope)."""
    if not scope_of(actor).has("can_care"):
        raise Forbidden("您无权登记关爱活动")
    if activity.date > timezone.localdate():
        raise ServiceError("只能登记已经开展的活动（日期不能晚于今天）", code=CareErrorCode.FUTURE_DATE, field="date")
    if not regions_visible_to(actor).filter(pk=activity.region_id).exists():
        raise ServiceError("该区域不在您的管辖范围内", code=CareErrorCode.NOT_IN_REACH, field="region")
    if activity.site_id and not places_visible_to(actor).filter(pk=activity.site_id, status="running").exists():
        raise ServiceError("请选择您管辖范围内运行中的场所", code=CareErrorCode.NOT_IN_REACH, field="site")
    if activity.pk is None:
        activity.created_by = actor
    activity.save()
    Participation.objects.filter(activity=activity).update(date=activity.date)
    add_participants(actor=actor, activity=activity, children=children)
    return activity


def add_participants(*, actor, activity: Activity, children: Iterable[Child]) -> int:
    ids = [c.pk for c in children]
    allowed = set(children_visible_to(actor, flag="can_care").filter(pk__in=ids).values_list("pk", flat=True))
    if set(ids) - allowed:
        raise NotFound("未找到该儿童")
    have = set(Participation.objects.filter(activity=activity, child_id__in=ids).values_list("child_id", flat=True))
    Participation.objects.bulk_create([Participation(activity=activity, child_id=i, date=activity.date) for i in ids if i not in have])
    after_commit(ids + list(have))
    return len(set(ids) - have)
