"""Pages of the people and records of care work: helpers (trainings, service hours), pairing,
micro-wishes, activities and counselling. Each page renders and shows its data, each write works
and puts its error beside the field, a user of another village or school gets 404 for a child or
record that is not theirs, and counselling notes are for counsellors only."""
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhu.care.counselling.services import counselling_record
from shouhu.care.models import Activity, CounsellingSession, Helper, Pairing, Participation, ServiceRecord, Training, Wish
from shouhu.care.wishes.services import wish_create
from tests.factories import PASSWORD, make_child, make_user

NOTES = "孩子说晚上常常梦见妈妈，哭醒后不敢告诉奶奶"
MISSING_UID = "00000000-0000-0000-0000-000000000000"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def field_error(page: str, field: str, text: str) -> None:
    """The error is shown right below its field (the `_field.html` wrapper of that field)."""
    start = page.index(f'id="wrap-{field}"')
    end = page.find('id="wrap-', start + 1)
    block = page[start:end if end != -1 else len(page)]
    assert "invalid-feedback" in block and text in block, block[:800]


@pytest.fixture
def care(world):
    today = timezone.localdate()
    girl = make_child(world.admin, world.guangrong, name="陆金兰", school=world.jinxing, school_class=world.c31)
    boy = make_child(world.admin, world.guangrong, name="王小虎", sex="男", school=world.jinxing, school_class=world.c32)
    far = make_child(world.admin, world.hongxing, name="张远", school=world.zhuhe_school, school_class=world.z41)
    helper = Helper.objects.create(name="李爱心", kind="志愿者", region=world.guangrong, phone="13800001111", unit="镇卫生院")
    pairing = Pairing.objects.create(helper=helper, child=girl, mode="一对一", start=today - timedelta(days=30))
    ServiceRecord.objects.create(helper=helper, date=today - timedelta(days=3), hours=Decimal("2.5"), content="陪读")
    wish = wish_create(actor=world.zhuren, child=girl, text="一个新书包")
    activity = Activity.objects.create(title="暑期安全课", kind="安全教育", date=today - timedelta(days=2), place="光荣村村委会",
                                       organiser="毛市镇团委", region=world.guangrong, created_by=world.zhuren)
    Participation.objects.create(activity=activity, child=girl, date=activity.date)
    counsellor = make_user("xinli", "counsellor", school=world.jinxing)
    session = counselling_record(actor=counsellor, child=girl, date=today - timedelta(days=1), topic="想念父母", notes=NOTES, risk="中")
    return SimpleNamespace(today=today, girl=girl, boy=boy, far=far, helper=helper, pairing=pairing, wish=wish, activity=activity,
                           counsellor=counsellor, session=session, tomorrow=today + timedelta(days=1))


# -- helpers ---------------------------------------------------------------------------------------
def test_helper_list_shows_pairings_and_hours(client, world, care):
    login(client, world.zhuren)
    page = html(client.get(reverse("care:helpers")))
    assert "李爱心" in page and "＋ 登记帮扶人" in page
    assert '<strong class="n-pairs">1</strong>' in page and '<strong class="n-hours">2.5</strong>' in page
    r = client.post(reverse("care:helpers"), {"kind": "志愿者", "name": "爱心", "region": world.guangrong.code})
    assert r.status_code == 302 and "爱心" not in r["Location"] and "kind=" in r["Location"]  # the name stays out of the URL
    assert "李爱心" in html(client.get(r["Location"]))
    assert "李爱心" not in html(client.get(reverse("care:helpers"), {"kind": "教师"}))
    assert "李爱心" not in html(client.post(reverse("care:helpers"), {"name": "王"}, follow=True))
    assert client.get(reverse("care:helpers"), {"name": "王"}).status_code == 400
    login(client, world.zhuren_hongxing)
    assert "李爱心" not in html(client.get(reverse("care:helpers")))


