import pytest

from shouhu.places import services as S
from shouhu.places.models import PlaceSetting
from shouhu.regions.models import Place
from shouhu.rules import places as P
from tests.factories import make_child

TICKED = dict.fromkeys(P.DEFAULT_CHECKLIST, True)


def running(actor, admin, **fields) -> Place:
    """A place registered by `actor`, declared with every item ticked and accepted by the county."""
    place = S.place_save(actor=actor, place=Place(checklist=TICKED, **fields))
    S.place_act(actor=actor, place=place, action="declare")
    return S.place_act(actor=admin, place=place, action="accept")


@pytest.fixture
def places(world):
    """光荣村's 儿童之家 (running), 毛市镇's 服务站 (running), 金星小学's 心理咨询室 (draft), 朱河镇's 服务站
    (running, another township); two children of 光荣村 and one of 莲福村."""
    w = world
    PlaceSetting.objects.create(checklist=list(P.DEFAULT_CHECKLIST))
    w.home = running(w.zhuren, w.admin, kind="children_home", name="光荣村儿童之家", region=w.guangrong, manager_name="李红",
                     hours="周六 14:00—17:00")
    w.station = running(w.dudao, w.admin, kind="station", name="毛市镇留守儿童服务站", region=w.maoshi)
    w.room = S.place_save(actor=w.xiaozhang, place=Place(kind="counselling_room", name="金星小学心理咨询室", region=w.maoshi, school=w.jinxing))
    w.zhuhe_station = running(w.dudao_zhuhe, w.admin, kind="station", name="朱河镇留守儿童服务站", region=w.zhuhe)
    w.lan = make_child(w.zhuren, w.guangrong, name="陆金兰", school=w.jinxing, school_class=w.c31)
    w.ming = make_child(w.zhuren, w.guangrong, name="陈小明", sex="男", agreement_date=w.today)
    w.fu = make_child(w.zhuren_lianfu, w.lianfu, name="王莲福")
    return w
