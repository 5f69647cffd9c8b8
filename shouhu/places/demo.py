"""The demo county's places (docs/domain.md, "Places"): a 服务站 running in every township but one
(closed for repairs, so the coverage page has a gap), 光荣村's 儿童之家 with photos, four Saturdays of
sign-in and a 家长学校 lecture (parents by video and phone, carers in the room, a few carers still
due), a 留守儿童之家 declared and waiting for 验收, one still 筹建中, 金星小学's 心理咨询室 and 家长学校,
and a closed 四点半课堂 — every state shows."""
import base64
import random
import time
from datetime import date, timedelta

from django.core.files.base import ContentFile

from shouhu.accounts.models import User
from shouhu.regions.models import Level, Place, Region, School
from shouhu.registry.demo import DEMO_TOWNSHIP, DEMO_VILLAGE
from shouhu.rules import places as P

from . import selectors as Sel
from . import services as S
from .models import PlaceSetting

PHOTO = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
TICKED = dict.fromkeys(P.DEFAULT_CHECKLIST, True)


def _running(keeper, admin, *, on: date, **fields) -> Place:
    place = S.place_save(actor=keeper, place=Place(checklist=dict(TICKED), **fields))
    S.place_act(actor=keeper, place=place, action="declare", on=on - timedelta(days=20))
    return S.place_act(actor=admin, place=place, action="accept", on=on)


def build_places_demo(*, today: date, rng: random.Random, log=print) -> None:
    t0 = time.monotonic()
    PlaceSetting.objects.get_or_create(pk=1, defaults={"checklist": list(P.DEFAULT_CHECKLIST)})
    admin = User.objects.get(username="admin")
    zhuren, dudao = User.objects.get(username="zhuren"), User.objects.get(username="dudao")
    county = Region.objects.filter(level=Level.COUNTY).order_by("code").first()
    townships = list(Region.objects.filter(level=Level.TOWNSHIP, code__startswith=county.code).order_by("code"))
    opened = today - timedelta(days=400)
    for n, t in enumerate(townships):
        keeper = dudao if t.code == DEMO_TOWNSHIP else admin
        st = _running(keeper, admin, on=opened + timedelta(days=n), kind="station", name=f"{t.display_name}留守儿童服务站", region=t,
                      manager_name="乡镇儿童督导员", hours="工作日 8:30—17:30")
        if n == len(townships) - 1 and t.code != DEMO_TOWNSHIP:
            S.place_act(actor=admin, place=st, action="close", note="房屋维修，暂停使用", on=today - timedelta(days=30))
    maoshi = Region.objects.get(code=DEMO_TOWNSHIP)
    guangrong = Region.objects.get(code=DEMO_VILLAGE)
    others = list(Region.objects.filter(parent=maoshi, level=Level.VILLAGE).exclude(pk=guangrong.pk).order_by("code")[:3])

    home = _running(zhuren, admin, on=opened, kind="children_home", name="光荣村儿童之家", region=guangrong, address="光荣村党群服务中心二楼",
                    manager_name="李红", manager_phone="13800001234", hours="周六、周日 14:00—17:00")
    for caption in ("标识牌", "活动室"):
        S.place_photo_add(actor=zhuren, place=home, file=ContentFile(PHOTO, name="p.png"), caption=caption)
    if others:
        declared = S.place_save(actor=dudao, place=Place(kind="home", name=f"{others[0].display_name}留守儿童之家", region=others[0],
                                                         checklist=dict(TICKED), manager_name="王芳", hours="周六 9:00—11:30"))
        S.place_act(actor=dudao, place=declared, action="declare", on=today - timedelta(days=3))
    if len(others) > 1:
        S.place_save(actor=dudao, place=Place(kind="children_home", name=f"{others[1].display_name}儿童之家", region=others[1],
                                              checklist={P.DEFAULT_CHECKLIST[0]: True, P.DEFAULT_CHECKLIST[3]: True}))
    if len(others) > 2:
        after = _running(dudao, admin, on=opened, kind="after_school", name=f"{others[2].display_name}四点半课堂", region=others[2])
        S.place_act(actor=admin, place=after, action="close", note="志愿者离开，暂停", on=today - timedelta(days=60))

    jinxing = School.objects.filter(name="金星小学").first()
    if jinxing is not None:
        staff = User.objects.get(username="xiaozhang")
        _running(staff, admin, on=opened, kind="counselling_room", name="金星小学心理咨询室", region=jinxing.township, school=jinxing,
                 manager_name="张老师", hours="周二、周四 16:00—17:00")
        _running(staff, admin, on=opened, kind="parent_school", name="金星小学家长学校", region=jinxing.township, school=jinxing)

    # four Saturdays at 光荣村's home, and a lecture of the 家长学校 there
    kids = list(Sel.attendance_children(zhuren, home))
    sat = today - timedelta(days=(today.weekday() - 5) % 7 or 7)
    for w in range(4):
        s = S.session_create(actor=zhuren, place=home, date=sat - timedelta(weeks=w), topic=["读书会", "手工课", "安全教育", "亲情视频"][w])
        S.attendance_add(actor=zhuren, session=s, children=rng.sample(kids, k=min(len(kids), rng.randint(8, 15))))
    lecture = S.session_create(actor=zhuren, place=home, date=sat - timedelta(days=1), parent_school=True, topic="隔代教育与亲子沟通",
                               speaker="县家庭教育讲师团 刘老师")
    carers = [c for c in kids if c.carer_name and c.agreement_date]
    for c in carers[: max(0, len(carers) - 3)]:  # the last few carers have not come: the training list shows them
        S.guardian_add(actor=zhuren, session=lecture, child=c, who="carer", mode="present")
    for c in kids[:6]:
        if c.father_name:
            S.guardian_add(actor=zhuren, session=lecture, child=c, who="father", mode="video")
        if c.mother_name:
            S.guardian_add(actor=zhuren, session=lecture, child=c, who="mother", mode="phone")
    S.attendance_add(actor=zhuren, session=lecture, children=kids[:6])
    log(f"阵地：{Place.objects.count()} 个场所，{lecture.guardians.count()} 人次家长参加讲座（{time.monotonic() - t0:.1f} 秒）")
