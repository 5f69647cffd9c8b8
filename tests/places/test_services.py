"""Places: keeping, declaring, accepting and closing a place; sessions; children ticked or read from a
pasted list; guardians at a 家长学校 lecture; carers due for training; coverage."""
from datetime import timedelta

import pytest

from shouhu.core.errors import NotFound, ServiceError
from shouhu.core.versions import Stale
from shouhu.places import selectors as Q
from shouhu.places import services as S
from shouhu.places.models import Attendance, GuardianAttendance
from shouhu.regions.models import Place
from shouhu.rules import places as P
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_place_is_declared_only_with_every_item_ticked(places):
    w = places
    p = S.place_save(actor=w.zhuren, place=Place(kind="home", name="光荣村留守儿童之家", region=w.guangrong,
                                                 checklist={P.DEFAULT_CHECKLIST[0]: True}))
    assert p.status == "draft" and p.code == "421088109200" and p.created_by == w.zhuren
    with pytest.raises(ServiceError) as e:
        S.place_act(actor=w.zhuren, place=p, action="declare")
    assert e.value.field == "checklist" and "一块标识牌" in e.value.message
    p.checklist = dict.fromkeys(P.DEFAULT_CHECKLIST, True)
    p = S.place_save(actor=w.zhuren, place=p, version=p.version)
    p = S.place_act(actor=w.zhuren, place=p, action="declare")
    assert p.status == "declared" and p.declared_on == w.today
    with pytest.raises(ServiceError):  # 验收 is the county's
        S.place_act(actor=w.zhuren, place=p, action="accept")
    with pytest.raises(ServiceError) as e:
        S.place_act(actor=w.admin, place=p, action="return")
    assert e.value.field == "note"
    p = S.place_act(actor=w.admin, place=p, action="accept")
    assert p.status == "running" and p.accepted_on == w.today
    p = S.place_act(actor=w.admin, place=p, action="close", note="村委会搬迁")
    assert p.status == "closed" and p.closed_on == w.today and p.note == "村委会搬迁"
    with pytest.raises(ServiceError):
        S.session_create(actor=w.zhuren, place=p, date=w.today)
    assert S.place_act(actor=w.admin, place=p, action="reopen").status == "running"


def test_hosts_and_reach(places):
    w = places
    with pytest.raises(ServiceError) as e:  # a 服务站 stands in a township
        S.place_save(actor=w.zhuren, place=Place(kind="station", name="站", region=w.guangrong))
    assert "乡镇" in e.value.message
    with pytest.raises(NotFound):  # another village
        S.place_save(actor=w.zhuren, place=Place(kind="home", name="家", region=w.lianfu))
    with pytest.raises(NotFound):  # another township's place is not there
        S.place_act(actor=w.dudao, place=w.zhuhe_station, action="close", note="x")
    assert set(Q.places_visible_to(w.dudao)) == {w.home, w.station, w.room}
    assert set(Q.places_visible_to(w.zhuren)) == {w.home}
    assert set(Q.places_visible_to(w.xiaozhang)) == {w.room}
    assert set(Q.places_visible_to(w.banzhuren)) == {w.room}
    assert set(Q.places_visible_to(w.zhuren_hongxing)) == set()


def test_a_stale_edit_is_refused(places):
    w = places
    a, b = Place.objects.get(pk=w.home.pk), Place.objects.get(pk=w.home.pk)
    a.hours = "周日"
    S.place_save(actor=w.zhuren, place=a, version=a.version)
    b.hours = "周六"
    with pytest.raises(Stale):
        S.place_save(actor=w.dudao, place=b, version=b.version)


