"""督查 → 整改 → 问责: the seeded sample (repeatable, logged), a field check's "不符" becomes a finding
on the village and a data-quality issue on the record; the village answers with evidence, the
township re-checks; the clock tells once; the county decides accountability — each by the right
people only."""
import random
from datetime import timedelta

import pytest

from shouhu.audit.models import AccessLog
from shouhu.core.errors import Forbidden, NotFound, ServiceError
from shouhu.notify.models import Notification
from shouhu.quality.models import Issue
from shouhu.supervision import selectors as Sel
from shouhu.supervision import services as V
from shouhu.supervision.demo import build_supervision_demo
from shouhu.supervision.models import Finding, Inspection

from .conftest import png

YES = {"present": "yes", "carer": "yes", "visits": "yes", "agreement": "yes"}


def test_the_sample_is_seeded_and_logged(world, kids, inspection):
    s = V.sample_draw(actor=world.inspector, inspection=inspection, village=world.guangrong, size=2, seed=7)
    again = V.sample_draw(actor=world.inspector, inspection=inspection, village=world.guangrong, size=2, seed=7)
    assert [i.child_id for i in s.items.all()] == [i.child_id for i in again.items.all()] and s.pool == 3
    log = AccessLog.objects.filter(action="sample").last()
    assert "种子 7" in log.detail and "2/3" in log.detail and "陆金兰" not in log.detail
    inspection.refresh_from_db()
    assert inspection.state == "active"
    with pytest.raises(ServiceError) as e:
        V.sample_draw(actor=world.inspector, inspection=inspection, village=world.hongxing)  # another township's village
    assert e.value.field == "village"
    with pytest.raises(NotFound):
        V.sample_draw(actor=world.dudao, inspection=inspection, village=world.guangrong)  # not an inspector


def test_a_mismatch_is_a_finding_and_a_quality_issue_until_passed(world, kids, inspection, media, django_capture_on_commit_callbacks):
    s = V.sample_draw(actor=world.inspector, inspection=inspection, village=world.guangrong, size=3, seed=1)
    first, second = list(s.items.all())[:2]
    assert V.sample_check(actor=world.inspector, item=second, answers=YES) is None
    with pytest.raises(ServiceError) as e:
        V.sample_check(actor=world.inspector, item=first, answers={"present": "yes"})
    assert "实际照护人" in e.value.message
    with django_capture_on_commit_callbacks(execute=True):
        f = V.sample_check(actor=world.inspector, item=first, answers={**YES, "carer": "no", "agreement": "no"}, note="实际由姑妈照看",
                           photo=png("现场.png"))
    assert (f.unit, f.child_id, f.source, f.state, f.checks) == (world.guangrong, first.child_id, "field", "open", ["carer", "agreement"])
    assert f.due_on == world.today + timedelta(days=8) and "实际由姑妈照看" in f.detail and f.files.count() == 1
    issues = Issue.objects.filter(child_id=first.child_id, code="field_check_mismatch", status="open")
    assert sorted(issues.values_list("field", flat=True)) == ["agreement_file", "carer_name"]
    assert Notification.objects.filter(user=world.zhuren, kind="finding").exists()  # the village is told
    assert V.sample_check(actor=world.inspector, item=first, answers={**YES, "carer": "no"}) is None  # once per child

    # the village answers with evidence; another village and the township cannot answer
    with pytest.raises(NotFound):
        V.finding_act(actor=world.zhuren_lianfu, finding=f, action="answer", note="x", files=[png()])
    with pytest.raises(Forbidden):
        V.finding_act(actor=world.dudao, finding=f, action="answer", note="x", files=[png()])
    with pytest.raises(ServiceError) as e:
        V.finding_act(actor=world.zhuren, finding=f, action="answer", note="已更正照护人")
    assert e.value.field == "files"
    V.finding_act(actor=world.zhuren, finding=f, action="answer", note="已更正照护人，补签协议", files=[png()])
    assert Sel.actions_for(world.zhuren, Finding.objects.get(pk=f.pk)) == []  # the unit does not pass its own answer
    assert Sel.actions_for(world.dudao, Finding.objects.get(pk=f.pk)) == ["pass", "return"]
    V.finding_act(actor=world.dudao, finding=f, action="return", note="协议照片没有签字")
    V.finding_act(actor=world.zhuren, finding=f, action="answer", note="重新拍照", files=[png()])
    with django_capture_on_commit_callbacks(execute=True):
        f = V.finding_act(actor=world.dudao, finding=f, action="pass")
    assert f.state == "passed" and f.closed_on == world.today
    assert [s.action for s in f.steps.all()] == ["open", "answer", "return", "answer", "pass"]
    assert not Issue.objects.filter(child_id=first.child_id, code="field_check_mismatch", status="open").exists()


