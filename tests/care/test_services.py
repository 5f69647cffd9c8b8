"""Care services and selectors: scope, due/overdue through the maintained rows, the one-to-one
rule, family contact, campaign marks, and that registry changes reach the care rows."""
from datetime import timedelta

import pytest

from shouhu.care.activities.services import activity_save
from shouhu.care.campaigns.selectors import campaign_missing, campaign_progress
from shouhu.care.campaigns.services import campaign_create
from shouhu.care.counselling.services import counselling_record
from shouhu.care.dues.selectors import my_tasks
from shouhu.care.dues.services import rules_save
from shouhu.care.helpers.services import helper_save, pairing_create, pairing_end
from shouhu.care.models import Activity, CampaignMark, CareStatus, Helper, VisitDue
from shouhu.care.visits.services import contact_record, visit_record
from shouhu.care.wishes.services import wish_cancel, wish_claim, wish_create, wish_fulfil
from shouhu.core.errors import Conflict, Forbidden, NotFound, ServiceError
from shouhu.registry.models import Child
from shouhu.registry.services import child_update

DEAD = dict(father_situation="死亡", father_work_province="", father_work_city="", father_since=None, father_phone="",
            mother_situation="死亡", mother_work_province="", mother_work_city="", mother_since=None, mother_phone="")



def register(run, world, days_ago=0, village=None, **over):
    from shouhu.registry.services import child_register
    from tests.factories import child_values

    child = Child(**child_values(village or world.guangrong, **over))
    return run(child_register, actor=world.admin, child=child, effective_date=world.today - timedelta(days=days_ago))


def kinds(tasks):
    return [(t.kind, t.child.name) for t in tasks.items]


def visit(run, actor, child, day, **kw):
    kw.setdefault("mode", "入户")
    kw.setdefault("areas", {"life": "生活正常"})
    return run(visit_record, actor=actor, child=child, date=day, **kw)


def test_overdue_visit_appears_and_disappears_after_a_visit(world, oc):
    orphan = register(oc, world, days_ago=31, name="孤儿甲", **DEAD)
    t = my_tasks(world.zhuren)
    assert ("visit", "孤儿甲") in kinds(t) and t.counts["visit"]["overdue"] == 1
    assert my_tasks(world.zhuren_lianfu).items == []           # another village: nothing
    visit(oc, world.zhuren, orphan, world.today)
    assert ("visit", "孤儿甲") not in kinds(my_tasks(world.zhuren))
    due = VisitDue.objects.get(child=orphan, role="village_director")
    assert due.last_visit == world.today and due.due == world.today + timedelta(days=30)


def test_due_boundary_today_soon_and_not_yet(world, oc):
    register(oc, world, days_ago=30, name="今天到期", **DEAD)
    register(oc, world, days_ago=23, name="七天后到期", **DEAD)
    register(oc, world, days_ago=22, name="八天后到期", **DEAD)
    t = my_tasks(world.zhuren, kind="visit")
    states = {x.child.name: x.state for x in t.items}
    assert states == {"今天到期": "today", "七天后到期": "soon"}
    assert t.counts["visit"] == {"overdue": 0, "soon": 2}


def test_township_supervisor_owes_visits_to_orphans_not_to_plain_left_behind(world, oc):
    register(oc, world, days_ago=100, name="孤儿乙", **DEAD)
    register(oc, world, days_ago=100, name="留守丙")
    names = {t.child.name for t in my_tasks(world.dudao, kind="visit").items}
    assert names == {"孤儿乙"}
    assert my_tasks(world.dudao_zhuhe, kind="visit").items == []


def test_visit_of_another_roles_scope_does_not_clear_the_task(world, oc):
    orphan = register(oc, world, days_ago=100, name="孤儿丁", **DEAD)
    visit(oc, world.dudao, orphan, world.today)  # the supervisor visits
    assert ("visit", "孤儿丁") in kinds(my_tasks(world.zhuren))       # the village director still owes one
    assert ("visit", "孤儿丁") not in kinds(my_tasks(world.dudao))


