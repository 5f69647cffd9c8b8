"""兜底保障 services: the 兜底率 by unit, grants, the 事实无人抚养 application, funds and spending within the
balance, payment rolls that add up to the fund's spending and never pay a grant twice; the alert and the
record check they feed."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shouhu.benefits import selectors as S
from shouhu.benefits import services as V
from shouhu.benefits.models import Grant, PaymentLine, Spending
from shouhu.core.errors import Forbidden, NotFound, ServiceError
from shouhu.notify.models import Notification
from shouhu.protection.models import Alert
from shouhu.protection.services import evaluate_children
from shouhu.quality.models import Issue
from shouhu.quality.services import recheck_children
from shouhu.regions.models import Place
from shouhu.registry.hooks import indicators
from shouhu.registry.models import Child

THIS_MONTH = timezone.localdate().replace(day=1)


def test_the_rate_by_township_and_village(world, kids):
    county = S.region_coverage(world.admin, world.county, THIS_MONTH)
    assert (county["covered"], county["eligible"], county["rate"]) == (0, 3, 0.0)
    V.grant_create(actor=world.zhuren, child=kids["orphan"], kind="orphan", monthly_amount="1200", start=THIS_MONTH)
    county = S.region_coverage(world.admin, world.county, THIS_MONTH)
    units = {u["name"]: (u["covered"], u["eligible"]) for u in county["units"]}
    assert units == {"毛市镇": (1, 2), "朱河镇": (0, 1)} and county["rate"] == 33.3
    # the township's villages add up to the township's row
    maoshi = S.region_coverage(world.dudao, world.maoshi, THIS_MONTH)
    assert {u["name"]: (u["covered"], u["eligible"]) for u in maoshi["units"]} == {"光荣村": (1, 2), "莲福村": (0, 0)}
    assert [c.name for c, cov in S.missing_children(world.dudao, world.maoshi, THIS_MONTH)] == ["贫小红"]
    # 特困供养 covers the de facto child's basic living: not paid twice, covered
    V.grant_create(actor=world.admin, child=kids["de_facto"], kind="tekun", monthly_amount="900", start=THIS_MONTH)
    assert S.region_coverage(world.admin, world.zhuhe, THIS_MONTH)["rate"] == 100.0


def test_scope_another_township_and_roles_without_benefits(world, kids):
    g = V.grant_create(actor=world.zhuren, child=kids["orphan"], kind="orphan", monthly_amount="1200", start=THIS_MONTH)
    for user in (world.dudao_zhuhe, world.zhuren_lianfu, world.xiaozhang, world.banzhuren, world.inspector):
        with pytest.raises(NotFound):
            S.grant_for(user, g.pk)
    with pytest.raises(NotFound):
        V.grant_create(actor=world.zhuren_hongxing, child=kids["orphan"], kind="orphan", monthly_amount="1", start=THIS_MONTH)
    with pytest.raises(NotFound):
        S.region_for(world.dudao_zhuhe, world.maoshi.code)


def test_a_grant_is_not_entered_twice_and_stops_in_words(world, kids):
    g = V.grant_create(actor=world.zhuren, child=kids["orphan"], kind="orphan", monthly_amount="1200", start=THIS_MONTH)
    with pytest.raises(ServiceError, match="已有孤儿基本生活费") as e:
        V.grant_create(actor=world.zhuren, child=kids["orphan"], kind="orphan", monthly_amount="1200", start=THIS_MONTH)
    assert e.value.field == "kind"
    with pytest.raises(ServiceError, match="大于0"):
        V.grant_create(actor=world.zhuren, child=kids["poor"], kind="dibao", monthly_amount="0", start=THIS_MONTH)
    with pytest.raises(ServiceError, match="请填写原因"):
        V.grant_stop(actor=world.zhuren, grant=g, reason=" ")
    g = V.grant_stop(actor=world.zhuren, grant=g, reason="已纳入特困供养")
    assert (g.status, g.end) == ("stopped", THIS_MONTH)
    V.grant_create(actor=world.zhuren, child=kids["orphan"], kind="orphan", monthly_amount="1300",
                   start=date(THIS_MONTH.year + (THIS_MONTH.month == 12), THIS_MONTH.month % 12 + 1, 1))  # after the stop: fine


def test_the_application_flow(world, kids, monkeypatch):
    child = kids["de_facto"]
    a = V.application_create(actor=world.zhuren_hongxing, child=child, applicant="祖母 实秀英", monthly_amount="1100",
                             applied_on=world.today)
    assert a.state == "applied" and a.due_on > world.today
    with pytest.raises(ServiceError, match="已有办理中的申请"):
        V.application_create(actor=world.zhuren_hongxing, child=child, applicant="x", monthly_amount="1", applied_on=world.today)
    with pytest.raises(Forbidden):  # a village director cannot confirm
        V.application_act(actor=world.zhuren_hongxing, application=a, action="confirm")
    a = V.application_act(actor=world.dudao_zhuhe, application=a, action="check", note="已入户查验")
    a = V.application_act(actor=world.admin, application=a, action="confirm")
    assert a.state == "confirmed"
    with pytest.raises(ServiceError, match="期满后"):
        V.application_act(actor=world.admin, application=a, action="publish")
    later = timezone.now() + timedelta(days=8)
    a = V.application_act(actor=world.admin, application=a, action="publish", now=later)
    g = Grant.objects.get(application=a)
    assert a.state == "published" and g.kind == "de_facto" and g.monthly_amount == Decimal("1100") and g.start > world.today
    assert [s.action for s in a.steps.all()] == ["apply", "check", "confirm", "publish"]


def test_an_application_for_a_child_the_record_does_not_support_is_stopped_at_the_check(world, kids):
    a = V.application_create(actor=world.zhuren_lianfu, child=kids["plain"], applicant="爷爷", monthly_amount="1100", applied_on=world.today)
    with pytest.raises(ServiceError, match="不符合事实无人抚养儿童认定条件"):
        V.application_act(actor=world.dudao, application=a, action="check")


def test_spending_stays_within_the_balance_and_a_voucher_counts_once(world, kids):
    fund = V.fund_create(actor=world.admin, kind="charity_fund", name="爱心基金", source="某爱心企业", amount="1000", received_on=world.today,
                         region=world.county)
    V.spend(actor=world.admin, fund=fund, purpose="place", amount="300", spent_on=world.today, what="儿童之家图书", voucher_no="P-001")
    assert S.balance(fund) == Decimal("700.00")
    with pytest.raises(ServiceError, match="凭证号 P-001 已登记") as e:
        V.spend(actor=world.admin, fund=fund, purpose="place", amount="10", spent_on=world.today, what="又一笔", voucher_no="P-001")
    assert e.value.field == "voucher_no"
    with pytest.raises(ServiceError, match="余额不足"):
        V.spend(actor=world.admin, fund=fund, purpose="activity", amount="701", spent_on=world.today, what="六一慰问")
    V.spend(actor=world.admin, fund=fund, purpose="child", amount="200", spent_on=world.today, what="助学", child=kids["poor"])
    with pytest.raises(NotFound):  # a township supervisor keeps only its township's funds
        S.fund_for(world.dudao, fund.pk)


def test_a_roll_adds_up_to_the_spending_and_pays_a_grant_once_a_month(world, kids):
    fund = V.fund_create(actor=world.admin, kind="special", name="孤儿保障专项", source="县财政", amount="100000",
                         received_on=THIS_MONTH, region=world.county)
    V.grant_create(actor=world.zhuren, child=kids["orphan"], kind="orphan", monthly_amount="1200.50", start=THIS_MONTH)
    V.grant_create(actor=world.admin, child=kids["de_facto"], kind="de_facto", monthly_amount="1100", start=THIS_MONTH)
    V.grant_create(actor=world.zhuren_lianfu, child=kids["plain"], kind="orphan", monthly_amount="1000", start=THIS_MONTH)  # not eligible
    roll, left = V.roll_make(actor=world.admin, fund=fund, month=THIS_MONTH, kinds=["orphan", "de_facto"])
    assert sorted(x.child.name for x in roll.lines.all()) == ["孤小明", "实小刚"]
    assert [(g.child.name, why) for g, why in left] == [("留小军", "已不符合条件")]
    assert roll.total == Decimal("2300.50")
    with pytest.raises(ServiceError, match="没有可发放的记录"):  # each grant is on this month's roll already
        V.roll_make(actor=world.admin, fund=fund, month=THIS_MONTH, kinds=["orphan", "de_facto"])
    s = V.roll_pay(actor=world.admin, roll=roll, paid_on=world.today)
    assert s.amount == sum(x.amount for x in PaymentLine.objects.filter(roll=roll)) == Decimal("2300.50")
    assert Spending.objects.get(roll=roll).purpose == "roll" and S.balance(fund) == Decimal("97699.50")
    with pytest.raises(ServiceError, match="已发放"):
        V.roll_pay(actor=world.admin, roll=roll, paid_on=world.today)


def test_eligible_children_receiving_nothing_raise_a_yellow_alert_once_grants_are_kept(world, kids, oc):

    ids = [k.pk for k in kids.values()]
    evaluate_children(ids)
    assert not Alert.objects.filter(code="benefit_missing").exists()  # the ledger is not in use yet
    assert Alert.objects.filter(code="poor_no_benefit", child=kids["poor"]).exists()
    oc(V.grant_create, actor=world.zhuren, child=kids["orphan"], kind="orphan", monthly_amount="1200", start=THIS_MONTH)
    evaluate_children(ids)
    missing = dict(Alert.objects.filter(code="benefit_missing", holds=True).values_list("child__name", "facts"))
    assert missing == {"贫小红": "应享未享：低保或特困供养（低保户、特困户）", "实小刚": "应享未享：事实无人抚养儿童基本生活保障"}
    assert not Alert.objects.filter(code="poor_no_benefit", holds=True).exists()  # one alert for one fact


def test_a_benefit_paid_without_a_need_is_a_quality_issue(world, kids, oc):
    oc(V.grant_create, actor=world.zhuren_lianfu, child=kids["plain"], kind="dibao", monthly_amount="500", start=THIS_MONTH)
    recheck_children([kids["plain"].pk])
    # 低保 on the ledger is a 低保 the record does not know: the record says not poor
    issue = Issue.objects.get(child=kids["plain"], code="benefit_unmet")
    assert "最低生活保障" in issue.message


def test_a_form_save_rechecks_only_its_childs_grants(world, kids, oc):
    """A county pays tens of thousands of grants: one child's recheck (a form save) reads its own."""
    oc(V.grant_create, actor=world.zhuren_lianfu, child=kids["plain"], kind="dibao", monthly_amount="500", start=THIS_MONTH)
    assert S.unmet_grants(today=world.today, child_ids=[kids["orphan"].pk]) == {}
    assert list(S.unmet_grants(today=world.today, child_ids=[kids["plain"].pk])) == [kids["plain"].pk]
    with CaptureQueriesContext(connection) as cq:
        recheck_children([kids["orphan"].pk])
    reads = [q["sql"] for q in cq.captured_queries if 'FROM "benefits_grant"' in q["sql"]]
    assert reads and all('"benefits_grant"."child_id" IN' in q for q in reads), reads
    assert Issue.objects.get(code="benefit_unmet").child_id == kids["plain"].pk  # the other child's issue stands