def test_helper_list_is_paginated(client, world, care):
    Helper.objects.bulk_create([Helper(name=f"帮扶人{i:02d}", region=world.guangrong) for i in range(31)])
    login(client, world.zhuren)
    page = html(client.get(reverse("care:helpers")))
    assert "共 <strong>32</strong> 人" in page and "第 1 / 2 页" in page
    assert "第 2 / 2 页" in html(client.get(reverse("care:helpers"), {"page": 2}))


def test_helper_create_edit_and_errors(client, world, care):
    login(client, world.zhuren)
    assert "登记帮扶人" in html(client.get(reverse("care:helper_create")))
    data = {"name": "赵老师", "kind": "教师", "sex": "女", "phone": "13912340000", "unit": "金星小学", "region": world.guangrong.pk,
            "registered_on": care.today.isoformat(), "active": "on"}
    page = html(client.post(reverse("care:helper_create"), {**data, "registered_on": care.tomorrow.isoformat(), "phone": "12345"}))
    field_error(page, "registered_on", "登记日期不能晚于今天")
    field_error(page, "phone", "电话号码格式不正确")
    page = html(client.post(reverse("care:helper_create"), {**data, "region": world.hongxing.pk}))  # not in 光荣村's reach
    field_error(page, "region", "选择一个有效的选项")
    page = html(client.post(reverse("care:helper_create"), {**data, "region": ""}))
    field_error(page, "region", "请选择服务区域或所在学校")
    assert not Helper.objects.filter(name="赵老师").exists()
    r = client.post(reverse("care:helper_create"), data)
    helper = Helper.objects.get(name="赵老师")
    assert r.status_code == 302 and r.url == reverse("care:helper_detail", args=[helper.pk])
    assert helper.created_by == world.zhuren and helper.region == world.guangrong
    r = client.post(reverse("care:helper_edit", args=[helper.pk]), {**data, "unit": "光荣村小学"})
    assert r.status_code == 302
    helper.refresh_from_db()
    assert helper.unit == "光荣村小学"
    assert "光荣村小学" in html(client.get(reverse("care:helper_detail", args=[helper.pk])))


def test_school_staff_registers_a_teacher_of_their_school(client, world):
    login(client, world.xiaozhang)
    r = client.post(reverse("care:helper_create"), {"name": "钱老师", "kind": "教师", "school": world.jinxing.pk, "active": "on"})
    assert r.status_code == 302
    page = html(client.post(reverse("care:helper_create"), {"name": "孙老师", "kind": "教师", "school": world.zhuhe_school.pk}))
    field_error(page, "school", "选择一个有效的选项")
    assert list(Helper.objects.values_list("name", flat=True)) == ["钱老师"]


def test_helper_detail_trainings_and_service_hours(client, world, care):
    login(client, world.zhuren)
    url = reverse("care:helper_detail", args=[care.helper.pk])
    page = html(client.get(url))
    assert "李爱心" in page and "陆金兰" in page and "陪读" in page and "13800001111" in page and "记录培训" in page
    r = client.post(reverse("care:training_add", args=[care.helper.pk]),
                    {"training_date": care.today.isoformat(), "topic": "留守儿童心理关爱", "training_hours": "3", "organiser": "市民政局"})
    assert r.status_code == 302
    assert Training.objects.get(helper=care.helper).topic == "留守儿童心理关爱"
    page = html(client.post(reverse("care:training_add", args=[care.helper.pk]), {"training_date": care.tomorrow.isoformat(), "topic": "", "training_hours": "2"}))
    field_error(page, "training_date", "日期不能晚于今天")
    field_error(page, "topic", "请填写培训内容")
    r = client.post(reverse("care:service_add", args=[care.helper.pk]), {"service_date": care.today.isoformat(), "service_hours": "1.5", "content": "辅导作业"})
    assert r.status_code == 302
    page = html(client.get(url))
    assert "留守儿童心理关爱" in page and "辅导作业" in page and '<strong id="service-hours">4</strong>' in page
    page = html(client.post(reverse("care:service_add", args=[care.helper.pk]), {"service_date": care.tomorrow.isoformat(), "service_hours": "30", "content": "x"}))
    field_error(page, "service_date", "日期不能晚于今天")
    field_error(page, "service_hours", "一次服务不能超过24小时")
    assert ServiceRecord.objects.filter(helper=care.helper).count() == 2