def test_findings_by_hand_and_the_clock(world, inspection):
    f = V.finding_create(actor=world.inspector, inspection=inspection, unit=world.guangrong, problem="走访记录一支笔签到底",
                         detail="2026年走访记录笔迹相同")
    school = V.finding_create(actor=world.inspector, unit=world.maoshi, school=world.jinxing, problem="未配备心理辅导教师")
    with pytest.raises(NotFound):
        V.finding_create(actor=world.inspector, unit=world.hongxing, problem="x")  # outside the inspector's township
    with pytest.raises(Forbidden):
        V.finding_create(actor=world.dudao, unit=world.guangrong, problem="x")
    assert Sel.answers(world.xiaozhang, school) and not Sel.answers(world.dudao, school) and Sel.reviews(world.dudao, school)
    assert not Sel.reviews(world.dudao, V.finding_create(actor=world.inspector, unit=world.maoshi, problem="督导员未按月督导"))
    Finding.objects.filter(pk=f.pk).update(due_on=world.today - timedelta(days=1))
    assert V.escalate_findings() == 1 and V.escalate_findings() == 0  # once per deadline
    assert Notification.objects.filter(user=world.zhuren, kind="escalation").count() == 1
    assert Notification.objects.filter(user=world.dudao, kind="escalation").count() == 1
    assert set(Sel.filtered(Sel.findings_visible_to(world.zhuren), "late")) == {f}
    assert set(Sel.findings_visible_to(world.zhuren_lianfu)) == set()
    assert set(Sel.findings_visible_to(world.dudao_zhuhe)) == set()
    assert school in Sel.findings_visible_to(world.xiaozhang) and f not in Sel.findings_visible_to(world.xiaozhang)


def test_accountability_by_the_county(world, inspection):
    f = V.finding_create(actor=world.inspector, unit=world.guangrong, problem="协议未签")
    Finding.objects.filter(pk=f.pk).update(due_on=world.today - timedelta(days=2))
    suggested = Sel.units_calling_for_accountability(world.admin, today=world.today)
    assert [(s["unit"], s["why"]) for s in suggested] == [(world.guangrong, ["1项问题逾期未整改"])]
    with pytest.raises(NotFound):
        V.accountability_decide(actor=world.dudao, unit=world.guangrong, measure="talk", person="张某", reason="逾期")
    with pytest.raises(ServiceError) as e:
        V.accountability_decide(actor=world.admin, unit=world.guangrong, measure="talk", person="", reason="逾期")
    assert e.value.field == "person"
    a = V.accountability_decide(actor=world.admin, unit=world.guangrong, measure="talk", person="张某（村儿童主任）",
                                reason="逾期未整改", findings=[f])
    assert list(a.findings.all()) == [f] and AccessLog.objects.filter(action="accountability").exists()
    assert list(Sel.accountabilities_visible_to(world.zhuren)) == [a]  # the unit sees its own history
    assert list(Sel.accountabilities_visible_to(world.zhuren_lianfu)) == []


def test_monthly_coverage_and_the_next_round_rechecks(world, client):
    assert [(c["township"], c["short"]) for c in Sel.inspection_coverage(world.admin, today=world.today)] == [
        (world.zhuhe, True), (world.maoshi, True)]
    first = V.inspection_create(actor=world.inspector, region=world.maoshi, kind="routine", planned_on=world.today - timedelta(days=1))
    old = V.finding_create(actor=world.inspector, inspection=first, unit=world.guangrong, problem="协议未签")
    put_right = V.finding_create(actor=world.inspector, inspection=first, unit=world.lianfu, problem="台账未更新")
    cover = {c["township"]: c for c in Sel.inspection_coverage(world.admin, today=world.today)}
    assert cover[world.maoshi]["count"] == (1 if first.planned_on.month == world.today.month else 0) and cover[world.zhuhe]["short"]
    second = V.inspection_create(actor=world.inspector, region=world.maoshi, kind="revisit", planned_on=world.today)
    assert Sel.last_round(second) == [old, put_right]
    again = V.finding_recheck(actor=world.inspector, inspection=second, finding=old, still=True, note="协议仍未签")
    assert (again.recheck_of, again.state, again.source) == (old, "open", "recheck") and "仍然存在" in again.detail
    ok = V.finding_recheck(actor=world.inspector, inspection=second, finding=put_right, still=False)
    assert ok.state == "passed" and Sel.last_round(second) == []
    with pytest.raises(ServiceError):
        V.finding_recheck(actor=world.inspector, inspection=second, finding=old, still=True)
    # the same problem twice at 光荣村 calls for accountability
    assert any(s["unit"] == world.guangrong and "被发现2次" in s["why"][-1] for s in Sel.units_calling_for_accountability(world.admin, today=world.today))
    client.force_login(world.inspector)
    assert "本月督查覆盖" in client.get("/supervision/").content.decode()


def test_the_demo_skips_a_county_without_children(world):
    """A benchmark's scratch county (build_demo(children=0)) has nobody to sample: nothing is built."""
    build_supervision_demo(today=world.today, rng=random.Random(1), log=lambda *a: None)
    assert not Inspection.objects.exists()
