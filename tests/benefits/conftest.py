import pytest

from tests.factories import make_child, months_ago


def _dead(**kw):
    return {"father_situation": "死亡", "father_work_province": "", "father_work_city": "", "father_since": None, "father_phone": "",
            "mother_situation": "死亡", "mother_work_province": "", "mother_work_city": "", "mother_since": None, "mother_phone": "", **kw}


@pytest.fixture
def kids(world, django_capture_on_commit_callbacks):
    """光荣村: an orphan and a poor household's child; 红星村 (朱河镇): a 事实无人抚养 child (father in prison two
    years, mother dead); 莲福村: a left-behind child nobody owes a benefit."""
    with django_capture_on_commit_callbacks(execute=True):
        orphan = make_child(world.zhuren, world.guangrong, name="孤小明", **_dead())
        poor = make_child(world.zhuren, world.guangrong, name="贫小红", poor_household=True)
        de_facto = make_child(world.zhuren_hongxing, world.hongxing, name="实小刚",
                              **_dead(father_situation="服刑在押", father_since=months_ago(24)))
        plain = make_child(world.zhuren_lianfu, world.lianfu, name="留小军")
    assert orphan.is_orphan and de_facto.is_de_facto and poor.is_difficulty and not plain.is_difficulty
    return {"orphan": orphan, "poor": poor, "de_facto": de_facto, "plain": plain}
