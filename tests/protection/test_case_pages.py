"""Protection case pages: opened in one tap from a red alert, a report or a child's page; the next
step as the primary action with its errors beside the field; approvals by another handler; the
timers told to the handlers once; break-the-glass for the county admin; 404 for everyone else."""
from datetime import timedelta

import pytest
from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.notify.models import Notification
from shouhu.protection import cases as K
from shouhu.protection import reports
from shouhu.protection.models import Alert, CaseAccess, CaseStep, MandatoryReport, ProtectionCase
from tests.api_util import api, ids


@pytest.fixture
def alert(alone):
    return Alert.objects.get(child=alone, code="unguarded")


@pytest.fixture
def case(world, alone, alert, baohu):
    return K.case_open(actor=world.dudao, child=alone, alert=alert)


def test_one_tap_from_a_red_alert(client, world, alone, alert, baohu):
    client.force_login(world.dudao)
    page = client.get(f"/protection/alerts/{alert.pk}/").content.decode()
    assert "开立保护个案" in page
    r = client.post("/protection/cases/open/", {"alert": alert.pk})
    case = ProtectionCase.objects.get(child=alone)
    assert r.status_code == 302 and r.url == f"/protection/cases/{case.pk}/"
    page = client.get(r.url).content.decode()
    assert "确认儿童安全" in page and "已报告" in page and "下一步" in page
    assert Notification.objects.filter(user=baohu, kind="case").exists()  # the county protection staff hear of it
    assert not Notification.objects.filter(user=world.dudao, kind="case").exists()  # not the one who opened it
    # a second tap lands on the open case, not a second one
    r = client.post("/protection/cases/open/", {"alert": alert.pk}, follow=True)
    assert ProtectionCase.objects.filter(child=alone).count() == 1 and "已有进行中的个案" in r.content.decode()