def test_volunteer_logs_own_service_hours_but_no_trainings(client, world, care):
    own = Helper.objects.create(name="志愿者小周", user=world.volunteer, region=world.guangrong)
    Pairing.objects.create(helper=own, child=care.girl, start=care.today)
    login(client, world.volunteer)
    page = html(client.get(reverse("care:helper_detail", args=[own.pk])))
    assert "陆金兰" in page and "记录服务时长" in page and "记录培训" not in page
    r = client.post(reverse("care:service_add", args=[own.pk]), {"service_date": care.today.isoformat(), "service_hours": "2", "content": "家访陪伴"})
    assert r.status_code == 302 and own.services.count() == 1
    assert client.post(reverse("care:training_add", args=[own.pk]), {"training_date": care.today.isoformat(), "topic": "x", "training_hours": "1"}).status_code == 404
    assert client.get(reverse("care:helper_edit", args=[own.pk])).status_code == 404
    assert client.get(reverse("care:helper_detail", args=[care.helper.pk])).status_code == 404  # another helper


# -- pairing -----------------------------------------------------------------------------------------
def test_pairing_create_and_end(client, world, care):
    login(client, world.zhuren)
    url = reverse("care:pairing_create", args=[care.boy.uid])
    page = html(client.get(url))
    assert "王小虎" in page and "李爱心" in page
    page = html(client.post(url, {"helper": care.helper.pk, "mode": "一对多", "start": ""}))
    field_error(page, "start", "必填")
    r = client.post(url, {"helper": care.helper.pk, "mode": "一对多", "start": care.today.isoformat()}, follow=True)
    page = html(r)
    assert "已结对" in page and "alert-warning" not in page  # 王小虎 is not a key child
    p = Pairing.objects.get(child=care.boy)
    assert p.mode == "一对多" and p.created_by == world.zhuren
    page = html(client.post(url, {"helper": care.helper.pk, "mode": "一对一", "start": care.today.isoformat()}))
    field_error(page, "helper", "该帮扶人已与这名儿童结对")

    end_url = reverse("care:pairing_end", args=[p.pk])
    assert "结束结对" in html(client.get(end_url))
    page = html(client.post(end_url, {"end": care.tomorrow.isoformat(), "reason": ""}))
    field_error(page, "end", "结束日期不能晚于今天")
    field_error(page, "reason", "请填写结束原因")
    r = client.post(end_url, {"end": care.today.isoformat(), "reason": "父母返乡"})
    assert r.status_code == 302 and r.url == reverse("registry:detail", args=[care.boy.uid])
    p.refresh_from_db()
    assert p.end == care.today and p.end_reason == "父母返乡"


def test_pairing_a_key_child_other_than_one_to_one_warns(client, world, care):
    gone = {"father_situation": "死亡", "father_work_province": "", "father_work_city": "", "father_since": None, "father_phone": "",
            "mother_situation": "死亡", "mother_work_province": "", "mother_work_city": "", "mother_since": None, "mother_phone": ""}
    orphan = make_child(world.admin, world.guangrong, name="刘孤", **gone)
    assert orphan.is_orphan
    login(client, world.zhuren)
    url = reverse("care:pairing_create", args=[orphan.uid])
    assert "一对一" in html(client.get(url))
    page = html(client.post(url, {"helper": care.helper.pk, "mode": "一对多", "start": care.today.isoformat()}, follow=True))
    assert 'alert alert-warning' in page and "按规定应落实“一对一”帮扶" in page
    assert Pairing.objects.filter(child=orphan, mode="一对多").exists()


