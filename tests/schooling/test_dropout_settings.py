"""The county's 控辍保学 settings and school calendar page: county education and the county admin
change the streak, the time limits, holidays, make-up days and breaks; everyone else gets the 404
of a missing page; errors beside the field; each change in the access log with old → new; the
running cases' deadlines follow."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.core.errors import Forbidden
from shouhu.schooling import calendar_settings as T
from shouhu.schooling import dropout as S
from shouhu.schooling.models import CalendarDay, DropoutSetting, SchoolBreak

URL = "/schooling/dropout/settings/"
DEFAULTS = {"streak_days": 5, "attempts_days": 7, "report_working_days": 1, "township_working_days": 3}


@pytest.mark.parametrize("who", ["admin", "edu"])
def test_the_county_changes_the_settings_and_the_log_says_old_to_new(client, world, who):
    user = getattr(world, who)
    client.force_login(user)
    page = client.get(URL).content.decode()
    assert "控辍保学设置" in page and 'value="5"' in page
    r = client.post(URL + "?form=limits", {**DEFAULTS, "streak_days": 3, "attempts_days": 10}, follow=True)
    assert "已保存" in r.content.decode()
    assert S.dropout_settings().streak_days == 3 and S.dropout_settings().attempts_days == 10
    log = AccessLog.objects.get(action="settings", user=user)
    assert "连续旷课视为疑似辍学 5→3个上学日" in log.detail and "学校劝返时限 7→10天" in log.detail and log.scope == "控辍保学设置"
    client.post(URL + "?form=limits", {**DEFAULTS, "streak_days": 3, "attempts_days": 10})  # nothing changed: nothing logged
    assert AccessLog.objects.filter(action="settings").count() == 1 and DropoutSetting.objects.count() == 1


def test_calendar_rows_added_and_removed(client, world):
    client.force_login(world.edu)
    r = client.post(URL + "?form=day", {"d-day": "2026-10-01", "d-kind": "holiday", "d-name": "国庆节"}, follow=True)
    assert "已加入校历" in r.content.decode()
    client.post(URL + "?form=day", {"d-day": "2026-10-10", "d-kind": "makeup", "d-name": "调休"})
    client.post(URL + "?form=break", {"b-name": "寒假", "b-start": "2027-01-20", "b-end": "2027-02-20"})
    cal = S.dropout_settings().calendar
    assert not cal.is_school_day(date(2026, 10, 1)) and cal.is_school_day(date(2026, 10, 10)) and not cal.is_school_day(date(2027, 2, 1))
    day = CalendarDay.objects.get(day=date(2026, 10, 1))
    client.post(URL + "?form=remove-day", {"pk": day.pk})
    client.post(URL + "?form=remove-break", {"pk": SchoolBreak.objects.get().pk})
    details = list(AccessLog.objects.filter(scope="控辍保学设置").order_by("id").values_list("detail", flat=True))
    assert details == ["校历 2026-10-01 国庆节：无→法定节假日", "校历 2026-10-10 调休：无→调休上班（上课）", "假期 寒假：无→2027-01-20至2027-02-20",
                       "校历 2026-10-01 国庆节：法定节假日→无", "假期 寒假：2027-01-20至2027-02-20→无"]
    page = client.get(URL).content.decode()
    assert "假期 寒假：2027-01-20至2027-02-20→无" in page


@pytest.mark.parametrize("form, data, field, message", [
    ("limits", {**DEFAULTS, "streak_days": 0}, "streak_days", "至少为1个上学日"),
    ("limits", {**DEFAULTS, "report_working_days": 11}, "report_working_days", "不能超过10个工作日"),
    ("limits", {**DEFAULTS, "attempts_days": "七"}, "attempts_days", "请填写整数"),
    ("day", {"d-day": "", "d-kind": "holiday"}, "day", "请选择日期"),
    ("break", {"b-name": "暑假", "b-start": "2027-08-31", "b-end": "2027-07-01"}, "end", "结束日期不能早于开始日期"),
])
def test_errors_beside_the_field(client, world, form, data, field, message):
    client.force_login(world.admin)
    r = client.post(URL + f"?form={form}", data)
    page = r.content.decode()
    assert r.status_code == 400
    at = page.index(f'id="wrap-{field}"')
    assert message in page[at:at + 1500]
    assert not AccessLog.objects.filter(action="settings").exists()


def test_a_day_twice_and_overlapping_breaks(world):
    T.calendar_day_add(actor=world.edu, day=date(2026, 5, 1), kind="holiday")
    with pytest.raises(Exception) as e:
        T.calendar_day_add(actor=world.edu, day=date(2026, 5, 1), kind="makeup")
    assert e.value.field == "day"
    T.break_add(actor=world.edu, name="暑假", start=date(2026, 7, 1), end=date(2026, 8, 31))
    with pytest.raises(Exception) as e:
        T.break_add(actor=world.edu, name="夏令营", start=date(2026, 8, 1), end=date(2026, 9, 5))
    assert e.value.field == "start" and "暑假" in e.value.message


@pytest.mark.parametrize("who", ["zhuren", "dudao", "xiaozhang", "banzhuren", "inspector", "volunteer", "partner", "counsellor"])
def test_others_get_404(client, world, who):
    from tests.factories import make_user

    user = make_user("xinli", "counsellor", school=world.jinxing) if who == "counsellor" else getattr(world, who)
    client.force_login(user)
    assert client.get(URL).status_code == 404
    assert client.post(URL + "?form=limits", {**DEFAULTS, "streak_days": 2}).status_code == 404
    with pytest.raises(Forbidden):
        T.dropout_limits_save(actor=user, values={"streak_days": 2})
    assert not DropoutSetting.objects.exists()


def test_the_list_links_to_the_page_only_for_those_who_may_change_it(client, world):
    client.force_login(world.edu)
    assert 'id="settings-link"' in client.get("/schooling/dropout/").content.decode()
    client.force_login(world.xiaozhang)
    assert 'id="settings-link"' not in client.get("/schooling/dropout/").content.decode()


def test_running_cases_follow_a_new_limit(world):
    today = timezone.localdate()
    case = S.dropout_open(trigger="manual", school=world.jinxing, name="某生", key="k1", on=today - timedelta(days=1))
    assert case.due_on == today - timedelta(days=1) + timedelta(days=7)
    T.dropout_limits_save(actor=world.admin, values={"attempts_days": 3})
    case.refresh_from_db()
    assert case.due_on == today - timedelta(days=1) + timedelta(days=3)
