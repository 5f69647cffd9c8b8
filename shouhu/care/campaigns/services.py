"""Starting a care month (county administrators only); its marks are counted in the background."""
from datetime import date

from django.db import transaction

from shouhu.accounts.scope import scope_of
from shouhu.core.errors import Forbidden, ServiceError

from ..dues.services import rebuild_campaign
from .models import Campaign


@transaction.atomic
def campaign_create(*, actor, name: str, region, start: date, end: date, run: bool = True) -> Campaign:
    if not scope_of(actor).is_county_admin:
        raise Forbidden("只有县级管理员可以发起关爱保护月")
    if end < start:
        raise ServiceError("结束日期不能早于开始日期", field="end")
    c = Campaign.objects.create(name=name.strip()[:64] or "关爱保护月", region=region, start=start, end=end, created_by=actor)
    if run:
        transaction.on_commit(lambda: rebuild_campaign.enqueue(c.pk))
    return c