def test_one_to_one_rule(world, oc):
    orphan = register(oc, world, name="孤儿戊", **DEAD)
    assert ("pairing", "孤儿戊") in kinds(my_tasks(world.zhuren))
    helper = Helper.objects.create(name="王老师", kind="教师", region=world.guangrong)
    res = oc(pairing_create, actor=world.zhuren, child=orphan, helper=helper, mode="一对多", start=world.today)
    assert "一对一" in res.warning                                           # saved, with a warning
    assert ("pairing", "孤儿戊") in kinds(my_tasks(world.zhuren))     # still listed
    other = Helper.objects.create(name="李阿姨", kind="代理家长/爱心妈妈", region=world.guangrong)
    res = oc(pairing_create, actor=world.zhuren, child=orphan, helper=other, mode="一对一", start=world.today)
    assert res.warning == ""
    assert ("pairing", "孤儿戊") not in kinds(my_tasks(world.zhuren))
    oc(pairing_end, actor=world.zhuren, pairing=res.pairing, end=world.today - timedelta(days=0), reason="调走")
    assert CareStatus.objects.get(child=orphan).has_one_to_one is True          # ends today: still active today


def test_left_behind_child_is_not_a_one_to_one_gap(world, oc):
    register(oc, world, name="留守己")
    assert not [t for t in my_tasks(world.zhuren).items if t.kind == "pairing"]


def test_family_contact_flag(world, oc):
    girl = register(oc, world, days_ago=8, name="留守庚")
    assert ("contact", "留守庚") in kinds(my_tasks(world.zhuren))
    oc(contact_record, actor=world.zhuren, child=girl, date=world.today - timedelta(days=1), kind="视频", with_whom="母亲")
    assert ("contact", "留守庚") not in kinds(my_tasks(world.zhuren))
    assert CareStatus.objects.get(child=girl).contact_due == world.today + timedelta(days=6)


def test_contact_boundary_seven_days(world, oc):
    girl = register(oc, world, days_ago=30, name="留守辛")
    oc(contact_record, actor=world.zhuren, child=girl, date=world.today - timedelta(days=7), kind="电话", with_whom="父亲")
    t = my_tasks(world.zhuren, kind="contact")
    assert [(x.child.name, x.state) for x in t.items] == [("留守辛", "today")]
    oc(contact_record, actor=world.zhuren, child=girl, date=world.today - timedelta(days=8), kind="电话", with_whom="父亲")
    assert CareStatus.objects.get(child=girl).last_contact == world.today - timedelta(days=7)  # the latest counts


def test_registry_change_reaches_care_rows(world, oc):
    girl = register(oc, world, days_ago=40, name="留守壬")
    assert not VisitDue.objects.filter(child=girl, role="township_supervisor").exists()
    for k, v in DEAD.items():
        setattr(girl, k, v)
    oc(child_update, actor=world.admin, child=girl)
    assert VisitDue.objects.filter(child=girl, role="township_supervisor").exists()
    assert CareStatus.objects.get(child=girl).needs_one_to_one


def test_writes_out_of_scope_are_404(world, oc):
    girl = register(oc, world, name="光荣村儿童")
    for actor in (world.zhuren_lianfu, world.xiaozhang_zhuhe, world.inspector, world.partner, world.volunteer):
        with pytest.raises(NotFound):
            visit_record(actor=actor, child=girl, date=world.today, mode="入户", areas={"life": "x"})
        with pytest.raises(NotFound):
            contact_record(actor=actor, child=girl, date=world.today, kind="电话", with_whom="父亲")
        with pytest.raises(NotFound):
            wish_create(actor=actor, child=girl, text="一个书包")
    with pytest.raises(NotFound):
        counselling_record(actor=world.admin, child=girl, date=world.today, topic="x", notes="y")


def test_visit_validation(world, oc):
    girl = register(oc, world, name="验证")
    with pytest.raises(ServiceError) as e:
        visit_record(actor=world.zhuren, child=girl, date=world.today + timedelta(days=1), mode="入户", areas={"life": "x"})
    assert e.value.field == "date"
    with pytest.raises(ServiceError) as e:
        visit_record(actor=world.zhuren, child=girl, date=world.today, mode="入户", areas={})
    assert e.value.field == "life"
    with pytest.raises(ServiceError) as e:
        visit_record(actor=world.zhuren, child=girl, date=world.today, mode="飞鸽", areas={"life": "x"})
    assert e.value.field == "mode"


