"""The absence log and the nightly opening of 疑似辍学 cases: the class list (roster and register,
keyed by pupil_key), a day's marks replaced atomically, the streak across a weekend and a holiday,
a case at the county's threshold, the other triggers (roster 辍学/休学, registered but on no roster,
a visit's 辍学迹象) — each idempotent — and who may keep the log (404 for everyone else)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.core.errors import NotFound, ServiceError
from shouhu.registry.models import Child
from shouhu.schooling import absences as A
from shouhu.schooling import dropout as S
from shouhu.schooling.models import Absence, CalendarDay, DropoutCase, DropoutSetting, Roster, RosterEntry
from tests.factories import make_child, years_ago

TODAY = timezone.localdate()
MONDAY = TODAY - timedelta(days=TODAY.weekday() + 21)  # a Monday three weeks ago: every day of the weeks after it is past


def day(week: int, weekday: int):
    return MONDAY + timedelta(weeks=week, days=weekday)


@pytest.fixture
def roster(world):
    return Roster.objects.create(school=world.jinxing, file_name="名册.xlsx")


def entry(world, roster, name, *, child=None, status="在读", cls=None, birth=None):
    return RosterEntry.objects.create(roster=roster, school=world.jinxing, school_class=cls or world.c31, row_no=RosterEntry.objects.count() + 2,
                                      name=name, birth_date=birth or (child.birth_date if child else years_ago(9)),
                                      id_number=child.id_number if child else "", status=status, grade=3, class_name="1班")


@pytest.fixture
def kids(world, roster, django_capture_on_commit_callbacks):
    """In 三年级1班: 张三 (registered and on the roster), 李四 (on the roster only), 王五 (registered only)."""
    with django_capture_on_commit_callbacks(execute=True):
        zhang = make_child(world.zhuren, world.guangrong, name="张三", birth_date=years_ago(9), school=world.jinxing, school_class=world.c31)
        wang = make_child(world.zhuren, world.guangrong, name="王五", birth_date=years_ago(9, days=3), school=world.jinxing, school_class=world.c31)
    entry(world, roster, "张三", child=zhang)
    entry(world, roster, "李四")
    return {p.name: p for p in A.class_pupils(world.banzhuren, world.c31)} | {"_zhang": zhang, "_wang": wang}


def test_the_class_list_joins_roster_and_register(world, kids):
    assert {k for k in kids if not k.startswith("_")} == {"张三", "李四", "王五"}
    assert kids["张三"].child == kids["_zhang"] and kids["张三"].on_roster
    assert kids["张三"].key == kids["_zhang"].id_number_index  # the blind index both tables share
    assert kids["李四"].child is None and len(kids["李四"].key) == 32
    assert kids["王五"].child == kids["_wang"] and not kids["王五"].on_roster
    assert all(kids["_zhang"].id_number not in p.key for k, p in kids.items() if not k.startswith("_"))
    assert [p.name for p in A.class_pupils(world.xiaozhang, world.c31)] == [p.name for p in A.class_pupils(world.banzhuren, world.c31)]


@pytest.mark.parametrize("who", ["banzhuren_c32", "xiaozhang_zhuhe", "zhuren", "dudao", "edu", "admin", "volunteer", "partner", "inspector"])
def test_others_get_404(client, world, kids, who):
    user = getattr(world, who)
    with pytest.raises(NotFound):
        A.class_pupils(user, world.c31)
    with pytest.raises(NotFound):
        A.absences_record(actor=user, school_class=world.c31, day=day(1, 0), marks={})
    client.force_login(user)
    assert client.get(f"/schooling/absences/?class={world.c31.pk}").status_code == 404


def test_a_day_is_replaced_and_audited_without_names(world, kids, oc):
    k = kids
    oc(A.absences_record, actor=world.banzhuren, school_class=world.c31, day=day(1, 0),
       marks={k["张三"].key: (False, "生病没请假"), k["李四"].key: (True, "病假")})
    assert set(Absence.objects.values_list("name", "excused")) == {("张三", False), ("李四", True)}
    pupils = oc(A.absences_record, actor=world.banzhuren, school_class=world.c31, day=day(1, 0), marks={k["李四"].key: (False, "")})
    assert list(Absence.objects.values_list("name", "excused")) == [("李四", False)]  # 张三 toggled back to 在校: no row
    assert {p.name: p.streak for p in pupils} == {"张三": 0, "李四": 1, "王五": 0}
    log = AccessLog.objects.filter(scope="考勤").last()
    assert "旷课1人" in log.detail and "李四" not in log.detail and "张三" not in log.detail


def test_no_future_day_no_holiday_no_stranger(world, kids):
    with pytest.raises(ServiceError) as e:
        A.absences_record(actor=world.banzhuren, school_class=world.c31, day=TODAY + timedelta(days=1), marks={})
    assert e.value.field == "day"
    with pytest.raises(ServiceError) as e:
        A.absences_record(actor=world.banzhuren, school_class=world.c31, day=day(1, 5), marks={})  # a Saturday
    assert e.value.code == A.AbsenceErrorCode.NOT_SCHOOL_DAY
    CalendarDay.objects.create(day=day(1, 2), kind="holiday", name="节日")
    with pytest.raises(ServiceError):
        A.absences_record(actor=world.banzhuren, school_class=world.c31, day=day(1, 2), marks={})
    with pytest.raises(ServiceError) as e:
        A.absences_record(actor=world.banzhuren, school_class=world.c31, day=day(1, 0), marks={"0" * 32: (False, "")})
    assert e.value.field == "marks"


def test_the_fifth_day_across_a_weekend_and_a_holiday_opens_a_case(world, kids, oc):
    key = kids["张三"].key
    CalendarDay.objects.create(day=day(1, 0), kind="holiday", name="节日")  # Monday of week 1: no school
    days = [day(0, 2), day(0, 3), day(0, 4), day(1, 1)]  # Wed Thu Fri, (weekend, holiday) Tue
    for d in days:
        oc(A.absences_record, actor=world.banzhuren, school_class=world.c31, day=d, marks={key: (False, "")})
    assert not DropoutCase.objects.exists()  # four school days
    oc(A.absences_record, actor=world.banzhuren, school_class=world.c31, day=day(1, 2), marks={key: (True, "病假")})
    assert not DropoutCase.objects.exists()  # an excused day neither counts nor ends the streak
    pupils = oc(A.absences_record, actor=world.banzhuren, school_class=world.c31, day=day(1, 3), marks={key: (False, "")})
    assert {p.name: p.streak for p in pupils}["张三"] == 5
    case = DropoutCase.objects.get()
    assert (case.trigger, case.child, case.streak, case.pupil_key, case.school_class) == ("absence", kids["_zhang"], 5, key, world.c31)
    assert A.open_due_cases(today=day(1, 4))["absence"] == 0  # idempotent


def test_the_county_threshold(world, kids, oc):
    DropoutSetting.objects.create(streak_days=3)
    for d in (day(1, 0), day(1, 1), day(1, 2)):
        oc(A.absences_record, actor=world.xiaozhang, school_class=world.c31, day=d, marks={kids["李四"].key: (False, "")})
    case = DropoutCase.objects.get()
    assert (case.name, case.child, case.streak, case.village_code) == ("李四", None, 3, world.jinxing.region_code.ljust(12, "0"))


def test_the_nightly_reads_streaks_through_yesterday_in_bulk(world, kids):
    key = kids["李四"].key
    Absence.objects.bulk_create([Absence(school=world.jinxing, school_class=world.c31, pupil_key=key, name="李四", day=d)
                                 for d in (day(1, 0), day(1, 1), day(1, 2), day(1, 3), day(1, 4))])
    assert A.open_due_cases(today=day(1, 4))["absence"] == 0  # Friday's not yet in: four through Thursday
    assert A.open_due_cases(today=day(2, 0))["absence"] == 1  # Monday's night run: through Sunday → Friday
    assert A.open_due_cases(today=day(2, 0))["absence"] == 0
    case = DropoutCase.objects.get(trigger="absence")
    assert (case.name, case.streak) == ("李四", 5)
    S.dropout_act(actor=world.xiaozhang, case=case, action="resolve", outcome="not_dropout", on=day(2, 0))
    assert A.open_due_cases(today=day(2, 0))["absence"] == 0  # closed after the streak began: answered


def test_roster_and_unrostered_triggers(world, roster, kids, django_capture_on_commit_callbacks):
    entry(world, roster, "赵六", status="辍学")
    entry(world, roster, "钱七", status="休学")
    entry(world, roster, "孙八", status="转出")
    with django_capture_on_commit_callbacks(execute=True):
        toddler = make_child(world.zhuren, world.guangrong, name="小宝", birth_date=years_ago(4), school=world.jinxing)
        elsewhere = make_child(world.zhuren, world.guangrong, name="外校生", birth_date=years_ago(10), school=world.zhuhe_school)
    counts = A.open_due_cases(today=TODAY)
    assert counts == {"absence": 0, "roster": 2, "unrostered": 1, "visit": 0}
    assert set(DropoutCase.objects.filter(trigger="roster").values_list("name", flat=True)) == {"赵六", "钱七"}
    unrostered = DropoutCase.objects.get(trigger="unrostered")
    assert unrostered.child == kids["_wang"]  # 王五: registered at 金星小学, on no roster
    assert not DropoutCase.objects.filter(child__in=[toddler, elsewhere]).exists()  # too young; a school with no roster
    assert A.open_due_cases(today=TODAY) == {"absence": 0, "roster": 0, "unrostered": 0, "visit": 0}


def test_a_visit_noting_dropout_signs_opens_a_case(world, kids, oc):
    zhang = kids["_zhang"]
    visit = _visit(world, zhang, oc)
    case = DropoutCase.objects.get(child=zhang)
    assert case.trigger == "visit" and f"{visit.date:%m-%d}" in case.steps.get().note
    assert A.open_due_cases(today=TODAY)["visit"] == 0


def test_the_nightly_finds_the_visits(world, kids, oc):
    from shouhu.registry.signals import facts_changed

    receivers = facts_changed.receivers[:]
    facts_changed.disconnect(dispatch_uid="schooling.facts_changed")
    try:
        _visit(world, kids["_zhang"], oc)
    finally:
        facts_changed.receivers[:] = receivers
    assert not DropoutCase.objects.exists()
    assert A.open_due_cases(today=TODAY)["visit"] == 1
    assert A.open_due_cases(today=TODAY + timedelta(days=31))["visit"] == 0


def _visit(world, child, oc):
    from shouhu.care.visits.services import visit_record
    from shouhu.rules import care as R

    return oc(visit_record, actor=world.zhuren, child=child, date=TODAY - timedelta(days=2), mode=R.HOME_VISIT, concerns=["辍学迹象"])


def test_children_merged_or_gone_are_skipped(world, kids):
    Child.objects.filter(pk=kids["_wang"].pk).update(status=Child.Status.EXITED)
    assert A.open_due_cases(today=TODAY)["unrostered"] == 0
