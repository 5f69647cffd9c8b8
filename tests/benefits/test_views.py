"""兜底保障 pages: the county drills from the 兜底率 to a township's missing children; grants,
applications, funds and rolls on a phone; every page is 404 for another township and for roles that do
not handle benefits; lists export; amounts stay with those who handle them."""
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from shouhu.audit.models import AccessLog
from shouhu.benefits import services as V
from shouhu.benefits.models import Fund, Grant, PaymentRoll

THIS_MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def setup(world, kids):
    g = V.grant_create(actor=world.zhuren, child=kids["orphan"], kind="orphan", monthly_amount="1200", start=THIS_MONTH)
    a = V.application_create(actor=world.zhuren, child=kids["orphan"], applicant="外婆", monthly_amount="1100", applied_on=world.today)
    fund = V.fund_create(actor=world.admin, kind="special", name="专项经费", source="县财政", amount="5000", received_on=world.today,
                         region=world.maoshi)
    roll, _ = V.roll_make(actor=world.admin, fund=fund, month=THIS_MONTH, kinds=["orphan"])
    return {"grant": g, "application": a, "fund": fund, "roll": roll}


def test_the_county_sees_the_rate_and_a_townships_missing_children(client, world, kids, setup):
    client.force_login(world.admin)
    page = client.get("/benefits/").content.decode()
    assert "33.3%" in page and "毛市镇" in page and "朱河镇" in page
    page = client.get(f"/benefits/?region={world.maoshi.code}").content.decode()
    assert "光荣村" in page and "50.0%" in page
    page = client.get(f"/benefits/missing/?region={world.maoshi.code}").content.decode()
    assert "贫小红" in page and "低保或特困供养" in page and "孤小明" not in page
    assert AccessLog.objects.filter(user=world.admin, action="list", detail__contains="应享未享").exists()
    r = client.get(f"/benefits/missing/?region={world.county.code}&export=xlsx")
    values = [c for row in load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True) for c in row if c]
    assert "贫小红" in values and "实小刚" in values
    assert "兜底保障率" in client.get("/").content.decode()  # in the menu


def test_every_page_is_404_for_another_township_and_for_roles_without_benefits(client, world, setup):
    urls = [f"/benefits/grants/{setup['grant'].pk}/", f"/benefits/applications/{setup['application'].pk}/",
            f"/benefits/child/{setup['grant'].child.uid}/grant/", f"/benefits/child/{setup['grant'].child.uid}/apply/",
            f"/benefits/?region={world.maoshi.code}", f"/benefits/missing/?region={world.maoshi.code}",
            f"/benefits/funds/{setup['fund'].pk}/", f"/benefits/rolls/{setup['roll'].pk}/"]
    for user in (world.dudao_zhuhe, world.zhuren_hongxing):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, url)
    for user in (world.xiaozhang, world.banzhuren, world.inspector, world.volunteer, world.edu):
        client.force_login(user)
        for url in ["/benefits/", "/benefits/grants/", "/benefits/funds/", *urls]:
            assert client.get(url).status_code == 404, (user.username, url)
        assert "兜底保障" not in client.get("/").content.decode()


def test_grants_on_the_child_page_only_for_those_who_handle_benefits(client, world, kids, setup):
    client.force_login(world.zhuren)
    page = client.get(f"/children/{kids['orphan'].uid}/").content.decode()
    assert "兜底保障" in page and "1,200.00 元/月" in page
    client.force_login(world.xiaozhang)
    kid = kids["orphan"]
    page = client.get(f"/children/{kid.uid}/").content.decode() if kid.school_id == world.jinxing.pk else ""
    assert "1,200.00" not in page


def test_register_stop_and_export_grants(client, world, kids):
    client.force_login(world.zhuren)
    r = client.post(f"/benefits/child/{kids['poor'].uid}/grant/", {"kind": "dibao", "monthly_amount": "", "start": THIS_MONTH.strftime("%Y-%m")})
    assert "is-invalid" in r.content.decode() and not Grant.objects.exists()
    r = client.post(f"/benefits/child/{kids['poor'].uid}/grant/", {"kind": "dibao", "monthly_amount": "480", "start": THIS_MONTH.strftime("%Y-%m")})
    g = Grant.objects.get()
    assert r.status_code == 302 and g.start == THIS_MONTH
    r = client.post(f"/benefits/grants/{g.pk}/", {"action": "stop", "reason": "", "last_month": ""})
    assert "is-invalid" in r.content.decode()
    client.post(f"/benefits/grants/{g.pk}/", {"action": "stop", "reason": "家庭收入已超过低保标准", "last_month": ""})
    assert Grant.objects.get().status == "stopped"
    r = client.get("/benefits/grants/?export=xlsx")
    values = [c for row in load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True) for c in row if c]
    assert "贫小红" in values and "家庭收入已超过低保标准" in values


def test_the_application_on_a_phone(client, world, kids):
    client.force_login(world.zhuren_hongxing)
    r = client.post(f"/benefits/child/{kids['de_facto'].uid}/apply/", {"applicant": "祖母", "monthly_amount": "1100",
                                                                      "applied_on": world.today.isoformat(), "note": ""})
    assert r.status_code == 302
    client.force_login(world.dudao_zhuhe)
    page = client.get(r.url).content.decode()
    assert "乡镇查验通过" in page and "县级确认" not in page
    client.post(r.url, {"action": "check", "note": "已入户"})
    client.force_login(world.admin)
    assert "县级确认" in client.get(r.url).content.decode()


def test_funds_spending_and_the_roll_for_the_finance_office(client, world, kids):
    V.grant_create(actor=world.zhuren, child=kids["orphan"], kind="orphan", monthly_amount="1200", start=THIS_MONTH)
    client.force_login(world.admin)
    r = client.post("/benefits/funds/", {"kind": "special", "name": "孤儿保障专项", "source": "县财政", "amount": "10000",
                                         "received_on": world.today.isoformat(), "region": world.county.pk})
    fund = Fund.objects.get()
    assert r.status_code == 302
    r = client.post(f"/benefits/funds/{fund.pk}/", {"purpose": "place", "amount": "20000", "spent_on": world.today.isoformat(), "what": "修缮"})
    assert "余额不足" in r.content.decode()
    r = client.post("/benefits/rolls/", {"fund": fund.pk, "month": THIS_MONTH.strftime("%Y-%m"), "kinds": ["orphan"]})
    roll = PaymentRoll.objects.get()
    assert r.url == f"/benefits/rolls/{roll.pk}/"
    rows = list(load_workbook(BytesIO(client.get(f"{r.url}?export=xlsx").content)).active.iter_rows(values_only=True))
    assert any("孤小明" in row for row in rows)
    client.post(r.url, {"action": "pay", "paid_on": world.today.isoformat()})
    assert PaymentRoll.objects.get().state == "paid"
    assert "8,800.00" in client.get(f"/benefits/funds/{fund.pk}/").content.decode()
    client.force_login(world.dudao)  # a county fund is the county's
    assert client.get(f"/benefits/funds/{fund.pk}/").status_code == 404


def test_pages_naming_children_are_in_the_access_log(client, world, kids, setup):
    client.force_login(world.admin)
    client.get(f"/benefits/child/{kids['de_facto'].uid}/apply/")
    client.get(f"/benefits/funds/{setup['fund'].pk}/")
    assert AccessLog.objects.filter(user=world.admin, child=kids["de_facto"], detail="认定申请").exists()
    assert AccessLog.objects.filter(user=world.admin, scope="资金", detail__contains="支出明细").exists()