def test_helper_user_visit_counts_for_their_pairing(world, oc):
    girl = register(oc, world, days_ago=60, name="结对儿童")
    helper = Helper.objects.create(name="李爱心", user=world.volunteer, region=world.guangrong)
    oc(pairing_create, actor=world.zhuren, child=girl, helper=helper, mode="一对多", start=world.today - timedelta(days=40))
    t = my_tasks(world.volunteer)
    assert ("visit", "结对儿童") in kinds(t)
    v = visit(oc, world.volunteer, girl, world.today, mode="电话")
    assert v.visitor_role == "helper" and v.helper == helper
    assert ("visit", "结对儿童") not in kinds(my_tasks(world.volunteer))
    assert VisitDue.objects.get(child=girl, role="village_director").last_visit is None  # the director's own visit is still owed


def test_proxy_visit_for_a_helper_without_account(world, oc):
    girl = register(oc, world, days_ago=60, name="代录")
    helper = Helper.objects.create(name="张五老", kind="五老", region=world.guangrong)
    oc(pairing_create, actor=world.zhuren, child=girl, helper=helper, mode="一对一", start=world.today - timedelta(days=40))
    assert VisitDue.objects.get(child=girl, helper=helper).due < world.today
    v = visit(oc, world.zhuren, girl, world.today, helper=helper)
    assert v.visitor_role == "helper" and v.visitor_name == "张五老"
    assert VisitDue.objects.get(child=girl, helper=helper).last_visit == world.today


def test_wish_lifecycle(world, oc):
    girl = register(oc, world, name="心愿")
    w = wish_create(actor=world.zhuren, child=girl, text="一套绘画工具")
    with pytest.raises(Conflict):
        wish_fulfil(actor=world.zhuren, wish=w)               # not claimed yet
    wish_claim(actor=world.zhuren, wish=w, donor_name="县妇联")
    oc(wish_fulfil, actor=world.zhuren, wish=w, note="已送到")
    w.refresh_from_db()
    assert w.status == "fulfilled" and w.fulfilled_on == world.today
    with pytest.raises(Conflict):
        wish_cancel(actor=world.zhuren, wish=w)


def test_two_people_claiming_one_wish_cannot_both_succeed(world, oc):
    """Reproduces a lost update: two pages loaded the wish as open; the second claim overwrote the
    first donor. The service now checks the state as committed."""
    from shouhu.care.models import Wish

    girl = register(oc, world, name="心愿")
    w = wish_create(actor=world.zhuren, child=girl, text="一套绘画工具")
    a, b = Wish.objects.get(pk=w.pk), Wish.objects.get(pk=w.pk)
    wish_claim(actor=world.zhuren, wish=a, donor_name="县妇联")
    with pytest.raises(Conflict):
        wish_claim(actor=world.dudao, wish=b, donor_name="爱心人士")
    stale = Wish.objects.get(pk=w.pk)
    wish_cancel(actor=world.zhuren, wish=Wish.objects.get(pk=w.pk))
    with pytest.raises(Conflict):
        oc(wish_fulfil, actor=world.zhuren, wish=stale)  # loaded as claimed, cancelled meanwhile
    w.refresh_from_db()
    assert w.donor_name == "县妇联" and w.status == "cancelled"


def test_campaign_marks_follow_the_records(world, oc):
    a = register(oc, world, name="甲")
    b = register(oc, world, name="乙", village=world.hongxing)
    camp = oc(campaign_create, actor=world.admin, name="关爱保护月", region=world.county,
                         start=world.today - timedelta(days=10), end=world.today + timedelta(days=20))
    marks = {m.child_id: m for m in CampaignMark.objects.filter(campaign=camp)}
    assert set(marks) == {a.pk, b.pk}
    assert marks[a.pk].ledger and marks[a.pk].done == 1
    visit(oc, world.zhuren, a, world.today)
    oc(contact_record, actor=world.zhuren, child=a, date=world.today, kind="电话", with_whom="父亲")
    helper = Helper.objects.create(name="王老师", kind="教师", region=world.guangrong)
    oc(pairing_create, actor=world.zhuren, child=a, helper=helper, mode="一对多", start=world.today)
    act = Activity(title="读书会", date=world.today, place="村部", organiser="团县委", region=world.guangrong)
    oc(activity_save, actor=world.zhuren, activity=act, children=[a])
    w = wish_create(actor=world.zhuren, child=a, text="书包")
    wish_claim(actor=world.zhuren, wish=w, donor_name="爱心人士")
    oc(wish_fulfil, actor=world.zhuren, wish=w)
    m = CampaignMark.objects.get(campaign=camp, child=a)
    assert (m.ledger, m.pairing, m.contact, m.visit, m.activity, m.wish, m.done) == (True,) * 6 + (6,)
    # a phone visit is not 入户随访
    visit(oc, world.zhuren_hongxing, b, world.today, mode="电话")
    assert not CampaignMark.objects.get(campaign=camp, child=b).visit
    # progress: county → townships; every total is the sum of its rows
    p = campaign_progress(world.admin, camp, {"region": world.county.code})
    assert p.total.counts["total"] == 2 and p.total.counts["all_six"] == 1
    assert {r.label: r.counts["total"] for r in p.rows if r.counts["total"]} == {"毛市镇": 1, "朱河镇": 1}
    for k in p.total.counts:
        assert p.total.counts[k] == sum(r.counts[k] for r in p.rows)
    # the village director sees only their village's marks
    p = campaign_progress(world.zhuren, camp, {"region": world.guangrong.code})
    assert p.total.counts["total"] == 1
    assert [m.child.name for m in campaign_missing(world.admin, camp, {"region": world.county.code}, "visit")] == ["乙"]