# -- wishes ------------------------------------------------------------------------------------------
def test_wish_create_with_errors_beside_the_field(client, world, care):
    login(client, world.zhuren)
    url = reverse("care:wish_create", args=[care.boy.uid])
    assert "登记微心愿" in html(client.get(url))
    page = html(client.post(url, {"text": "   ", "created_on": care.today.isoformat()}))
    field_error(page, "text", "请填写心愿内容")
    page = html(client.post(url, {"text": "一双球鞋", "created_on": care.tomorrow.isoformat()}))
    field_error(page, "created_on", "日期不能晚于今天")
    r = client.post(url, {"text": "一双球鞋", "created_on": care.today.isoformat()})
    assert r.status_code == 302
    assert Wish.objects.get(child=care.boy).text == "一双球鞋"


def test_wish_list_claim_fulfil_cancel(client, world, care):
    login(client, world.zhuren)
    page = html(client.get(reverse("care:wishes")))
    assert "一个新书包" in page and "陆金兰" in page and "认领" in page
    assert "一个新书包" not in html(client.get(reverse("care:wishes"), {"status": "fulfilled"}))
    claim = reverse("care:wish_claim", args=[care.wish.pk])
    assert "认领心愿" in html(client.get(claim))
    page = html(client.post(claim, {"donor_name": "", "donor_phone": "abc", "claimed_on": care.tomorrow.isoformat()}))
    field_error(page, "donor_name", "请填写认领人")
    field_error(page, "donor_phone", "电话号码格式不正确")
    field_error(page, "claimed_on", "日期不能晚于今天")
    r = client.post(claim, {"donor_name": "爱心企业张总", "donor_unit": "监利某公司", "claimed_on": care.today.isoformat(),
                            "next": reverse("care:wishes") + "?status=open"})
    assert r.status_code == 302 and r.url == reverse("care:wishes") + "?status=open"
    care.wish.refresh_from_db()
    assert care.wish.status == Wish.Status.CLAIMED and care.wish.donor_name == "爱心企业张总"
    page = html(client.post(claim, {"donor_name": "又一人", "claimed_on": care.today.isoformat()}))  # already claimed
    field_error(page, "donor_name", "该心愿不是待认领状态")
    fulfil = reverse("care:wish_fulfil", args=[care.wish.pk])
    page = html(client.post(fulfil, {"fulfilled_on": care.tomorrow.isoformat()}))
    field_error(page, "fulfilled_on", "日期不能晚于今天")
    assert client.post(fulfil, {"fulfilled_on": care.today.isoformat(), "note": "已送到"}).status_code == 302
    care.wish.refresh_from_db()
    assert care.wish.status == Wish.Status.FULFILLED
    page = html(client.get(reverse("care:wishes"), {"status": "fulfilled"}))
    assert "一个新书包" in page and "已送到" in page
    r = client.post(reverse("care:wish_cancel", args=[care.wish.pk]), follow=True)
    assert "已实现的心愿不能取消" in html(r)
    other = wish_create(actor=world.zhuren, child=care.boy, text="一盒彩笔")
    assert client.get(reverse("care:wish_cancel", args=[other.pk])).status_code == 405
    assert client.post(reverse("care:wish_cancel", args=[other.pk])).status_code == 302
    other.refresh_from_db()
    assert other.status == Wish.Status.CANCELLED


def test_wish_list_without_can_care_has_no_actions(client, world, care):
    login(client, world.inspector)
    page = html(client.get(reverse("care:wishes")))
    assert "一个新书包" in page and reverse("care:wish_claim", args=[care.wish.pk]) not in page
    assert client.get(reverse("care:wish_claim", args=[care.wish.pk])).status_code == 404


