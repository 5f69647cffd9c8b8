"""The demo county, composed: the registry's part first (regions, schools, users, children), then
each feature app's part in the order they depend on each other. A new feature app adds its
builder here; the registry knows nothing of them."""
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from shouhu.benefits import demo as benefits_demo
from shouhu.care import demo as care_demo
from shouhu.care.models import Helper, Pairing
from shouhu.places import demo as places_demo
from shouhu.protection import demo as protection_demo
from shouhu.quality import demo as quality_demo
from shouhu.regions.models import Region
from shouhu.registry.demo import DEMO_VILLAGE, PASSWORD, DemoResult, build_registry_demo, make_user
from shouhu.registry.models import Child
from shouhu.schooling import demo as schooling_demo
from shouhu.staffing import demo as staffing_demo
from shouhu.supervision import demo as supervision_demo

__all__ = ["PASSWORD", "build_demo"]


@transaction.atomic
def build_demo(*, children: int = 3000, seed: int = 2026, root: str = "421088", log=print) -> DemoResult:
    today = timezone.localdate()
    result = build_registry_demo(children=children, seed=seed, root=root, log=log)
    result.users.append(_volunteer(today))
    # care work for these children (helpers, pairings, visits, contacts, wishes, the care month)
    result.users += care_demo.build_care_demo(today=today, rng=random.Random(seed + 1), log=log)
    # school rosters (学籍), a few disagreeing with the records
    schooling_demo.build_schooling_demo(today=today, rng=random.Random(seed + 3), log=log)
    # 控辍保学: absences at 金星小学 and cases at every step
    schooling_demo.build_dropout_demo(today=today, rng=random.Random(seed + 5), log=log)
    # 阵地建设: places in every state, sign-in at 光荣村's home, a 家长学校 lecture
    places_demo.build_places_demo(today=today, rng=random.Random(seed + 11), log=log)
    # 兜底保障 and money (some spent on the places above): grants with a few eligible children left out, applications, funds, rolls
    benefits_demo.build_benefits_demo(today=today, rng=random.Random(seed + 11), log=log)
    # duplicates and the county-wide check, last: it reads everything above
    quality_demo.build_quality_demo(log=log)
    # early-warning alerts over all of it, some already worked
    result.users += protection_demo.build_protection_demo(root=root, log=log)
    # 督查整改: two months of inspections, findings in every state, one 问责
    supervision_demo.build_supervision_demo(today=today, rng=random.Random(seed + 7), log=log)
    # 队伍建设: every post filled but two, a few who left (turnover), trainings, two social workers
    staffing_demo.build_staffing_demo(today=today, rng=random.Random(seed + 9), log=log)
    return result


def _volunteer(today) -> tuple[str, str]:
    """zhiyuanzhe: a volunteer paired with five children of the demo village (sees only them)."""
    vol = make_user("zhiyuanzhe", "志愿者 李爱心", "helper")
    helper = Helper.objects.create(name="李爱心", kind="志愿者", phone="13900001111", user=vol, region=Region.objects.get(code=DEMO_VILLAGE))
    paired = Child.objects.filter(village_code=DEMO_VILLAGE, status=Child.Status.ACTIVE).order_by("id")[:5]
    Pairing.objects.bulk_create([Pairing(helper=helper, child=c, mode="一对一" if (c.is_orphan or c.is_de_facto) else "一对多",
                                         start=today - timedelta(days=120)) for c in paired])
    return ("zhiyuanzhe", "志愿者（只看结对的5名儿童）")
