"""Roster writes: an appointment grants the post's login scope and ending it removes it (both in the
access log); a filled post refuses a second holder; vacancies open and close with the tenures, the
county is told once and reminded once a week."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhu.accounts.models import Assignment
from shouhu.accounts.scope import scope_of
from shouhu.audit.models import AccessLog
from shouhu.core.errors import NotFound, ServiceError
from shouhu.notify.models import Notification
from shouhu.regions.models import Region
from shouhu.registry.hooks import indicators
from shouhu.staffing import selectors as Sel
from shouhu.staffing import services as S
from shouhu.staffing.models import Vacancy
from tests.factories import UserFactory

from .conftest import appoint


def _fresh(user):
    user.__dict__.pop("_shouhu_scope", None)
    return scope_of(user)


def test_appointing_a_login_grants_the_village_and_ending_removes_it(world):
    new = UserFactory(username="xinzhuren")
    a = appoint(world, "刘小红", "village_director", region=world.hongxing, user=new, start_on=world.today - timedelta(days=3))
    grant = Assignment.objects.get(user=new)
    assert (grant.role, grant.region_id, a.assignment_id) == ("village_director", world.hongxing.pk, grant.pk)
    assert _fresh(new).can_edit_village(world.hongxing.code)
    assert AccessLog.objects.filter(action="role_grant", target="xinzhuren", user=world.admin).exists()

    S.appointment_end(actor=world.admin, appointment=a, end_on=world.today, reason="transfer")
    assert not Assignment.objects.filter(user=new).exists()
    assert not _fresh(new).can_edit_village(world.hongxing.code)
    assert AccessLog.objects.filter(action="role_revoke", target="xinzhuren", user=world.admin).exists()


def test_a_role_given_by_hand_is_kept_by_the_tenure(world):
    a = appoint(world, "张桂英", "village_director", region=world.guangrong, user=world.zhuren)
    assert Assignment.objects.filter(user=world.zhuren).count() == 1 and a.assignment.user == world.zhuren
    S.appointment_end(actor=world.admin, appointment=a, end_on=world.today, reason="resign")
    assert not Assignment.objects.filter(user=world.zhuren).exists()


def test_a_counsellor_gets_the_school(world):
    u = UserFactory(username="xinli")
    appoint(world, "陈老师", "counsellor", school=world.jinxing, user=u)
    assert Assignment.objects.get(user=u).school == world.jinxing


def test_a_filled_post_refuses_a_second_holder(world, staffed):
    with pytest.raises(ServiceError) as e:
        appoint(world, "新人", "village_director", region=world.guangrong)
    assert e.value.code == S.StaffErrorCode.POST_FILLED and e.value.field == "place"
    S.appointment_end(actor=world.admin, appointment=staffed["guangrong"], end_on=world.today, reason="resign")
    appoint(world, "新人", "village_director", region=world.guangrong)  # after the tenure ended


@pytest.mark.parametrize("kind, place, code", [("village_director", "maoshi", S.StaffErrorCode.WRONG_LEVEL),
                                               ("township_supervisor", "guangrong", S.StaffErrorCode.WRONG_LEVEL)])
def test_a_post_sits_at_its_level(world, kind, place, code):
    with pytest.raises(ServiceError) as e:
        appoint(world, "某人", kind, region=getattr(world, place))
    assert e.value.code == code


def test_nobody_but_the_county_appoints(world):
    for who in (world.dudao, world.inspector, world.edu):
        with pytest.raises(NotFound):
            S.person_appoint(actor=who, values={"name": "某人"}, kind="village_director", region=world.guangrong, start_on=world.today)


def test_the_county_admin_cannot_give_themselves_a_post(world):
    with pytest.raises(ServiceError, match="不能给自己分配角色"):
        appoint(world, "管理员", "village_director", region=world.hongxing, user=world.admin)
    assert not Vacancy.objects.filter(filled_on__isnull=False).exists()


def test_vacancies_open_close_and_tell_the_county_once(world, staffed):
    open_ = {(v.kind, v.place_label) for v in Vacancy.objects.filter(filled_on__isnull=True)}
    assert open_ == {("village_director", "红星村"), ("counsellor", "朱河小学")}
    told = Notification.objects.filter(user=world.admin, kind="staffing")
    assert told.count() == 2 and not Notification.objects.filter(kind="staffing").exclude(user=world.admin).exists()
    S.vacancies_refresh(today=world.today)
    assert told.count() == 2  # not again

    S.appointment_end(actor=world.admin, appointment=staffed["lianfu"], end_on=world.today, reason="resign")
    v = Vacancy.objects.get(region=world.lianfu, filled_on__isnull=True)
    assert v.since == world.today and told.filter(title__contains="莲福村").count() == 1

    appoint(world, "刘小红", "village_director", region=world.hongxing)
    assert Vacancy.objects.get(region=world.hongxing).filled_on == world.today
    assert Sel.vacancy_count(world.admin) == 2 and Sel.vacancy_count(world.dudao) == 1  # 莲福村 only in 毛市镇


def test_reminders_once_a_week(world, staffed):
    before = Notification.objects.filter(kind="staffing").count()
    assert S.vacancy_reminders(today=world.today) == 0  # told today already
    assert S.vacancy_reminders(today=world.today + timedelta(days=6)) == 0
    assert S.vacancy_reminders(today=world.today + timedelta(days=7)) == 2
    assert Notification.objects.filter(kind="staffing").count() == before + 1  # one line for both
    assert S.vacancy_reminders(today=world.today + timedelta(days=8)) == 0
    assert S.staffing_clock(today=world.today + timedelta(days=8)) == 2


def test_a_new_village_is_a_vacancy_at_the_next_clock(world, staffed):

    Region.objects.create(code="421088109203", name="新村村民委员会", short_name="新村", level=5, parent=world.maoshi)
    assert S.staffing_clock(today=world.today) == 3


def test_training_with_a_certificate(world, staffed, media):
    p = staffed["guangrong"].person
    scan = SimpleUploadedFile("证书.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    t = S.training_add(actor=world.admin, person=p, on=world.today, topic="儿童主任业务培训", hours=Decimal("16"), certificate_no="HB-001",
                       certificate=scan)
    assert t.content_type == "image/png" and "证书" not in t.certificate.name
    bad = SimpleUploadedFile("x.exe", b"MZ" + b"0" * 10)
    with pytest.raises(ServiceError) as e:
        S.training_add(actor=world.admin, person=p, on=world.today, topic="x", hours=Decimal("2"), certificate=bad)
    assert e.value.field == "certificate"


def test_figures(world, staffed):
    S.appointment_end(actor=world.admin, appointment=staffed["lianfu"], end_on=world.today, reason="resign")
    rows = {r["kind"]: r for r in Sel.figures(world.admin, today=world.today)}
    assert (rows["village_director"]["posts"], rows["village_director"]["held"], rows["village_director"]["vacant"]) == (3, 1, 2)
    assert rows["village_director"]["ended"] == 1 and rows["village_director"]["rate"] == 33.3


def test_the_scoreboard_counts_staffing(world, staffed):

    c = indicators()["staffing"].counts(first=world.today.replace(day=1), last=world.today, today=world.today)
    assert c["places"][world.guangrong.code] == (1, 1) and c["places"][world.hongxing.code] == (0, 1)
    assert c["places"][world.maoshi.code.ljust(12, "0")] == (1, 1)
    assert c["schools"] == {world.jinxing.pk: (1, 1), world.zhuhe_school.pk: (0, 1)}


def test_the_clock_runs_the_staffing_step(world, staffed):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("escalate", stdout=out)
    assert "2 个岗位空缺" in out.getvalue()
