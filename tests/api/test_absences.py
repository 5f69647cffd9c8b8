"""/api/v1/absences/: a class's day read and written by its head teacher and the school's staff,
through the same service as the page; another school's user, and anyone else, gets 404."""
from datetime import timedelta

import pytest
from django.utils import timezone

from shouhu.schooling.absences import class_pupils
from shouhu.schooling.models import Absence, Roster, RosterEntry
from tests.api_util import api
from tests.factories import years_ago

TODAY = timezone.localdate()
MONDAY = TODAY - timedelta(days=TODAY.weekday() + 7)


@pytest.fixture
def keys(world):
    roster = Roster.objects.create(school=world.jinxing, file_name="名册.xlsx")
    for i, name in enumerate(("周一", "吴二")):
        RosterEntry.objects.create(roster=roster, school=world.jinxing, school_class=world.c31, row_no=i + 2, name=name, birth_date=years_ago(9, days=i))
    return {p.name: p.key for p in class_pupils(world.banzhuren, world.c31)}


def test_read_and_write_a_class_day(world, keys):
    c = api(world.banzhuren)
    body = {"school_class": world.c31.pk, "day": f"{MONDAY:%Y-%m-%d}", "marks": [{"pupil_key": keys["吴二"], "mark": "旷课", "reason": "未请假"}]}
    r = c.post("/api/v1/absences/", body, format="json")
    assert r.status_code == 201, r.content
    got = {p["name"]: (p["mark"], p["streak"]) for p in r.json()["pupils"]}
    assert got == {"周一": ("在校", 0), "吴二": ("旷课", 1)}
    r = api(world.xiaozhang).get(f"/api/v1/absences/?school_class={world.c31.pk}&day={MONDAY:%Y-%m-%d}")
    assert r.status_code == 200 and r.json()["school_day"] and r.json()["threshold"] == 5
    assert {p["name"]: p["mark"] for p in r.json()["pupils"]}["吴二"] == "旷课"
    r = c.post("/api/v1/absences/", {**body, "day": f"{MONDAY + timedelta(days=5):%Y-%m-%d}"}, format="json")
    assert r.status_code == 400 and r.json()["field"] == "day"
    r = c.post("/api/v1/absences/", {**body, "marks": [{"pupil_key": keys["吴二"], "mark": "迟到"}]}, format="json")
    assert r.status_code == 400
    assert c.get("/api/v1/absences/").status_code == 400  # the class is required


def test_only_the_writable_fields():
    from shouhu.api.absences import ClassDaySerializer

    assert list(ClassDaySerializer().fields) == ["school_class", "day", "marks"]


@pytest.mark.parametrize("who", ["xiaozhang_zhuhe", "banzhuren_c32", "zhuren", "dudao", "edu", "volunteer", "partner"])
def test_another_school_s_user_gets_404(world, keys, who):
    c = api(getattr(world, who))
    assert c.get(f"/api/v1/absences/?school_class={world.c31.pk}&day={MONDAY:%Y-%m-%d}").status_code == 404
    body = {"school_class": world.c31.pk, "day": f"{MONDAY:%Y-%m-%d}", "marks": [{"pupil_key": keys["吴二"], "mark": "旷课"}]}
    assert c.post("/api/v1/absences/", body, format="json").status_code == 404
    assert not Absence.objects.exists()