def test_attendance_ticked_and_read_from_a_list(places):
    w = places
    s = S.session_create(actor=w.zhuren, place=w.home, date=w.today, topic="读书会")
    assert list(Q.attendance_children(w.zhuren, w.home)) == sorted([w.lan, w.ming], key=lambda c: c.name_pinyin)
    assert S.attendance_set(actor=w.zhuren, session=s, shown=[w.lan, w.ming], ticked=[w.lan]) == (1, 0)
    assert S.attendance_set(actor=w.zhuren, session=s, shown=[w.lan, w.ming], ticked=[w.ming]) == (1, 1)
    assert set(Attendance.objects.filter(session=s).values_list("child__name", flat=True)) == {"陈小明"}
    with pytest.raises(NotFound):  # 莲福村's child does not sign in at 光荣村's home
        S.attendance_add(actor=w.zhuren, session=s, children=[w.fu])
    m = P.read_list("1. 陆金兰\n2、王莲福 陈小明", [P.Candidate(c.pk, c.name, c.id_number) for c in Q.attendance_children(w.zhuren, w.home)])
    assert m.found == (w.lan.pk, w.ming.pk) and m.unknown == ("王莲福",)
    assert S.attendance_add(actor=w.zhuren, session=s, children=[w.lan, w.ming]) == 1
    # the township's 服务站 takes the whole township's children
    st = S.session_create(actor=w.dudao, place=w.station, date=w.today)
    assert S.attendance_add(actor=w.dudao, session=st, children=[w.lan, w.fu]) == 2
    with pytest.raises(NotFound):
        S.attendance_add(actor=w.zhuren, session=st, children=[w.lan])
    with pytest.raises(ServiceError):
        S.session_create(actor=w.zhuren, place=w.home, date=w.today + timedelta(days=1))


def test_guardians_and_training(places):
    w = places
    assert list(Q.training_due(w.zhuren, today=w.today)) == [w.ming]  # the carer under an agreement
    with pytest.raises(ServiceError):
        S.session_create(actor=w.zhuren, place=w.home, date=w.today, parent_school=True)  # a lecture has a topic
    lecture = S.session_create(actor=w.zhuren, place=w.home, date=w.today, parent_school=True, topic="隔代教育", speaker="张老师")
    row = S.guardian_add(actor=w.zhuren, session=lecture, child=w.ming, who="father", mode="video")
    assert row.name == "陆大军" and row.get_mode_display() == "视频"
    assert list(Q.training_due(w.zhuren, today=w.today)) == [w.ming]  # the father's line is not the carer's training
    S.guardian_add(actor=w.zhuren, session=lecture, child=w.ming, who="carer", mode="present")
    assert list(Q.training_due(w.zhuren, today=w.today)) == []
    assert list(Q.training_due(w.zhuren, today=w.today + timedelta(days=400))) == [w.ming]
    S.guardian_add(actor=w.zhuren, session=lecture, child=w.ming, who="carer", mode="phone")  # the same line, corrected
    assert GuardianAttendance.objects.filter(session=lecture).count() == 2
    plain = S.session_create(actor=w.zhuren, place=w.home, date=w.today)
    with pytest.raises(ServiceError):
        S.guardian_add(actor=w.zhuren, session=plain, child=w.ming, who="mother", mode="present")
    with pytest.raises(NotFound):
        S.guardian_add(actor=w.zhuren, session=lecture, child=w.fu, who="mother", mode="present")


def test_coverage(places):
    w = places
    c = Q.coverage(w.county)
    assert (c.n_townships, [t.code for t in c.townships]) == (2, [])
    assert [v.short_name for v in c.villages] == ["红星村", "莲福村"]  # by code: 朱河镇 before 毛市镇
    assert {s.name for s in c.schools} == {"金星小学", "朱河小学"}
    make_user("xinli", "counsellor", school=w.jinxing)
    S.place_act(actor=w.admin, place=w.zhuhe_station, action="close", note="房屋维修")
    c = Q.coverage(w.county)
    assert [t.short_name for t in c.townships] == ["朱河镇"] and {s.name for s in c.schools} == {"朱河小学"}
    assert Q.coverage(w.guangrong).villages == [] and Q.coverage(w.guangrong).schools == []


def test_settings_are_the_countys(places):
    w = places
    with pytest.raises(NotFound):
        S.settings_save(actor=w.dudao, items=["一处场所"])
    with pytest.raises(ServiceError):
        S.settings_save(actor=w.admin, items=[" "])
    assert S.settings_save(actor=w.admin, items=["一处场所", "一名管理员"]).items == ["一处场所", "一名管理员"]
