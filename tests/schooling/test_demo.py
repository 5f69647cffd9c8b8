"""The demo rosters: uploaded through the service, with the disagreements the quality page shows."""
import random

from shouhu.quality.models import Issue
from shouhu.schooling import selectors
from shouhu.schooling.demo import build_schooling_demo
from shouhu.schooling.models import Roster
from tests.schooling.test_services import reg


def test_demo_rosters_show_every_kind_of_disagreement(world, django_capture_on_commit_callbacks):
    kids = [reg(world, name=n, sex=s) for n, s in (("陆金兰", "女"), ("王浩宇", "男"), ("张欣怡", "女"), ("李俊杰", "男"), ("赵静", "女"), ("孙明", "男"))]
    with django_capture_on_commit_callbacks(execute=True):
        assert build_schooling_demo(today=world.today, rng=random.Random(1), log=lambda *_: None) == 1   # 金星小学 (朱河小学 is not in 毛市镇)
    roster = Roster.objects.get(school=world.jinxing)
    assert roster.uploaded_by == world.xiaozhang and roster.rows_stored == 5 + 3 and roster.rows_rejected == 1
    fields = set(Issue.objects.filter(code="cross_line_mismatch", status="open", child__in=kids).values_list("field", flat=True))
    assert fields == {"name", "birth_date"}
    assert len(selectors.unregistered_entries(world.jinxing)) == 3
    assert len(selectors.missing_children(world.admin, world.jinxing)) == 1