# -- activities --------------------------------------------------------------------------------------
def test_activity_list_create_detail(client, world, care):
    login(client, world.zhuren)
    page = html(client.get(reverse("care:activities")))
    assert "暑期安全课" in page and "＋ 登记活动" in page
    assert "暑期安全课" not in html(client.get(reverse("care:activities"), {"kind": "阅读"}))
    url = reverse("care:activity_create")
    assert "登记关爱活动" in html(client.get(url))
    data = {"title": "读书会", "kind": "阅读", "date": care.today.isoformat(), "place": "农家书屋", "organiser": "光荣村", "region": world.guangrong.pk}
    page = html(client.post(url, {**data, "date": care.tomorrow.isoformat(), "title": ""}))
    field_error(page, "date", "日期不能晚于今天")
    field_error(page, "title", "请填写活动名称")
    r = client.post(url, data)
    a = Activity.objects.get(title="读书会")
    assert r.status_code == 302 and r.url == reverse("care:activity_detail", args=[a.pk])
    page = html(client.get(r.url))
    assert "读书会" in page and "农家书屋" in page and "王小虎" in page and "陆金兰" in page  # children to tick
    assert "张远" not in page  # another village's child is never offered


def test_activity_participants_with_htmx(client, world, care):
    login(client, world.dudao)  # the township: several villages to filter by
    url = reverse("care:activity_detail", args=[care.activity.pk])
    page = html(client.get(url))
    assert "暑期安全课" in page and "陆金兰" in page and "已参加" in page
    part = html(client.get(url, {"village": world.lianfu.code, "part": "candidates"}, headers={"HX-Request": "true"}))
    assert "<html" not in part and "没有符合条件的儿童" in part
    part = html(client.get(url, {"village": world.guangrong.code, "part": "candidates"}, headers={"HX-Request": "true"}))
    assert "王小虎" in part and str(care.boy.uid) in part
    post = reverse("care:activity_participants", args=[care.activity.pk])
    r = client.post(post + f"?village={world.guangrong.code}", {"child": [str(care.boy.uid)]}, headers={"HX-Request": "true"})
    part = html(r)
    assert "<html" not in part and "已添加 1 名参加儿童" in part and "王小虎" in part and 'hx-swap-oob="true"' in part
    assert set(care.activity.participations.values_list("child__name", flat=True)) == {"陆金兰", "王小虎"}
    r = client.post(post, {"child": [str(care.boy.uid)]})  # without HTMX: back to the page
    assert r.status_code == 302 and care.activity.participations.count() == 2
    assert client.post(post, {"child": [str(care.far.uid)]}).status_code == 404  # 朱河镇's child
    assert client.post(post, {"child": ["not-a-uuid"]}).status_code == 404
    assert care.activity.participations.count() == 2


def test_activity_shows_only_participants_in_scope(client, world, care):
    Participation.objects.create(activity=care.activity, child=care.far, date=care.activity.date)
    login(client, world.zhuren)
    page = html(client.get(reverse("care:activity_detail", args=[care.activity.pk])))
    assert "陆金兰" in page and "张远" not in page and "另有 1 名" in page


def test_school_staff_activity_is_theirs_after_saving(client, world, care):
    login(client, world.xiaozhang)
    r = client.post(reverse("care:activity_create"), {"title": "心理健康课", "kind": "心理健康", "date": care.today.isoformat(),
                                                      "place": "金星小学", "organiser": "金星小学", "region": world.maoshi.pk})
    assert r.status_code == 302
    page = html(client.get(r.url))
    assert "心理健康课" in page and "王小虎" in page


