"""Protection cases: opened from a red alert (which is then acted on) or a report; moved through the
steps with their data; a plan and a closure approved by someone other than who asked; read only by
those who handle cases at the child's place."""
from datetime import timedelta

import pytest
from django.utils import timezone

from shouhu.core.errors import Conflict, NotFound, ServiceError
from shouhu.protection import cases as K
from shouhu.protection import reports
from shouhu.protection.models import Alert, MandatoryReport


@pytest.fixture
def case(world, alone):
    alert = Alert.objects.get(child=alone, code="unguarded")
    return K.case_open(actor=world.dudao, child=alone, alert=alert, note="接报后立即上门")


def test_opening_from_an_alert_acts_on_it_and_starts_the_clock(world, alone, case):
    alert = Alert.objects.get(child=alone, code="unguarded")
    assert (alert.status, alert.action) == ("acted", "开立个案")
    assert (case.state, case.due_kind) == ("reported", "respond")
    assert case.due_at == case.opened_at + timedelta(hours=2)
    with pytest.raises(Conflict):
        K.case_open(actor=world.dudao, child=alone)  # one open case per child


def test_the_whole_way_with_approvals(world, alone, case, baohu):
    K.case_act(actor=world.dudao, case=case, action="respond", note="已见到孩子，安全")
    with pytest.raises(ServiceError) as e:
        K.case_act(actor=world.dudao, case=case, action="place", placement="")
    assert e.value.field == "placement"
    K.case_act(actor=world.dudao, case=case, action="place", placement="亲属照护", note="暂住姑姑家")
    with pytest.raises(ServiceError) as e:
        K.case_act(actor=world.dudao, case=case, action="assess", risk="高", assessment="")
    assert e.value.field == "assessment"
    case = K.case_act(actor=world.dudao, case=case, action="assess", risk="中", assessment="无人照料，父母均在外地")
    with pytest.raises(ServiceError) as e:
        K.case_act(actor=world.dudao, case=case, action="submit_plan")
    assert e.value.field == "plan"
    K.plan_item_add(actor=world.dudao, case=case, service="监护指导", unit="毛市镇政府", owner="李督导", due=world.today + timedelta(days=14))
    K.case_act(actor=world.dudao, case=case, action="submit_plan")
    with pytest.raises(ServiceError) as e:  # nobody approves their own plan
        K.case_act(actor=world.dudao, case=case, action="approve_plan")
    assert "提交人以外" in e.value.message
    K.case_act(actor=baohu, case=case, action="approve_plan")
    K.case_act(actor=world.dudao, case=case, action="request_close", note="父亲已返乡")
    with pytest.raises(ServiceError) as e:
        K.case_act(actor=baohu, case=case, action="return_close", note="")
    assert e.value.field == "note"
    case = K.case_act(actor=baohu, case=case, action="approve_close")
    assert (case.state, case.due_kind) == ("closed", "revisit")
    case = K.case_act(actor=world.dudao, case=case, action="revisit", note="回访：孩子与父亲同住")
    assert case.state == "revisited" and case.due_at is None
    assert [s.action for s in case.steps.all()] == ["open", "respond", "place", "assess", "plan", "submit_plan", "approve_plan", "request_close",
                                                    "approve_close", "revisit"]
    K.case_open(actor=world.dudao, child=alone)  # a new case may follow a closed one


def test_a_step_cannot_be_skipped(world, case):
    with pytest.raises(ServiceError) as e:
        K.case_act(actor=world.dudao, case=case, action="assess", risk="高", assessment="x")
    assert "已报告" in e.value.message


def test_need_to_know(world, case, baohu):
    assert K.case_for(world.dudao, case.pk) == case and K.case_for(baohu, case.pk) == case
    for user in (world.zhuren, world.admin, world.xiaozhang, world.banzhuren, world.inspector, world.volunteer, world.partner,
                 world.dudao_zhuhe):
        with pytest.raises(NotFound):
            K.case_for(user, case.pk)
        with pytest.raises(NotFound):
            K.case_open(actor=user, child=case.child)


def test_opening_from_a_report(world, alone, baohu):
    r = reports.report_file(actor=world.zhuren, situation="abandoned", discovered_at=timezone.now(), seen="独自在家三天",
                            village=world.guangrong, child=alone)
    case = K.case_open(actor=baohu, child=alone, report=r)
    assert MandatoryReport.objects.get(pk=r.pk).status == "case" and case.report == r


def test_a_service_is_done_only_under_an_approved_plan(world, case, baohu):
    """The page offers 记录完成 only while the case is followed (跟进中); the service refuses it too:
    not while the plan waits for approval (待批准), not after the case has ended."""
    K.case_act(actor=world.dudao, case=case, action="respond")
    K.case_act(actor=world.dudao, case=case, action="place", placement="亲属照护")
    case = K.case_act(actor=world.dudao, case=case, action="assess", risk="中", assessment="无人照料")
    item = K.plan_item_add(actor=world.dudao, case=case, service="监护指导", unit="毛市镇政府", owner="李督导",
                           due=world.today + timedelta(days=14))
    K.case_act(actor=world.dudao, case=case, action="submit_plan")
    for state in ("assessed", "planning"):
        type(case).objects.filter(pk=case.pk).update(state=state)
        with pytest.raises(ServiceError) as e:
            K.plan_item_done(actor=world.dudao, item_id=item.pk, result="已完成")
        assert e.value.field == "result"
    type(case).objects.filter(pk=case.pk).update(state="planning")
    K.case_act(actor=baohu, case=case, action="approve_plan")
    assert K.plan_item_done(actor=world.dudao, item_id=item.pk, result="已完成").status == "done"
    other = K.plan_item_add(actor=world.dudao, case=case, service="心理疏导", unit="县心理中心", owner="王老师",
                            due=world.today + timedelta(days=14))
    K.case_act(actor=world.dudao, case=case, action="request_close")
    K.case_act(actor=baohu, case=case, action="approve_close")
    with pytest.raises(ServiceError):
        K.plan_item_done(actor=world.dudao, item_id=other.pk, result="结案后补记")
    other.refresh_from_db()
    assert other.status == "open"