def test_rules_change_recomputes_dues(world, oc):
    orphan = register(oc, world, days_ago=20, name="规则", **DEAD)
    assert ("visit", "规则") not in kinds(my_tasks(world.zhuren))
    oc(rules_save, actor=world.admin, rows=[("village_director", "orphan", 10)], contact_days=7, soon_days=0)
    assert ("visit", "规则") in kinds(my_tasks(world.zhuren))
    assert VisitDue.objects.get(child=orphan).interval_days == 10


def test_activity_and_helper_places_must_be_in_scope(world):
    act = Activity(title="夏令营", date=world.today, place="县城", organiser="团县委", region=world.hongxing)
    with pytest.raises(ServiceError) as e:
        activity_save(actor=world.zhuren, activity=act)
    assert e.value.field == "region"
    with pytest.raises(Forbidden):
        helper_save(actor=world.zhuren, helper=Helper(name="外村", region=world.hongxing))
    with pytest.raises(Forbidden):
        helper_save(actor=world.xiaozhang, helper=Helper(name="外校老师", school=world.zhuhe_school))
    assert helper_save(actor=world.xiaozhang, helper=Helper(name="本校老师", kind="教师", school=world.jinxing)).pk
    assert helper_save(actor=world.dudao, helper=Helper(name="镇干部", kind="干部", region=world.lianfu)).pk
    other = Helper.objects.create(name="朱河志愿者", region=world.hongxing)
    other.region = world.guangrong  # moving someone else's helper into my village: still not mine
    with pytest.raises(NotFound):
        helper_save(actor=world.zhuren, helper=other)


def test_progress_from_cells_equals_counting_the_marks(world, oc):
    """The county's page adds up per-village cells; a school's staff count their pupils' marks.
    Both must agree with counting the marks directly, after every kind of change."""
    from django.db.models import Count, Q

    from shouhu.care.models import CampaignCell

    kids = [register(oc, world, name=f"童{i}", village=v, school=world.jinxing, school_class=world.c31)
            for i, v in enumerate([world.guangrong, world.guangrong, world.lianfu, world.hongxing])]
    camp = oc(campaign_create, actor=world.admin, name="保护月", region=world.county,
                         start=world.today - timedelta(days=3), end=world.today + timedelta(days=3))
    visit(oc, world.zhuren, kids[0], world.today)
    oc(contact_record, actor=world.zhuren_lianfu, child=kids[2], date=world.today, kind="电话", with_whom="父亲")
    kids[1].village = world.lianfu                     # a child moves village: both villages' cells change
    oc(child_update, actor=world.admin, child=kids[1])
    for node in (world.county, world.maoshi, world.guangrong, world.lianfu):
        p = campaign_progress(world.admin, camp, {"region": node.code})
        marks = CampaignMark.objects.filter(campaign=camp, village_code__startswith=node.code)
        expect = marks.aggregate(total=Count("pk"), visit=Count("pk", filter=Q(visit=True)), contact=Count("pk", filter=Q(contact=True)))
        assert {k: p.total.counts[k] for k in expect} == expect, node
    assert CampaignCell.objects.get(campaign=camp, village_code=world.lianfu.code).total == 2
    # school staff see their pupils in 毛市镇 counted from the marks, not the whole township's cells
    p = campaign_progress(world.xiaozhang, camp, {"region": world.maoshi.code})
    assert p.total.counts["total"] == 3 and p.total.counts["visit"] == 1
