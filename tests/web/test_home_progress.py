"""The home page's progress of the units below: the county admin's row per township, a township
supervisor's row per village; each figure a link to the list behind it, all-zero columns hidden."""
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from shouhu.care.dues.models import VisitDue
from shouhu.protection.models import Alert
from shouhu.quality.models import DuplicatePair
from shouhu.supervision.models import Finding
from tests.factories import make_child


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _alert(child, level, status=Alert.Status.OPEN, code="unguarded"):
    return Alert.objects.create(child=child, code=code, key=f"t:{level}:{status}", level=level, facts="测试", status=status,
                                opened_at=timezone.now(), owner_role="village_director", village_code=child.village_code,
                                township_code=child.village_code[:9])


@pytest.fixture
def county(world, django_capture_on_commit_callbacks):
    """毛市镇: 2 findings waiting (one at 光荣村, one at the township), a red and a yellow alert
    unsigned and a red one signed, 3 overdue visits, one duplicate pair; 朱河镇: one finding."""
    with django_capture_on_commit_callbacks(execute=True):
        kids = [make_child(world.zhuren, world.guangrong, name=f"陆金{i}") for i in range(3)]
        other = make_child(world.zhuren_hongxing, world.hongxing, name="李小红")
    today = timezone.localdate()
    Alert.objects.filter(village_code__startswith="421088").delete()  # only the alerts set up below
    _alert(kids[0], "red")
    _alert(kids[1], "yellow")
    _alert(kids[2], "red", status=Alert.Status.ACKNOWLEDGED)
    VisitDue.objects.all().delete()
    for k in kids:
        VisitDue.objects.create(child=k, role="village_director", village_code=k.village_code, due=today - timedelta(days=3),
                                interval_days=30, reason="测试")
    VisitDue.objects.create(child=other, role="village_director", village_code=other.village_code, due=today + timedelta(days=9),
                            interval_days=30, reason="测试")
    DuplicatePair.objects.all().delete()
    DuplicatePair.objects.create(a=kids[0], b=kids[1], score=90, first_seen=timezone.now(), last_seen=timezone.now())
    for unit, state in ((world.guangrong, "open"), (world.maoshi, "returned"), (world.maoshi, "passed"), (world.hongxing, "open")):
        Finding.objects.create(unit=unit, unit_code=unit.code, problem="台账不全", state=state, found_on=today, due_on=today + timedelta(days=10))
    return kids


def _row(page: str, label: str) -> dict:
    """{column key: text} of the progress row labelled `label`."""
    m = re.search(rf"<tr><th scope=\"row\"[^>]*>{label}</th>(.*?)</tr>", page, re.S)
    assert m, label
    return {k: re.sub(r"<[^>]+>", "", v).strip() for k, v in re.findall(r'data-col="(\w+)">(.*?)</td>', m.group(1), re.S)}


def test_the_county_admin_sees_each_townships_progress_with_links(client, world, county):
    client.force_login(world.admin)
    page = client.get("/").content.decode()
    assert 'id="home-progress-421088"' in page
    maoshi, zhuhe = _row(page, "毛市镇"), _row(page, "朱河镇")
    assert maoshi["findings"] == "2" and zhuhe["findings"] == "1"  # open + returned; passed is done
    assert maoshi["red"] == "1" and maoshi["other"] == "1" and zhuhe["red"] == "—"  # the signed red alert is not counted
    assert maoshi["visits"] == "3" and zhuhe["visits"] == "—"
    assert maoshi["duplicates"] == "1"
    assert maoshi["report"] == "未上报" or maoshi["report"] == "逾期未报"
    assert f'href="/supervision/?state=open&amp;region={world.maoshi.code}"' in page
    assert f'href="/care/tasks/?kind=visit&amp;region={world.maoshi.code}"' in page
    assert f'href="/protection/alerts/?status=open&amp;level=red&amp;region={world.maoshi.code}"' in page
    # each link leads to a list that holds what the figure counts
    r = client.get(f"/care/tasks/?kind=visit&region={world.maoshi.code}")
    assert r.status_code == 200 and r.content.decode().count("陆金") == 3
    r = client.get(f"/supervision/?state=open&region={world.zhuhe.code}")
    assert r.status_code == 200 and "红星村" in r.content.decode() and "光荣村" not in r.content.decode()
    r = client.get(f"/protection/alerts/?status=open&level=red&region={world.maoshi.code}")
    assert r.status_code == 200 and "陆金0" in r.content.decode() and "陆金2" not in r.content.decode()
    assert client.get(f"/quality/duplicates/?status=open&region={world.maoshi.code}").status_code == 200


def test_a_township_supervisor_sees_their_villages_only(client, world, county):
    client.force_login(world.dudao)
    page = client.get("/").content.decode()
    assert 'id="home-progress-421088109"' in page and 'id="home-progress-421088"' not in page
    guangrong = _row(page, "光荣村")
    assert guangrong["findings"] == "1" and guangrong["visits"] == "3" and guangrong["red"] == "1"
    assert "红星村" not in page and "朱河镇" not in page
    assert 'data-col="report"' not in page  # 月报 is a township's, not a village's
    client.force_login(world.dudao_zhuhe)
    page = client.get("/").content.decode()
    assert "光荣村" not in page and "莲福村" not in page
    assert _row(page, "红星村")["findings"] == "1"


def test_all_zero_columns_are_hidden_and_villages_have_no_table(client, world):
    client.force_login(world.dudao)
    page = client.get("/").content.decode()
    assert 'id="home-progress-421088109"' in page and 'data-col="visits"' not in page and 'data-col="duplicates"' not in page
    for who in ("zhuren", "xiaozhang", "volunteer", "partner"):
        client.force_login(getattr(world, who))
        assert "home-progress" not in client.get("/").content.decode()
