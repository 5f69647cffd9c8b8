"""Mandatory reports: anyone files one; it raises a red alert on a registered child; the supervisor
receives it, records the police and who was told, and the feedback; the reporter's identity is
read only by handlers; a harm noted on a visit and not reported within a day is flagged."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhu.care.visits.services import visit_record
from shouhu.core.errors import NotFound, ServiceError
from shouhu.protection import reports
from shouhu.protection.models import Alert, MandatoryReport
from shouhu.protection.selectors import reports_visible_to
from tests.factories import make_child


@pytest.fixture
def pupil(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_child(world.zhuren, world.guangrong, school=world.jinxing, school_class=world.c31, agreement_date=world.today)


def file(actor, child=None, **over):
    args = dict(situation="injury_abuse", discovered_at=timezone.now() - timedelta(minutes=10), seen="手臂多处淤青，说是被打的",
                village=child.village if child else None, child=child)
    args.update(over)
    return reports.report_file(actor=actor, **args)


def test_a_teacher_files_and_the_child_gets_a_red_alert(world, pupil, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = file(world.banzhuren, pupil)
    assert (r.status, r.reporter, r.township_code) == ("filed", world.banzhuren, "421088109")
    assert r.reporter_unit.endswith("班主任")
    a = Alert.objects.get(child=pupil, code="report_received")
    assert (a.level, a.owner_role, a.key) == ("red", "township_supervisor", f"report:{r.pk}")
    assert "淤青" not in a.facts and "banzhuren" not in a.facts  # what was seen and who saw it stay in the report


def test_bad_input_is_named(world, pupil):
    with pytest.raises(ServiceError) as e:
        file(world.banzhuren, pupil, situation="")
    assert e.value.field == "situation"
    with pytest.raises(ServiceError) as e:
        file(world.banzhuren, pupil, discovered_at=timezone.now() + timedelta(hours=2))
    assert e.value.field == "discovered_at"
    with pytest.raises(ServiceError) as e:
        file(world.banzhuren, None, village=world.guangrong)
    assert e.value.field == "child_name"
    with pytest.raises(NotFound):  # a registered child the reporter may not see: name them instead
        file(world.zhuren_hongxing, pupil)


def test_a_child_not_on_the_register_is_reported_by_description(world):
    r = file(world.volunteer, None, village=world.hongxing, child_name="", child_desc="男孩，约6岁，在集市乞讨")
    assert r.child is None and r.who == "姓名不详" and r.township_code == "421088101"
    assert r in reports_visible_to(world.dudao_zhuhe) and r not in reports_visible_to(world.dudao)


def test_receive_feedback_and_who_sees_what(world, pupil, baohu):
    r = file(world.banzhuren, pupil)
    with pytest.raises(NotFound):
        reports.report_receive(actor=world.zhuren, report=r)  # the village director does not handle reports
    with pytest.raises(ServiceError) as e:
        reports.report_receive(actor=world.dudao, report=r, police_receipt_no="110-2026-1234")
    assert e.value.field == "police_notified_at"
    reports.report_receive(actor=world.dudao, report=r, police_notified_at=timezone.now(), police_unit="毛市派出所",
                           police_receipt_no="110-2026-1234", civil_affairs_told="县民政局、县教育局")
    reports.report_feedback(actor=baohu, report=r, feedback="已报警，孩子已由亲属临时照护")
    r.refresh_from_db()
    assert (r.status, r.received_by, r.police_unit) == ("received", world.dudao, "毛市派出所") and r.feedback_given_at
    for user in (world.dudao, baohu, world.banzhuren):
        assert r in reports_visible_to(user)
    for user in (world.zhuren, world.xiaozhang, world.admin, world.inspector, world.volunteer, world.partner, world.dudao_zhuhe):
        assert r not in reports_visible_to(user), user


def test_phone_report_needs_the_callers_phone(world, pupil):
    args = dict(reporter_name="张医生", reporter_unit="毛市镇卫生院", situation="self_harm", discovered_at=timezone.now(), seen="服药自伤送医",
                village=world.guangrong, child=pupil)
    with pytest.raises(ServiceError) as e:
        reports.report_record_call(actor=world.dudao, reporter_phone="", **args)
    assert e.value.field == "reporter_phone"
    with pytest.raises(NotFound):  # another township's supervisor
        reports.report_record_call(actor=world.dudao_zhuhe, reporter_phone="13800001111", **args)
    r = reports.report_record_call(actor=world.dudao, reporter_phone="13800001111", **args)
    assert (r.recorded_by, r.reporter, r.reporter_name) == (world.dudao, None, "张医生")


def test_harm_seen_on_a_visit_and_unreported_for_a_day_is_flagged_until_reported(world, pupil, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visit_record(actor=world.zhuren, child=pupil, date=world.today - timedelta(days=1), mode="入户", concerns=["疑似受虐待或欺凌"])
    flag = Alert.objects.get(child=pupil, code="harm_unreported")
    assert flag.owner_role == "township_supervisor" and flag.status == "open"
    with django_capture_on_commit_callbacks(execute=True):
        file(world.zhuren, pupil, discovered_at=timezone.now() - timedelta(hours=1))
    flag.refresh_from_db()
    assert flag.status == "resolved"


def test_pages(client, world, pupil, django_capture_on_commit_callbacks):
    client.force_login(world.banzhuren)
    page = client.get(reverse("protection:report_new") + f"?child={pupil.uid}").content.decode()
    assert pupil.name in page and "隐私部位" in page
    r = client.post(reverse("protection:report_new") + f"?child={pupil.uid}", {"situation": "", "seen": ""})
    assert "请选择属于哪种情形" in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("protection:report_new") + f"?child={pupil.uid}", {
            "situation": "injury_abuse", "seen": "脸上有伤", "discovered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "village": world.guangrong.pk}, follow=True)
    assert "报告已提交" in r.content.decode()
    report = MandatoryReport.objects.get(child=pupil)
    client.force_login(world.dudao)
    page = client.get(reverse("protection:report", args=[report.pk])).content.decode()
    assert "banzhuren" in page and "受理并保存" in page
    client.force_login(world.xiaozhang)
    assert client.get(reverse("protection:report", args=[report.pk])).status_code == 404
    assert client.post(reverse("protection:report_receive", args=[report.pk])).status_code == 404
    client.force_login(world.banzhuren)  # the reporter follows the status, not the handling
    page = client.get(reverse("protection:report", args=[report.pk])).content.decode()
    assert "待受理" in page and "受理并保存" not in page


def test_what_was_seen_is_encrypted_at_rest(world, pupil):
    from django.db import connection

    r = file(world.banzhuren, pupil, seen="手臂多处淤青，说是被继父打的")
    reports.report_feedback(actor=world.dudao, report=r, feedback="已报警，继父已被传唤")
    with connection.cursor() as cur:
        cur.execute("SELECT seen, feedback FROM protection_mandatoryreport WHERE id = %s", [r.pk])
        raw = " ".join(cur.fetchone())
    assert "继父" not in raw
    r.refresh_from_db()
    assert r.seen == "手臂多处淤青，说是被继父打的"


def test_a_reporter_is_not_told_which_record_the_handlers_matched(client, world, alone, django_capture_on_commit_callbacks):
    """A volunteer reports a child they cannot see, by name and description; the supervisor matches the
    report to the registered child and opens a case. The reporter follows the status (已立案) but is not
    given the record: neither its name (it may differ from what they wrote) on the list and the page,
    nor its id over the API. One who sees the child anyway (the village director) is."""
    from shouhu.protection import cases as K
    from tests.api_util import api

    with django_capture_on_commit_callbacks(execute=True):
        report = reports.report_file(actor=world.volunteer, situation="abandoned", discovered_at=timezone.now(), seen="孩子独自在家",
                                     village=world.guangrong, child_name="小明", child_desc="男孩，约十岁")
        K.case_open(actor=world.dudao, child=alone, report=report)
    report.refresh_from_db()
    assert report.child == alone and report.status == MandatoryReport.Status.CASE and alone.name != "小明"
    client.force_login(world.volunteer)
    for url in (reverse("protection:reports"), reverse("protection:report", args=[report.pk])):
        page = client.get(url).content.decode()
        assert "小明" in page and alone.name not in page and str(alone.uid) not in page, url
    mine = api(world.volunteer).get(f"/api/v1/mandatory-reports/{report.pk}/").json()
    assert mine["status"] == "case" and mine["child"] is None and mine["child_name"] == "小明"
    listed = api(world.volunteer).get("/api/v1/mandatory-reports/").json()
    assert [r["child"] for r in (listed["results"] if isinstance(listed, dict) else listed)] == [None]
    # the handler, and a reporter who sees the child anyway, read the match
    assert api(world.dudao).get(f"/api/v1/mandatory-reports/{report.pk}/").json()["child"] == str(alone.uid)
    MandatoryReport.objects.filter(pk=report.pk).update(reporter=world.zhuren)
    assert api(world.zhuren).get(f"/api/v1/mandatory-reports/{report.pk}/").json()["child"] == str(alone.uid)
    client.force_login(world.zhuren)
    assert alone.name in client.get(reverse("protection:report", args=[report.pk])).content.decode()
