"""The monthly report's 关爱帮扶 table (registered with `registry.hooks.register_report_section`):
per village, over the report's own population (the children 在册 at the month's end, with their
categories as they were then, as known at `known_at`):

- family contact (未成年人保护法 Art. 23: parents away keep in touch at least weekly): the
  left-behind children, and how many of them had a contact recorded in the month;
- 一对一 (002: 孤儿、事实无人抚养、无人监护 → 一对一帮扶): the key children, and how many had a
  one-to-one pairing running on the month's last day;
- visits: the children a monthly visit rule applies to (the county's visit rules, interval ≤ 31
  days), how many of them were visited in the month, and every visit of the month.

A record counts only if it was entered by `known_at` (`created_at`), so a submitted month
reproduces however late a visit is entered afterwards. A pairing ended after `known_at` cannot be
told apart (its end has no entry time): the rare backdated end of a pairing moves a frozen figure
if recomputed, not the frozen one.
"""
from datetime import date, datetime

from django.db.models import Count, Q

from shouhu.rules import care as R

from .common import GROUP_FIELDS
from .dues.models import VisitRule
from .helpers.models import Pairing
from .visits.models import FamilyContact, Visit

COLUMNS: tuple[tuple[str, str], ...] = (
    ("left_behind", "留守儿童"),
    ("contacted", "其中本月有亲情联系"),
    ("key", "应一对一帮扶儿童"),
    ("one_to_one", "其中已落实一对一"),
    ("monthly", "应每月走访儿童"),
    ("visited", "其中本月已走访"),
    ("visits", "本月走访次数"),
)
NOTE = ("按月末在册儿童统计（类别以月末为准）；亲情联系、走访按记录日期在本月、且在统计时点前录入的记录计；"
        "一对一以月末最后一天在帮扶中的“一对一”结对计；应每月走访为县走访规则间隔不超过31天的类别。")


def _any_group(groups) -> Q:
    q = Q(pk__in=[])
    for g in groups:
        if g in GROUP_FIELDS:
            q |= Q(**{GROUP_FIELDS[g]: True})
    return q


def monthly_groups() -> set[str]:
    """The care groups a visit rule asks to see at least monthly (helpers' `paired` aside: the
    pairing, not the child's category, makes that visit due)."""
    return {r.group for r in VisitRule.current() if r.interval_days <= 31 and r.group != "paired"}


def month_by_place(*, village_range: tuple[str, str], first: date, last: date, known_at: datetime, children) -> dict[str, dict[str, int]]:
    """{village code: {column key: n}} (`COLUMNS`) over `children`, the report's population."""
    contacted = FamilyContact.objects.filter(date__range=(first, last), created_at__lte=known_at).values("child_id")
    paired = Pairing.objects.filter(Q(created_at__lte=known_at) | Q(created_at__isnull=True), mode=R.ONE_TO_ONE,
                                    start__lte=last).filter(Q(end__isnull=True) | Q(end__gte=last)).values("child_id")
    visits = Visit.objects.filter(date__range=(first, last), created_at__lte=known_at)
    left_behind, key, monthly = Q(**{GROUP_FIELDS["left_behind"]: True}), _any_group(R.ONE_TO_ONE_GROUPS), _any_group(monthly_groups())
    rows = children.values("village_code").annotate(
        left_behind=Count("history_id", filter=left_behind),
        contacted=Count("history_id", filter=left_behind & Q(id__in=contacted)),
        key=Count("history_id", filter=key),
        one_to_one=Count("history_id", filter=key & Q(id__in=paired)),
        monthly=Count("history_id", filter=monthly),
        visited=Count("history_id", filter=monthly & Q(id__in=visits.values("child_id"))),
    ).order_by()
    out = {r.pop("village_code"): {**r, "visits": 0} for r in rows}
    # every visit of the month, at its child's month-end village (a child outside the population —
    # exited by then, or elsewhere — is not this node's)
    per_child = dict(visits.values("child_id").annotate(n=Count("id")).values_list("child_id", "n").order_by())
    if per_child:
        for child_id, code in children.filter(id__in=visits.values("child_id")).values_list("id", "village_code"):
            out.setdefault(code, dict.fromkeys((k for k, _ in COLUMNS), 0))["visits"] += per_child.get(child_id, 0)
    return out
