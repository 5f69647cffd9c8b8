"""Background jobs of care work (Django Tasks)."""
from django_tasks import task


@task()
def refresh_care(village_codes: list[str] | None = None) -> int:
    """Rewrite the due dates and care-month marks of these villages' children (None = all)."""
    from .services import refresh_all

    return refresh_all(village_codes=village_codes)


@task()
def rebuild_campaign(campaign_id: int) -> int:
    """Tick a new campaign's six measures for every child (progress in the cache)."""
    from shouhu.core import progress

    from .models import Campaign
    from .services import refresh_all

    campaign = Campaign.objects.get(pk=campaign_id)
    key = f"campaign-{campaign.pk}"

    def tick(done: int, total: int) -> None:
        progress.report(key, done=done, total=total, phase="正在统计")

    n = refresh_all(progress=tick, campaigns=[campaign])
    progress.report(key, done=n, total=n, phase="完成")
    return n
