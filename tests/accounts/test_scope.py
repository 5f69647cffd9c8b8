"""Who sees which child: the two lines, helpers, and out of scope == not found."""
from datetime import timedelta

import pytest
from django.utils import timezone

from shouhu.care.models import Helper, Pairing
from shouhu.regions.selectors import classes_visible_to, regions_visible_to, schools_visible_to
from shouhu.registry.selectors import children_visible_to
from tests.factories import make_child


@pytest.fixture
def kids(world):
    w = world
    return {
        # lives in 光荣村 (毛市镇), studies in 金星小学 3(1)
        "a": make_child(w.admin, w.guangrong, name="陆金兰", school=w.jinxing, school_class=w.c31),
        # lives in 莲福村 (毛市镇), studies in 金星小学 3(2)
        "b": make_child(w.admin, w.lianfu, name="陈小明", sex="男", school=w.jinxing, school_class=w.c32),
        # lives in 红星村 (朱河镇) but studies in 金星小学 3(1): reached by the education line only
        "c": make_child(w.admin, w.hongxing, name="张可馨", school=w.jinxing, school_class=w.c31),
        # lives in 红星村, studies in 朱河小学
        "d": make_child(w.admin, w.hongxing, name="王浩", sex="男", school=w.zhuhe_school, school_class=w.z41),
    }


EXPECTED = {
    "admin": "abcd",
    "edu": "abcd",
    "partner": "",
    "dudao": "ab",
    "dudao_zhuhe": "cd",
    "zhuren": "a",
    "zhuren_lianfu": "b",
    "zhuren_hongxing": "cd",
    "xiaozhang": "abc",
    "xiaozhang_zhuhe": "d",
    "banzhuren": "ac",
    "banzhuren_c32": "b",
    "inspector": "ab",
    "volunteer": "",
}


@pytest.mark.parametrize("who,expected", EXPECTED.items())
def test_children_visible_to_each_role(world, kids, who, expected):
    names = {v.pk: k for k, v in kids.items()}
    seen = "".join(sorted(names[pk] for pk in children_visible_to(getattr(world, who)).values_list("pk", flat=True)))
    assert seen == expected


def test_helper_sees_only_active_pairings(world, kids):
    helper = Helper.objects.create(name="李爱心", user=world.volunteer)
    today = timezone.localdate()
    Pairing.objects.create(helper=helper, child=kids["a"], start=today - timedelta(days=10))
    Pairing.objects.create(helper=helper, child=kids["d"], start=today - timedelta(days=100), end=today - timedelta(days=1))
    Pairing.objects.create(helper=helper, child=kids["b"], start=today + timedelta(days=5))  # not started yet
    assert list(children_visible_to(world.volunteer)) == [kids["a"]]


def test_two_assignments_union(world, kids):
    from shouhu.accounts.models import Assignment

    Assignment.objects.create(user=world.zhuren, role="head_teacher", school_class=world.z41)
    world.zhuren.refresh_from_db()
    seen = set(children_visible_to(world.zhuren).values_list("name", flat=True))
    assert seen == {"陆金兰", "王浩"}


def test_schools_classes_regions_follow_scope(world):
    assert set(schools_visible_to(world.dudao).values_list("name", flat=True)) == {"金星小学"}
    assert set(schools_visible_to(world.admin).values_list("name", flat=True)) == {"金星小学", "朱河小学"}
    assert set(classes_visible_to(world.banzhuren)) == {world.c31}
    assert set(classes_visible_to(world.xiaozhang)) == {world.c31, world.c32}
    assert set(classes_visible_to(world.dudao_zhuhe)) == {world.z41}
    codes = set(regions_visible_to(world.dudao).values_list("code", flat=True))
    assert codes == {"421088109", "421088109200", "421088109202"}
    assert set(regions_visible_to(world.zhuren).values_list("code", flat=True)) == {"421088109200"}
