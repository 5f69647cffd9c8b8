"""The absence page: a head teacher's class today by default, a school-staff user picks a class,
three toggles a pupil (在校 by default), one save; a day that is not a school day says so; the
streak and who is close to the threshold after saving; the case opens at the threshold."""
from datetime import timedelta

import pytest
from django.utils import timezone

from shouhu.schooling.models import Absence, DropoutCase, DropoutSetting, Roster, RosterEntry
from tests.factories import years_ago

URL = "/schooling/absences/"
TODAY = timezone.localdate()
MONDAY = TODAY - timedelta(days=TODAY.weekday() + 14)


@pytest.fixture
def pupils(world):
    roster = Roster.objects.create(school=world.jinxing, file_name="名册.xlsx")
    for i, name in enumerate(("周一", "吴二", "郑三")):
        RosterEntry.objects.create(roster=roster, school=world.jinxing, school_class=world.c31, row_no=i + 2, name=name, birth_date=years_ago(9, days=i))
    from shouhu.schooling.absences import class_pupils

    return {p.name: p.key for p in class_pupils(world.banzhuren, world.c31)}


def test_the_head_teacher_s_class_with_three_toggles(client, world, pupils):
    client.force_login(world.banzhuren)
    page = client.get(f"{URL}?day={MONDAY:%Y-%m-%d}").content.decode()
    assert "三年级1班" in page or "1班" in page
    for key in pupils.values():
        assert f'name="m-{key}" id' in page
    assert page.count('value="in" checked') == 3 and "旷课" in page and "请假" in page and "保存考勤" in page


def test_school_staff_pick_a_class(client, world, pupils):
    client.force_login(world.xiaozhang)
    page = client.get(URL).content.decode()
    assert "选择班级" in page and f"?class={world.c31.pk}" in page and f"?class={world.c32.pk}" in page
    assert f"?class={world.z41.pk}" not in page
    assert client.get(f"{URL}?class={world.z41.pk}").status_code == 404


def test_save_shows_streaks_and_opens_the_case(client, world, pupils, django_capture_on_commit_callbacks):
    DropoutSetting.objects.create(streak_days=3)
    client.force_login(world.banzhuren)
    key = pupils["吴二"]
    for i in range(3):
        d = MONDAY + timedelta(days=i)
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(f"{URL}?class={world.c31.pk}&day={d:%Y-%m-%d}", {f"m-{key}": "absent", f"r-{key}": "", f"m-{pupils['周一']}": "leave",
                                                                            f"r-{pupils['周一']}": "发烧"}, follow=True)
        assert r.status_code == 200
    page = r.content.decode()
    assert "已保存：旷课 1 人，请假 1 人" in page and "连续旷课3天" in page and 'id="near-threshold"' in page and "已达疑似辍学标准" in page
    assert DropoutCase.objects.get().name == "吴二"
    assert Absence.objects.filter(reason="发烧").count() == 3


def test_not_a_school_day_says_so(client, world, pupils):
    client.force_login(world.banzhuren)
    saturday = MONDAY + timedelta(days=5)
    page = client.get(f"{URL}?day={saturday:%Y-%m-%d}").content.decode()
    assert 'id="not-school-day"' in page and "不是上学日" in page and "保存考勤" not in page
    r = client.post(f"{URL}?class={world.c31.pk}&day={saturday:%Y-%m-%d}", {f"m-{pupils['吴二']}": "absent"})
    assert r.status_code == 400 and not Absence.objects.exists()
    assert client.get(f"{URL}?day=2026-13-40").status_code == 400


def test_a_reason_too_long_is_shown_beside_the_pupil(client, world, pupils):
    client.force_login(world.banzhuren)
    key = pupils["郑三"]
    r = client.post(f"{URL}?class={world.c31.pk}&day={MONDAY:%Y-%m-%d}", {f"m-{key}": "absent", f"r-{key}": "很" * 65})
    page = r.content.decode()
    assert r.status_code == 400 and "原因不超过64字" in page and not Absence.objects.exists()
    assert 'value="absent" checked' in page
