"""The county's protection time limits page: the county admin and the county's protection staff
change the alert deadlines and the case timers; everyone else gets the 404 of a missing page;
errors beside the field; the change is in the access log with old → new values and applies to a
new case's due time, to new alerts' deadlines and to the clocks already running."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.core.errors import Forbidden, ServiceError
from shouhu.protection import cases as K
from shouhu.protection import services
from shouhu.protection import time_limits as T
from shouhu.protection.models import Alert, AlertSetting
from shouhu.rules import alerts as A
from shouhu.rules import cases as C

URL = "/protection/settings/"
DEFAULTS = {"red_ack_hours": 2, "red_act_hours": 24, "orange_act_days": 3, "yellow_act_days": 7, "respond_hours": 2, "place_hours": 24,
            "assess_days": 7, "review_days": 30, "revisit_days": 30}


def test_defaults_are_the_procedure_s(db):
    assert AlertSetting.case_settings() == C.CaseSettings()
    assert AlertSetting.current() == A.AlertSettings()
    assert {f: getattr(AlertSetting(), f) for f in T.LIMITS} == DEFAULTS
    assert str(AlertSetting._meta.verbose_name) == "保护工作时限设置"


@pytest.mark.parametrize("who", ["admin", "baohu"])
def test_the_county_changes_the_limits_and_the_log_says_old_to_new(client, world, baohu, who):
    user = baohu if who == "baohu" else world.admin
    client.force_login(user)
    page = client.get(URL).content.decode()
    assert "保护工作时限设置" in page and 'value="24"' in page and "保存时限" in page
    r = client.post(URL, {**DEFAULTS, "respond_hours": 4, "orange_act_days": 5}, follow=True)
    assert "已保存" in r.content.decode()
    assert AlertSetting.case_settings().respond == timedelta(hours=4)
    assert AlertSetting.current().orange_act == timedelta(days=5)
    log = AccessLog.objects.get(action="settings", user=user)
    assert "橙色预警处置 3→5天" in log.detail and "个案确认儿童安全 2→4小时" in log.detail and log.scope == "保护工作时限设置"
    assert "橙色预警处置 3→5天" in r.content.decode()  # the page lists the recent changes
    client.post(URL, {**DEFAULTS, "respond_hours": 4, "orange_act_days": 5})  # nothing changed: nothing logged
    assert AccessLog.objects.filter(action="settings").count() == 1
    assert AlertSetting.objects.count() == 1


@pytest.mark.parametrize("who", ["zhuren", "zhuren_lianfu", "dudao", "xiaozhang", "banzhuren", "inspector", "volunteer", "partner", "edu"])
def test_others_get_404(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(URL).status_code == 404
    assert client.post(URL, {**DEFAULTS, "respond_hours": 9}).status_code == 404
    assert AlertSetting.objects.count() == 0
    with pytest.raises(Forbidden):
        T.time_limits_save(actor=getattr(world, who), values={"respond_hours": 9})


def test_the_alert_list_links_to_the_page_only_for_those_who_may_change_it(client, world):
    client.force_login(world.admin)
    assert 'id="limits-link"' in client.get(reverse("protection:alerts")).content.decode()
    client.force_login(world.zhuren)
    assert 'id="limits-link"' not in client.get(reverse("protection:alerts")).content.decode()


@pytest.mark.parametrize("over, field, message", [
    ({"red_ack_hours": 0}, "red_ack_hours", "时限至少为1小时"),
    ({"assess_days": -3}, "assess_days", "时限至少为1天"),
    ({"review_days": ""}, "review_days", "请填写时限"),
    ({"revisit_days": "三十"}, "revisit_days", "请填写整数"),
    ({"review_days": 366}, "review_days", "时限不能超过365天"),
    ({"red_ack_hours": 30, "red_act_hours": 24}, "red_ack_hours", "红色预警的签收时限不能长于处置时限"),
    ({"respond_hours": 30}, "respond_hours", "确认儿童安全的时限不能长于安置时限"),
    ({"place_hours": 200}, "place_hours", "安置时限不能长于评估时限"),
])
def test_errors_beside_the_field_nothing_saved(client, world, over, field, message):
    client.force_login(world.admin)
    page = client.post(URL, {**DEFAULTS, **over}).content.decode()
    at = page.index(f'id="wrap-{field}"')
    assert message in page[at:at + 1500], page[at:at + 1500]
    assert AlertSetting.objects.count() == 0 and not AccessLog.objects.filter(action="settings").exists()


def test_the_service_refuses_what_the_form_would(world):
    with pytest.raises(ServiceError) as e:
        T.time_limits_save(actor=world.admin, values={"red_ack_hours": 48})  # the stored red_act is 24
    assert (e.value.field, e.value.code) == ("red_ack_hours", T.LimitErrorCode.ORDER)
    with pytest.raises(ServiceError) as e:
        T.time_limits_save(actor=world.admin, values={"yellow_act_days": 0})
    assert (e.value.field, e.value.code) == ("yellow_act_days", T.LimitErrorCode.OUT_OF_RANGE)


def test_a_new_case_runs_on_the_new_timer(world, alone):
    T.time_limits_save(actor=world.admin, values={"respond_hours": 6, "place_hours": 48})
    case = K.case_open(actor=world.dudao, child=alone)
    assert (case.due_kind, case.due_at) == ("respond", case.opened_at + timedelta(hours=6))
    case = K.case_act(actor=world.dudao, case=case, action="respond")
    assert (case.due_kind, case.due_at) == ("place", case.opened_at + timedelta(hours=48))


def test_a_running_case_and_active_alerts_follow_the_change(world, alone):
    case = K.case_open(actor=world.dudao, child=alone)
    orange = Alert.objects.get(child=alone, code="no_agreement")
    assert orange.next_check_at == orange.opened_at + timedelta(days=3)
    T.time_limits_save(actor=world.admin, values={"respond_hours": 1, "orange_act_days": 10})
    case.refresh_from_db()
    orange.refresh_from_db()
    assert case.due_at == case.opened_at + timedelta(hours=1)
    assert orange.next_check_at == orange.opened_at + timedelta(days=10)


def test_new_alert_deadlines_and_escalation_use_the_new_limits(world, alone):
    T.time_limits_save(actor=world.admin, values={"red_ack_hours": 1, "red_act_hours": 12})
    Alert.objects.filter(child=alone).delete()  # the alerts open again, under the new limits
    services.evaluate_children([alone.pk], now=timezone.now())
    red = Alert.objects.get(child=alone, code="unguarded", holds=True)
    assert red.next_check_at == red.opened_at + timedelta(hours=1)
    services.escalate_due(now=red.opened_at + timedelta(hours=1, minutes=1))
    red.refresh_from_db()
    assert (red.stage, red.owner_role, red.next_check_at) == (1, "township_supervisor", red.opened_at + timedelta(hours=12))


def test_a_shorter_limit_already_passed_escalates_on_the_next_run(world, alone):
    orange = Alert.objects.get(child=alone, code="no_agreement")
    later = orange.opened_at + timedelta(days=2)
    T.time_limits_save(actor=world.admin, values={"orange_act_days": 1}, now=later)
    orange.refresh_from_db()
    assert orange.next_check_at == later and orange.stage == 0
    assert services.escalate_due(now=later + timedelta(minutes=5)) >= 1
    orange.refresh_from_db()
    assert (orange.stage, orange.owner_role) == (2, "protection")  # both steps of one day have passed by day two
