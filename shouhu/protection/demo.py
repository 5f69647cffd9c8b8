"""The protection part of the demo county: the county's protection login (baohu) and the alerts
the demo's records and care work raise, in every state — a 红 nobody acknowledged that has
climbed to the county, acknowledged ones, acted-on and closed ones."""
import time
from datetime import datetime, timedelta

from django.utils import timezone

from shouhu.regions.models import Region
from shouhu.registry.demo import make_user

from . import services
from .models import Alert


def build_protection_demo(*, root: str, now: datetime | None = None, log=print) -> list[tuple[str, str]]:
    t0 = time.monotonic()
    now = now or timezone.now()
    baohu = make_user("baohu", "县未成年人救助保护机构 王保护", "protection", region=Region.objects.get(code=root))
    # the alerts were raised some time ago, so the clock has run: a day and a half for the first
    # third, a few hours for the next, just now for the rest
    counts = services.evaluate_all(now=now - timedelta(hours=1))
    ids = list(Alert.objects.filter(status=Alert.Status.OPEN).order_by("id").values_list("id", flat=True))
    third = len(ids) // 3
    for part, ago in ((ids[:third], timedelta(hours=36)), (ids[third:2 * third], timedelta(hours=3)), (ids[2 * third:], timedelta(minutes=20))):
        if part:  # ids in order: each third is a range; the clock restarts at the new opening time
            Alert.objects.filter(pk__gte=part[0], pk__lte=part[-1], status=Alert.Status.OPEN).update(opened_at=now - ago,
                                                                                                   next_check_at=now - ago)
    services.escalate_due(now=now)
    # some worked: every fifth acknowledged, every seventh acted on, every eleventh closed — by the
    # county protection login, which may act at any step of a chain
    later = Alert.objects.filter(pk__gte=ids[third], status__in=Alert.ACTIVE) if ids else Alert.objects.none()
    for i, a in enumerate(later.order_by("id")[:300]):
        when = a.opened_at + timedelta(minutes=30)
        if i % 11 == 0 and a.rule.chain[-1][0] == "protection":
            services.alert_close(actor=baohu, alert=a, reason="核实：情况不属实（演示）", now=when)
        elif i % 7 == 0:
            services.alert_act(actor=baohu, alert=a, action="上门核实", note="已上门，孩子安全（演示）", now=when)
        elif i % 5 == 0:
            services.alert_acknowledge(actor=baohu, alert=a, now=when)
    by = {lv: Alert.objects.filter(level=lv).count() for lv in ("red", "orange", "yellow")}
    log(f"预警：红 {by['red']}，橙 {by['orange']}，黄 {by['yellow']}（新增 {counts['opened']}，{time.monotonic() - t0:.1f} 秒）")
    return [("baohu", "县未成年人保护机构（预警与个案）")]