# -- scope: another village / school gets 404 for what is not theirs -----------------------------------
def _targets(care):
    g, h, p, w, a, s = care.girl.uid, care.helper.pk, care.pairing.pk, care.wish.pk, care.activity.pk, care.session.pk
    return [
        ("get", "care:helper_detail", h, None), ("get", "care:helper_edit", h, None),
        ("post", "care:helper_edit", h, {"name": "x", "kind": "其他", "region": ""}),
        ("post", "care:training_add", h, {"training_date": "2024-01-01", "topic": "x", "training_hours": "1"}),
        ("post", "care:service_add", h, {"service_date": "2024-01-01", "service_hours": "1", "content": "x"}),
        ("get", "care:pairing_create", g, None), ("post", "care:pairing_create", g, {"helper": h, "mode": "一对一", "start": "2024-01-01"}),
        ("get", "care:pairing_end", p, None), ("post", "care:pairing_end", p, {"end": "2024-01-01", "reason": "x"}),
        ("get", "care:wish_create", g, None), ("post", "care:wish_create", g, {"text": "x", "created_on": "2024-01-01"}),
        ("get", "care:wish_claim", w, None), ("post", "care:wish_claim", w, {"donor_name": "x", "claimed_on": "2024-01-01"}),
        ("get", "care:wish_fulfil", w, None), ("post", "care:wish_fulfil", w, {"fulfilled_on": "2024-01-01"}),
        ("post", "care:wish_cancel", w, {}),
        ("get", "care:activity_detail", a, None), ("post", "care:activity_participants", a, {"child": [str(g)]}),
        ("get", "care:counselling_create", g, None),
        ("post", "care:counselling_create", g, {"date": "2024-01-01", "topic": "x", "notes": "x", "risk": "低"}),
        ("get", "care:counselling_detail", s, None),
    ]


@pytest.mark.parametrize("outsider", ["zhuren_lianfu", "zhuren_hongxing", "xiaozhang_zhuhe"])
def test_outsiders_get_404_on_every_record_url(client, world, care, outsider):
    login(client, getattr(world, outsider))
    for method, name, arg, data in _targets(care):
        r = getattr(client, method)(reverse(name, args=[arg]), data or {})
        assert r.status_code == 404, (outsider, method, name)
    care.wish.refresh_from_db()
    assert care.wish.status == Wish.Status.OPEN and care.helper.trainings.count() == 0 and care.helper.services.count() == 1
    assert Pairing.objects.get(pk=care.pairing.pk).end is None and care.activity.participations.count() == 1
    assert CounsellingSession.objects.count() == 1


def test_missing_records_are_the_same_404(client, world, care):
    login(client, world.admin)
    for method, name, arg, data in _targets(care):
        if name.startswith("care:counselling"):
            continue
        missing = MISSING_UID if isinstance(arg, type(care.girl.uid)) else 999999
        assert getattr(client, method)(reverse(name, args=[missing]), data or {}).status_code == 404, name
    assert client.get(reverse("care:pairing_create", args=["not-a-uuid"])).status_code == 404


def test_lists_show_only_what_is_in_scope(client, world, care):
    login(client, world.zhuren_hongxing)
    assert "一个新书包" not in html(client.get(reverse("care:wishes")))
    assert "暑期安全课" not in html(client.get(reverse("care:activities")))
    assert client.get(reverse("care:helper_create")).status_code == 200  # a director registers helpers of their village
    login(client, world.partner)  # statistics only
    for name in ("care:helpers", "care:wishes", "care:activities"):
        assert client.get(reverse(name)).status_code == 404


