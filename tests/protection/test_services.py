"""Alerts follow the facts (open, resolve, stay closed while they hold), are worked by the owner and
climb the chain when a deadline passes (frozen time: `now` is passed in)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from shouhu.care.counselling.services import counselling_record
from shouhu.care.visits.services import visit_record
from shouhu.core.errors import Forbidden, ServiceError
from shouhu.protection import services
from shouhu.protection.models import Alert, AlertEvent
from shouhu.protection.selectors import alerts_visible_to
from shouhu.registry.models import Child
from shouhu.registry.services import child_update
from tests.factories import make_child, make_user, years_ago


def update(actor, child, **changes):
    c = Child.objects.get(pk=child.pk)
    for k, v in changes.items():
        setattr(c, k, v)
    return child_update(actor=actor, child=c)


def alerts_of(child, **kw):
    return list(Alert.objects.filter(child=child, **kw).order_by("id"))


def test_a_saved_record_raises_its_alert_at_once(world, alone, django_capture_on_commit_callbacks):
    (a,) = alerts_of(alone, code="unguarded")
    assert (a.level, a.status, a.owner_role, a.facts) == ("red", "open", "village_director", "独居")
    assert a.next_check_at == a.opened_at + timedelta(hours=2)
    assert [e.kind for e in a.events.all()] == ["opened"]


def test_a_state_alert_resolves_when_the_fact_stops_holding_and_reopens_as_new(world, alone, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        update(world.zhuren, alone, living_alone=False)
    (a,) = alerts_of(alone, code="unguarded")
    assert (a.status, a.holds, a.next_check_at) == ("resolved", False, None)
    with django_capture_on_commit_callbacks(execute=True):
        update(world.zhuren, alone, living_alone=True)
    assert [x.status for x in alerts_of(alone, code="unguarded")] == ["resolved", "open"]


def test_an_acted_alert_does_not_reopen_while_the_fact_still_holds(world, alone):
    a = Alert.objects.get(child=alone, code="unguarded")
    services.alert_act(actor=world.zhuren, alert=a, action="安排临时照护", note="已由村委会安排邻居照看")
    services.evaluate_children([alone.pk])
    services.evaluate_all()
    assert [x.status for x in alerts_of(alone, code="unguarded")] == ["acted"]


def test_visit_concern_opens_an_event_alert_that_only_a_person_closes(world, alone, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        v = visit_record(actor=world.zhuren, child=alone, date=today, mode="入户", concerns=["疑似受伤"])
    (a,) = alerts_of(alone, code="visit_harm")
    assert a.key == f"visit:{v.pk}" and a.facts == f"{today:%Y-%m-%d} 走访记录：疑似受伤"
    with pytest.raises(ServiceError) as e:
        services.alert_close(actor=world.zhuren, alert=a, reason="  ")
    assert e.value.field == "reason"
    services.alert_close(actor=world.zhuren, alert=a, reason="核实为摔伤，已就医")
    services.evaluate_children([alone.pk])
    assert [x.status for x in alerts_of(alone, code="visit_harm")] == ["closed"]  # the same visit does not fire again


def test_counselling_high_alert_is_confidential(world, alone, baohu, django_capture_on_commit_callbacks):
    pupil = make_child(world.zhuren, world.guangrong, school=world.jinxing, school_class=world.c31)
    xinli = make_user("xinli", "counsellor", school=world.jinxing)
    with django_capture_on_commit_callbacks(execute=True):
        counselling_record(actor=xinli, child=pupil, date=timezone.localdate(), topic="情绪", notes="谈到不想活了", risk="高")
    (a,) = alerts_of(pupil, code="counselling_high")
    assert a.confidential and a.owner_role == "counsellor" and "不想活" not in a.facts
    assert set(alerts_visible_to(xinli).filter(child=pupil).values_list("code", flat=True)) == {"counselling_high"}
    assert alerts_visible_to(baohu).filter(pk=a.pk).exists()
    for other in (world.zhuren, world.dudao, world.admin, world.xiaozhang, world.inspector, world.volunteer, world.partner):
        assert not alerts_visible_to(other).filter(pk=a.pk).exists(), other


def test_red_alert_escalates_to_township_then_county(world, alone):
    a = Alert.objects.get(child=alone, code="unguarded")
    t0 = a.opened_at
    assert services.escalate_due(now=t0 + timedelta(hours=2)) == 0  # the deadline minute is in time
    assert services.escalate_due(now=t0 + timedelta(hours=2, minutes=1)) == 1
    a.refresh_from_db()
    assert (a.stage, a.owner_role, a.next_check_at) == (1, "township_supervisor", t0 + timedelta(hours=24))
    assert services.escalate_due(now=t0 + timedelta(hours=3)) == 0  # idempotent
    with pytest.raises(Forbidden):  # it has left the village director's hands
        services.alert_acknowledge(actor=world.zhuren, alert=a, now=t0 + timedelta(hours=3))
    services.alert_acknowledge(actor=world.dudao, alert=a, now=t0 + timedelta(hours=3))
    assert services.escalate_due(now=t0 + timedelta(hours=25)) == 1
    a.refresh_from_db()
    assert (a.stage, a.owner_role, a.next_check_at) == (2, "protection", None)
    assert [e.kind for e in a.events.all()] == ["opened", "escalated", "acknowledged", "escalated"]
    assert a.events.filter(kind=AlertEvent.Kind.ESCALATED).first().text == "未按时签收，转交儿童督导员"


def test_acknowledged_in_time_does_not_climb(world, alone):
    a = Alert.objects.get(child=alone, code="unguarded")
    services.alert_acknowledge(actor=world.zhuren, alert=a, now=a.opened_at + timedelta(hours=1))
    services.escalate_due(now=a.opened_at + timedelta(hours=5))
    services.alert_act(actor=world.zhuren, alert=a, action="上门核实", now=a.opened_at + timedelta(hours=6))
    services.escalate_due(now=a.opened_at + timedelta(days=5))
    a.refresh_from_db()
    assert (a.status, a.stage) == ("acted", 0)


def test_act_needs_an_action_and_a_note_for_other(world, alone):
    a = Alert.objects.get(child=alone, code="unguarded")
    with pytest.raises(ServiceError) as e:
        services.alert_act(actor=world.zhuren, alert=a, action="")
    assert e.value.field == "action"
    with pytest.raises(ServiceError) as e:
        services.alert_act(actor=world.zhuren, alert=a, action="其他", note="")
    assert e.value.field == "note"
    services.alert_act(actor=world.zhuren, alert=a, action="其他", note="联系了学校")
    with pytest.raises(ServiceError):
        services.alert_act(actor=world.zhuren, alert=a, action="上门核实")  # already done


def test_exiting_the_register_resolves_state_alerts(world, alone, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        update(world.zhuren, alone, birth_date=years_ago(19))
    a = Alert.objects.get(child=alone, code="unguarded")
    assert a.status == "resolved"
    assert a.events.last().text in ("档案已退出", "触发情况已不存在")


def test_alerts_are_seen_only_where_the_child_is(world, alone):
    a = Alert.objects.get(child=alone, code="unguarded")
    for user in (world.zhuren, world.dudao, world.admin):
        assert alerts_visible_to(user).filter(pk=a.pk).exists(), user
    for user in (world.zhuren_lianfu, world.zhuren_hongxing, world.dudao_zhuhe, world.xiaozhang, world.banzhuren, world.inspector,
                 world.volunteer, world.partner, world.edu):
        assert not alerts_visible_to(user).filter(pk=a.pk).exists(), user
