import pytest

from shouhu.staffing import services as S


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def appoint(world, name, kind, *, region=None, school=None, user=None, start_on=None, **values):
    return S.person_appoint(actor=world.admin, values={"name": name, **values}, kind=kind, region=region, school=school, user=user,
                            start_on=start_on or world.today)


@pytest.fixture
def staffed(world):
    """Every required post of the small county filled except 红星村's 儿童主任 and 朱河小学's 心理辅导教师."""
    rows = {
        "guangrong": appoint(world, "张桂英", "village_director", region=world.guangrong, phone="13800001111", other_posts="村妇联主席"),
        "lianfu": appoint(world, "李春花", "village_director", region=world.lianfu),
        "maoshi": appoint(world, "王建国", "township_supervisor", region=world.maoshi),
        "zhuhe": appoint(world, "赵红梅", "township_supervisor", region=world.zhuhe),
        "jinxing": appoint(world, "陈老师", "counsellor", school=world.jinxing),
    }
    S.vacancies_refresh(today=world.today)
    return rows