def test_the_indicator_counts_by_village(world, kids):
    V.grant_create(actor=world.zhuren, child=kids["orphan"], kind="orphan", monthly_amount="1200", start=THIS_MONTH)
    counts = indicators()["benefits"].counts(first=THIS_MONTH, last=world.today, today=world.today)
    assert counts["places"] == {world.guangrong.code: (1, 2), world.hongxing.code: (0, 1)}
    assert Child.objects.count() == 4


def test_a_late_application_tells_whoever_takes_the_step_once(world, kids):

    a = V.application_create(actor=world.zhuren_hongxing, child=kids["de_facto"], applicant="祖母", monthly_amount="1100",
                             applied_on=world.today - timedelta(days=40))
    assert V.escalate_applications(today=world.today) == 1
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"dudao2"}  # 朱河镇's supervisor checks it; nobody of 毛市镇
    assert V.escalate_applications(today=world.today) == 0  # once per deadline
    a = V.application_act(actor=world.dudao_zhuhe, application=a, action="check")
    assert V.escalate_applications(today=a.due_on + timedelta(days=1)) == 1
    assert "admin" in set(Notification.objects.values_list("user__username", flat=True))


def test_spending_on_a_place_stays_within_the_funds_region(world):

    fund = V.fund_create(actor=world.admin, kind="charity_fund", name="毛市镇爱心基金", source="企业", amount="1000", received_on=world.today,
                         region=world.maoshi)
    home = Place.objects.create(kind="children_home", name="光荣村儿童之家", region=world.guangrong)
    elsewhere = Place.objects.create(kind="children_home", name="红星村儿童之家", region=world.hongxing)
    s = V.spend(actor=world.admin, fund=fund, purpose="place", amount="300", spent_on=world.today, what="图书", place=home)
    assert s.place == home
    with pytest.raises(ServiceError, match="不在这项资金的使用范围内"):
        V.spend(actor=world.admin, fund=fund, purpose="place", amount="300", spent_on=world.today, what="图书", place=elsewhere)
