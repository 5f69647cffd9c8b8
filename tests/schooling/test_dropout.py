"""控辍保学 cases: opened for a pupil (registered or not), moved through the steps with what each
needs — two failed attempts before the written report, the 七长 at the township's start, a
placement at the return, the follow-up before closing — the clock told once, and seen only by the
school, the township, the village of a registered pupil and county education."""
from datetime import timedelta

import pytest
from django.utils import timezone

from shouhu.core.errors import Conflict, NotFound, ServiceError
from shouhu.notify.models import Notification
from shouhu.schooling import dropout as S
from shouhu.schooling.models import DropoutStep
from tests.factories import make_child, years_ago

HEADS = {"county": "王县长", "bureau": "李局长", "township": "张镇长", "principal": "赵校长", "village": "刘村长", "teacher": "陈老师",
         "parent": "孙某（父）"}


@pytest.fixture
def pupil(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_child(world.zhuren, world.guangrong, birth_date=years_ago(10), school=world.jinxing, school_class=world.c31)


@pytest.fixture
def case(world, pupil):
    return S.dropout_open(trigger="absence", school=world.jinxing, school_class=world.c31, child=pupil, streak=5,
                          on=timezone.localdate() - timedelta(days=3))


def test_the_whole_way(world, pupil, case):
    today = timezone.localdate()
    assert (case.state, case.due_kind, case.due_on) == ("school", "attempts", case.opened_on + timedelta(days=7))
    with pytest.raises(Conflict):
        S.dropout_open(trigger="visit", school=None, child=pupil)  # one open case per pupil
    with pytest.raises(ServiceError) as e:
        S.dropout_act(actor=world.banzhuren, case=case, action="attempt", note="家访未见到学生")
    assert e.value.field == "mode"
    S.dropout_act(actor=world.banzhuren, case=case, action="attempt", mode="上门", note="家访，祖母说孩子不想上学", on=today - timedelta(days=2))
    with pytest.raises(ServiceError) as e:
        S.dropout_act(actor=world.xiaozhang, case=case, action="report", note="报告")
    assert "至少2次（已1次）" in e.value.message
    case = S.dropout_act(actor=world.xiaozhang, case=case, action="attempt", mode="电话", note="父亲在广东，答应劝说", on=today - timedelta(days=1))
    assert case.due_kind == "report"  # within one working day of the second failed attempt
    case = S.dropout_act(actor=world.xiaozhang, case=case, action="report", note="已两次劝返未果")
    assert case.state == "reported" and case.due_kind == "start"
    told = set(Notification.objects.filter(title__contains="请乡镇启动").values_list("user__username", flat=True))
    assert {"dudao", "jiaoyu"} <= told and "xiaozhang" not in told
    with pytest.raises(ServiceError) as e:
        S.dropout_act(actor=world.dudao, case=case, action="start", heads={"county": "王县长"}, note="启动")
    assert e.value.field == "heads" and "家长" in e.value.message
    case = S.dropout_act(actor=world.dudao, case=case, action="start", heads=HEADS, note="镇政府启动劝返复学")
    assert case.state == "township" and case.heads["parent"] == "孙某（父）"
    with pytest.raises(ServiceError) as e:
        S.dropout_act(actor=world.dudao, case=case, action="legal", legal_step="order", note="书面通知", legal_due=today)
    assert e.value.field == "legal_due"
    case = S.dropout_act(actor=world.dudao, case=case, action="legal", legal_step="order", note="送达书面通知", legal_due=today + timedelta(days=15))
    assert (case.state, case.due_kind, case.due_on) == ("legal", "legal", today + timedelta(days=15))
    case = S.dropout_act(actor=world.dudao, case=case, action="return", placement="随班就读", note="父亲返乡送孩子到校")
    assert case.state == "returned" and case.due_kind == "follow" and case.due_on == today + timedelta(weeks=1)
    with pytest.raises(ServiceError):
        S.dropout_act(actor=world.banzhuren, case=case, action="close")  # the follow-up is not done
    n = len([x for x in range(40)])  # at most this many follow-ups in a term
    for _ in range(n):
        case.refresh_from_db()
        if case.due_kind != "follow":
            break
        S.dropout_act(actor=world.banzhuren, case=case, action="follow", note="在校，表现正常")
    case = S.dropout_act(actor=world.banzhuren, case=case, action="close")
    assert case.state == "closed"
    case = S.dropout_act(actor=world.banzhuren, case=case, action="relapse", note="又一周未到校")
    assert (case.state, case.failed_attempts, case.placement) == ("school", 0, "")


def test_the_clock_is_told_once(world, case):
    late = case.due_on + timedelta(days=1)
    assert S.escalate_dropouts(today=late) == 1
    assert S.escalate_dropouts(today=late) == 0
    assert DropoutStep.objects.filter(case=case, action="overdue").count() == 1
    told = set(Notification.objects.filter(kind="escalation").values_list("user__username", flat=True))
    assert {"xiaozhang", "banzhuren", "dudao"} <= told and "dudao2" not in told and "jiaoyu" not in told  # the school's step


def test_a_pupil_not_on_the_register(world):
    case = S.dropout_open(trigger="roster", school=world.jinxing, school_class=world.c32, key=S.pupil_key(school_id=world.jinxing.pk,
                          name="钱小明", birth_date=years_ago(12)), name="钱小明", class_label="三年级2班")
    assert (case.village_code, case.township_code) == (world.maoshi.code + "000", world.maoshi.code)  # placed at the school's township
    assert case.pk in set(S.dropout_cases_visible_to(world.dudao).values_list("pk", flat=True))
    assert case.pk in set(S.dropout_cases_visible_to(world.banzhuren_c32).values_list("pk", flat=True))
    assert case.pk not in set(S.dropout_cases_visible_to(world.zhuren).values_list("pk", flat=True))  # not in a village


@pytest.mark.parametrize("who, sees", [
    ("xiaozhang", True), ("banzhuren", True), ("dudao", True), ("zhuren", True), ("edu", True),
    ("xiaozhang_zhuhe", False), ("banzhuren_c32", False), ("dudao_zhuhe", False), ("zhuren_lianfu", False), ("volunteer", False),
    ("partner", False), ("inspector", False), ("admin", False),
])
def test_who_sees_a_case(world, case, who, sees):
    user = getattr(world, who)
    assert S.dropout_cases_visible_to(user).filter(pk=case.pk).exists() == sees
    if not sees:
        with pytest.raises(NotFound):
            S.dropout_act(actor=user, case=case, action="attempt", mode="上门", note="x")


def test_pupil_key_never_holds_the_number(world, pupil):
    key = S.pupil_key(id_number=pupil.id_number)
    assert key and pupil.id_number not in key and key == pupil.id_number_index


def test_a_missing_pupil_raises_a_red_alert_for_the_township(world, case, django_capture_on_commit_callbacks):
    from shouhu.protection.models import Alert

    with pytest.raises(ServiceError):
        S.dropout_missing(actor=world.banzhuren, case=case, note="")
    with django_capture_on_commit_callbacks(execute=True):
        S.dropout_missing(actor=world.banzhuren, case=case, note="家中无人，邻居称全家外出；已电话报告毛市派出所")
    alert = Alert.objects.get(child=case.child, code="pupil_missing")
    assert (alert.level, alert.owner_role) == ("red", "township_supervisor")
    assert Notification.objects.filter(user=world.dudao, title__contains="下落不明").exists()