def test_steps_on_the_page_with_errors_beside_the_field(client, world, case, baohu):
    client.force_login(world.dudao)
    url = f"/protection/cases/{case.pk}/"
    assert client.post(url + "?act=respond", {"respond-note": "孩子在邻居家，安全"}).status_code == 302
    r = client.post(url + "?act=place", {"place-placement": "", "place-note": ""})
    assert r.status_code == 400 and 'id="err-placement"' in r.content.decode() and "请选择安置方式" in r.content.decode()
    client.post(url + "?act=place", {"place-placement": "亲属照护", "place-note": "姑姑家"})
    r = client.post(url + "?act=assess", {"assess-risk": "中", "assess-assessment": ""})
    assert "请写明安全处境" in r.content.decode()
    client.post(url + "?act=assess", {"assess-risk": "中", "assess-assessment": "父母在外，姑姑可照料"})
    r = client.post(url + "?act=plan", {"plan-service": "监护指导", "plan-unit": "毛市镇政府", "plan-owner": "", "plan-due": ""})
    assert r.status_code == 400 and "请填写责任人" in r.content.decode()
    due = (world.today + timedelta(days=10)).isoformat()
    client.post(url + "?act=plan", {"plan-service": "监护指导", "plan-unit": "毛市镇政府", "plan-owner": "李督导", "plan-due": due})
    client.post(url + "?act=submit_plan", {"submit_plan-note": ""})
    case.refresh_from_db()
    assert case.state == "planning"
    page = client.get(url).content.decode()
    assert "等待审批" in page and "批准计划" not in page  # nobody approves their own plan
    assert Notification.objects.filter(user=baohu, kind="approval", title__contains="帮扶计划待审批").exists()
    client.force_login(baohu)
    assert "批准计划" in client.get(url).content.decode()
    assert client.post(url + "?act=approve_plan", {"approve_plan-note": "同意"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "following"
    assert Notification.objects.filter(user=world.dudao, title__contains="帮扶计划已批准").exists()
    # a step posted twice (a second tab): a clear message, nothing changes
    r = client.post(url + "?act=approve_plan", {}, follow=True)
    assert "已到下一步" in r.content.decode()


def test_list_filters_export_and_home(client, world, case, baohu):
    client.force_login(world.dudao)
    page = client.get("/protection/cases/").content.decode()
    assert world.dudao and case.child.name in page
    ProtectionCase.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    assert case.child.name in client.get("/protection/cases/?status=late").content.decode()
    assert case.child.name not in client.get("/protection/cases/?status=ended").content.decode()
    r = client.get("/protection/cases/?status=all&export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AccessLog.objects.filter(action="export", scope="保护个案").exists()
    home = client.get("/").content.decode()
    assert 'id="home-cases"' in home and "已逾期" in home
    client.force_login(world.inspector)  # counts, never a case
    home = client.get("/").content.decode()
    assert 'id="home-cases"' in home and "仅统计" in home and case.child.name not in home


def test_deadlines_are_told_once(world, case, baohu):
    later = case.due_at + timedelta(minutes=1)
    assert K.escalate_cases(now=later) == 1
    assert K.escalate_cases(now=later + timedelta(minutes=5)) == 0  # idempotent
    assert CaseStep.objects.filter(case=case, action="overdue").count() == 1
    told = set(Notification.objects.filter(kind="escalation").values_list("user__username", flat=True))
    assert told == {"dudao", "baohu"}  # the township's supervisor and the county protection staff, not dudao2 of 朱河镇
    # the next step's deadline is told again when it passes
    K.case_act(actor=world.dudao, case=case, action="respond", now=later)
    case.refresh_from_db()
    assert K.escalate_cases(now=case.due_at + timedelta(minutes=1)) == 1


def test_a_report_becomes_a_case(client, world, alone, baohu):
    report = reports.report_file(actor=world.banzhuren, situation="abandoned", discovered_at=timezone.now(), seen="孩子一人在家多日",
                                 village=world.guangrong, child_name="某某")
    client.force_login(world.dudao)
    page = client.get(f"/protection/reports/{report.pk}/").content.decode()
    assert "立案（开立保护个案）" in page and alone.name in page  # the children of that village to choose from
    r = client.post("/protection/cases/open/", {"report": report.pk, "child": str(alone.uid)})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == MandatoryReport.Status.CASE and report.child_id == alone.pk
    client.force_login(world.banzhuren)  # the reporter sees the status only
    page = client.get(f"/protection/reports/{report.pk}/").content.decode()
    assert "已立案" in page and "立案（开立" not in page


def test_break_the_glass(client, world, case, baohu):
    client.force_login(world.admin)
    assert client.get(f"/protection/cases/{case.pk}/").status_code == 404  # not without a reason
    child_page = client.get(f"/children/{case.child.uid}/").content.decode()
    assert "紧急查阅" in child_page
    url = f"/protection/cases/glass/{case.child.uid}/"
    r = client.post(url, {"reason": "看"})
    assert r.status_code == 400 and "至少5个字" in r.content.decode()
    r = client.post(url, {"reason": "县联席会议研判临时监护方案"})
    assert r.status_code == 302 and r.url == f"/protection/cases/{case.pk}/"
    page = client.get(r.url).content.decode()
    assert "紧急查阅（只读）" in page and "确认儿童安全</button>" not in page
    assert client.post(r.url + "?act=respond", {"respond-note": "x"}).status_code == 404  # reads, never works
    assert Notification.objects.filter(user=world.dudao, kind="glass").exists()
    assert CaseStep.objects.filter(case=case, action="glass", by=world.admin).exists()
    assert AccessLog.objects.filter(username="admin", action="glass").exists()
    assert AccessLog.objects.filter(username="admin", detail__contains="紧急查阅", confidential=True).exists()
    CaseAccess.objects.update(until=timezone.now() - timedelta(seconds=1))  # a working day later
    assert client.get(f"/protection/cases/{case.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["zhuren", "zhuren_lianfu", "dudao_zhuhe", "xiaozhang", "banzhuren", "inspector", "volunteer", "partner",
                                 "edu"])
def test_others_get_404_on_every_case_url(client, world, case, who):
    client.force_login(getattr(world, who))
    for url in (f"/protection/cases/{case.pk}/", f"/protection/cases/glass/{case.child.uid}/"):
        assert client.get(url).status_code == 404, url
    r = client.get("/protection/cases/?status=all")  # another township's supervisor has a list, without this case
    assert r.status_code == 404 or case.child.name not in r.content.decode()
    for url, data in ((f"/protection/cases/{case.pk}/?act=respond", {}), ("/protection/cases/open/", {"child": str(case.child.uid)})):
        assert client.post(url, data).status_code == 404, url
    c = api(getattr(world, who))
    assert c.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert c.post(f"/api/v1/cases/{case.pk}/act/", {"action": "respond"}, format="json").status_code == 404
    r = c.get("/api/v1/cases/")
    assert r.status_code == 404 or case.pk not in ids(r)


def test_cases_over_the_api(world, alone, alert, baohu):
    c = api(world.dudao)
    r = c.post("/api/v1/cases/", {"alert": alert.pk}, format="json")
    assert r.status_code == 201 and r.json()["state"] == "reported" and r.json()["allowed_actions"] == ["respond"]
    pk = r.json()["id"]
    assert pk in ids(c.get("/api/v1/cases/?status=open")) and pk not in ids(c.get("/api/v1/cases/?status=ended"))
    assert pk in ids(c.get("/api/v1/cases/?status=reported"))
    r = c.post(f"/api/v1/cases/{pk}/act/", {"action": "place", "placement": "亲属照护"}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "action"  # not before the child is confirmed safe
    for body in ({"action": "respond"}, {"action": "place", "placement": "亲属照护"},
                 {"action": "assess", "risk": "低", "assessment": "安全，照料到位"}):
        assert c.post(f"/api/v1/cases/{pk}/act/", body, format="json").status_code == 200
    r = c.post(f"/api/v1/cases/{pk}/plan/", {"service": "心理疏导", "unit": "镇卫生院", "owner": "王医生",
                                            "due": str(world.today + timedelta(days=7))}, format="json")
    assert r.status_code == 201 and r.json()["plan"][0]["service"] == "心理疏导"
    c.post(f"/api/v1/cases/{pk}/act/", {"action": "submit_plan"}, format="json")
    assert c.post(f"/api/v1/cases/{pk}/approve/", {}, format="json").status_code == 400  # not one's own
    r = api(baohu).post(f"/api/v1/cases/{pk}/approve/", {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "following"
    assert [s["label"] for s in r.json()["steps"]][:2] == ["立案", "确认儿童安全"]
    assert AccessLog.objects.filter(action="api_list", confidential=True, scope="/api/v1/cases/").exists()


def test_meetings_over_the_api(world, case, baohu):
    c = api(world.dudao)
    r = c.post("/api/v1/meetings/", {"held_on": str(world.today), "title": "毛市镇联席会议", "region": world.maoshi.code,
                                     "units": "镇政府、派出所"}, format="json")
    assert r.status_code == 201
    m = r.json()["id"]
    r = c.post(f"/api/v1/meetings/{m}/items/", {"text": "落实临时照护", "unit": "镇民政办", "owner": "张", "due": str(world.today),
                                                "case": case.pk}, format="json")
    assert r.status_code == 201 and r.json()["items"][0]["case"] == case.pk
    item = r.json()["items"][0]["id"]
    assert api(world.dudao_zhuhe).get(f"/api/v1/meetings/{m}/").status_code == 404
    assert api(world.zhuren).get(f"/api/v1/meetings/{m}/").status_code == 404
    r = c.post(f"/api/v1/meetings/{m}/items/", {"text": "x", "unit": "y", "owner": "z", "due": str(world.today), "case": 999999},
               format="json")
    assert r.status_code == 400 and r.json()["field"] == "case"
    r = c.post(f"/api/v1/meetings/{m}/done/", {"item": item, "evidence": "已安排姑姑照护"}, format="json")
    assert r.status_code == 200 and r.json()["items"][0]["status"] == "done"


def test_alerts_can_be_handed_up(world, alert):
    c = api(world.zhuren)
    r = c.post(f"/api/v1/alerts/{alert.pk}/escalate/", {"note": ""}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "note"
    r = c.post(f"/api/v1/alerts/{alert.pk}/escalate/", {"note": "需要镇里协调临时照护"}, format="json")
    assert r.status_code == 200 and r.json()["stage"] == 1 and r.json()["owner_role"] == "township_supervisor"
    assert Notification.objects.filter(user=world.dudao, kind="escalation").exists()
    assert c.post(f"/api/v1/alerts/{alert.pk}/act/", {"action": "电话核实"}, format="json").status_code == 403  # now the township's


def test_a_case_on_an_alert_that_climbed_past_the_supervisor(world, alone, alert, baohu):
    from shouhu.protection import services
    services.escalate_due(now=alert.opened_at + timedelta(days=3))  # climbed to the county
    alert.refresh_from_db()
    assert alert.owner_role == "protection"
    case = K.case_open(actor=world.dudao, child=alone, alert=alert)
    alert.refresh_from_db()
    assert alert.status == "acted" and alert.note == f"个案 #{case.pk}"


@pytest.mark.parametrize("who", ["volunteer", "partner", "xiaozhang", "banzhuren_c32", "inspector", "zhuren_hongxing", "edu"])
def test_others_get_404_on_every_report_url(client, world, alone, who):
    report = reports.report_file(actor=world.zhuren, situation="abandoned", discovered_at=timezone.now(), seen="独自在家", village=world.guangrong,
                                 child=alone)
    client.force_login(getattr(world, who))
    assert client.get(f"/protection/reports/{report.pk}/").status_code == 404
    for url in ("receive", "feedback"):
        assert client.post(f"/protection/reports/{report.pk}/{url}/", {"feedback": "x"}).status_code == 404
    assert client.post("/protection/cases/open/", {"report": report.pk}).status_code == 404
    assert "独自在家" not in client.get("/protection/reports/").content.decode()
    c = api(getattr(world, who))
    assert c.get(f"/api/v1/mandatory-reports/{report.pk}/").status_code == 404
    assert report.pk not in ids(c.get("/api/v1/mandatory-reports/"))
    assert c.post("/api/v1/cases/", {"report": report.pk}, format="json").status_code == 404


def test_a_case_on_a_reports_alert_is_the_reports_case(world, alone, baohu, oc):
    report = oc(reports.report_file, actor=world.zhuren, situation="abandoned", discovered_at=timezone.now(), seen="独自在家",
                village=world.guangrong, child=alone)
    alert = Alert.objects.get(child=alone, code="report_received")
    case = K.case_open(actor=world.dudao, child=alone, alert=alert)
    report.refresh_from_db()
    assert case.report_id == report.pk and report.status == MandatoryReport.Status.CASE
    K.case_act(actor=world.dudao, case=case, action="respond")
    K.case_act(actor=world.dudao, case=case, action="place", placement="亲属照护")
    K.case_act(actor=world.dudao, case=case, action="assess", risk="高", assessment="x", note="需尽快就医")
    assert case.steps.get(action="assess").note == "风险高；需尽快就医"