# -- counselling ---------------------------------------------------------------------------------------
def test_counsellor_sees_and_writes_notes(client, world, care):
    login(client, care.counsellor)
    page = html(client.get(reverse("care:counselling")))
    assert "陆金兰" in page and "想念父母" in page
    assert "想念父母" not in html(client.get(reverse("care:counselling"), {"risk": "高"}))
    assert "想念父母" in html(client.get(reverse("care:counselling"), {"child": str(care.girl.uid)}))
    page = html(client.get(reverse("care:counselling_detail", args=[care.session.pk])))
    assert NOTES in page
    url = reverse("care:counselling_create", args=[care.boy.uid])
    assert "记录心理辅导" in html(client.get(url))
    page = html(client.post(url, {"date": care.tomorrow.isoformat(), "topic": "同学关系", "notes": "", "risk": "低"}))
    field_error(page, "date", "日期不能晚于今天")
    field_error(page, "notes", "请填写辅导记录")
    page = html(client.post(url, {"date": care.today.isoformat(), "topic": "同学关系", "notes": "与同桌有矛盾", "risk": "低",
                                  "next_date": (care.today - timedelta(days=1)).isoformat()}))
    field_error(page, "next_date", "下次辅导日期不能早于本次")
    r = client.post(url, {"date": care.today.isoformat(), "topic": "同学关系", "notes": "与同桌有矛盾，已约谈", "risk": "低"})
    s = CounsellingSession.objects.get(child=care.boy)
    assert r.status_code == 302 and r.url == reverse("care:counselling_detail", args=[s.pk])
    assert s.counsellor == care.counsellor and "与同桌有矛盾，已约谈" in html(client.get(r.url))


@pytest.mark.parametrize("who", ["banzhuren", "admin", "xiaozhang", "zhuren", "dudao"])
def test_counselling_is_404_for_everyone_else(client, world, care, who):
    login(client, getattr(world, who))
    assert client.get(reverse("care:counselling")).status_code == 404
    assert client.get(reverse("care:counselling_detail", args=[care.session.pk])).status_code == 404
    assert client.get(reverse("care:counselling_create", args=[care.girl.uid])).status_code == 404


def test_counsellor_of_another_school_gets_404(client, world, care):
    login(client, make_user("xinli2", "counsellor", school=world.zhuhe_school))
    assert NOTES not in html(client.get(reverse("care:counselling")))
    assert client.get(reverse("care:counselling_detail", args=[care.session.pk])).status_code == 404
    assert client.get(reverse("care:counselling_create", args=[care.girl.uid])).status_code == 404


@pytest.mark.parametrize("who", ["banzhuren", "admin", "zhuren", "xiaozhang"])
def test_notes_appear_nowhere_on_the_child_page(client, world, care, who):
    login(client, getattr(world, who))
    page = html(client.get(f"/children/{care.girl.uid}/"))
    assert "陆金兰" in page
    assert NOTES not in page and "想念父母" not in page
    for name in ("care:wishes", "care:activities", "care:helpers"):
        assert NOTES not in html(client.get(reverse(name)))


def test_counsellor_child_page_has_no_notes_either(client, world, care):
    login(client, care.counsellor)
    page = html(client.get(f"/children/{care.girl.uid}/"))
    assert "陆金兰" in page and NOTES not in page


def test_helper_saved_over_a_newer_version_shows_the_conflict_and_keeps_the_input(client, world):
    """Reproduces the lost update on the helper form: the second of two open forms put the first's
    change back. Now it is refused (409) with what is saved now, the input kept, the form rebased."""
    from django.test import Client

    helper = Helper.objects.create(name="赵老师", kind="教师", region=world.guangrong, phone="13900000000")
    data = {"name": "赵老师", "kind": "教师", "region": world.guangrong.pk, "phone": "13900000000", "active": "on"}
    url = reverse("care:helper_edit", args=[helper.pk])
    first, second = login(Client(), world.zhuren), login(client, world.dudao)
    assert 'name="version" value="1"' in html(second.get(url))
    assert first.post(url, {**data, "version": "1", "unit": "光荣村小学"}).status_code == 302
    r = second.post(url, {**data, "version": "1", "skills": "书法"})
    assert r.status_code == 409
    page = r.content.decode()
    assert "此帮扶人信息已被他人修改" in page and "工作单位" in page and "现为 光荣村小学" in page
    assert 'value="书法"' in page and 'name="version" value="2"' in page
    helper.refresh_from_db()
    assert helper.unit == "光荣村小学" and helper.skills == "" and helper.version == 2
