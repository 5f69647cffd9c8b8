"""兜底保障 and funds over the API: grants listed, registered and stopped by those who handle benefits;
404 for another township and for roles that do not; funds with their balance."""
import pytest
from django.utils import timezone

from shouhu.benefits import services as V
from tests.api_util import api, ids
from tests.benefits.conftest import kids  # noqa: F401 (the fixture)

THIS_MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def grant(world, kids):  # noqa: F811
    return V.grant_create(actor=world.zhuren, child=kids["orphan"], kind="orphan", monthly_amount="1200", start=THIS_MONTH)


def test_grants_list_create_stop(world, kids, grant):  # noqa: F811
    c = api(world.dudao)
    assert ids(c.get("/api/v1/benefits/")) == [grant.pk]
    assert ids(c.get("/api/v1/benefits/?kind=dibao")) == []
    r = c.post("/api/v1/benefits/", {"child": str(kids["poor"].uid), "kind": "dibao", "monthly_amount": "480", "start": THIS_MONTH.isoformat()},
               format="json")
    assert r.status_code == 201 and r.json()["kind_label"] == "最低生活保障（低保）"
    r = c.post("/api/v1/benefits/", {"child": str(kids["poor"].uid), "kind": "dibao", "monthly_amount": "480", "start": THIS_MONTH.isoformat()},
               format="json")
    assert r.status_code == 409 and r.json()["field"] == "kind"
    r = c.post(f"/api/v1/benefits/{grant.pk}/stop/", {"reason": "已纳入特困供养"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "stopped"


def test_grants_are_404_elsewhere(world, grant):
    for user in (world.dudao_zhuhe, world.zhuren_lianfu):
        assert api(user).get(f"/api/v1/benefits/{grant.pk}/").status_code == 404
        assert ids(api(user).get("/api/v1/benefits/")) == []
    for user in (world.xiaozhang, world.banzhuren, world.inspector, world.volunteer):
        assert api(user).get("/api/v1/benefits/").status_code == 404
        assert api(user).get("/api/v1/funds/").status_code == 404


def test_funds_with_balance(world):
    fund = V.fund_create(actor=world.admin, kind="charity_fund", name="爱心基金", source="企业", amount="1000", received_on=world.today,
                         region=world.maoshi)
    V.spend(actor=world.admin, fund=fund, purpose="activity", amount="250", spent_on=world.today, what="六一慰问")
    body = api(world.dudao).get(f"/api/v1/funds/{fund.pk}/").json()
    assert (body["spent"], body["balance"]) == ("250.00", "750.00")
    assert api(world.dudao).get(f"/api/v1/funds/{fund.pk}/spending/").json()[0]["what"] == "六一慰问"
    assert api(world.dudao_zhuhe).get(f"/api/v1/funds/{fund.pk}/").status_code == 404
