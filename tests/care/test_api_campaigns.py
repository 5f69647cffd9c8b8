"""关爱保护月 over the API: every endpoint through the caller's scope (out of scope is the same 404 as missing)."""
from datetime import timedelta

import pytest

from shouhu.care.campaigns.services import campaign_create
from shouhu.care.visits.services import contact_record
from tests.api_util import api, ids


@pytest.fixture
def campaign(world, girl, orphan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        c = campaign_create(actor=world.admin, name="2026年关爱保护月", region=world.maoshi,
                                     start=world.today - timedelta(days=10), end=world.today + timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        contact_record(actor=world.zhuren, child=girl, date=world.today, kind="电话", with_whom="父亲")
    return c


def test_campaign_progress_and_missing(world, girl, orphan, campaign):
    c = api(world.dudao)
    assert ids(c.get("/api/v1/campaigns/")) == [campaign.pk]
    assert c.get(f"/api/v1/campaigns/{campaign.pk}/").json()["region"] == world.maoshi.code
    r = c.get(f"/api/v1/campaigns/{campaign.pk}/progress/")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert [row["label"] for row in body["rows"]] == ["光荣村", "莲福村"]
    assert body["total"]["counts"]["total"] == 2 and body["total"]["counts"]["contact"] == 1
    assert body["rows"][0]["node"] == {"region": world.guangrong.code}
    r = c.get(f"/api/v1/campaigns/{campaign.pk}/progress/?school={world.jinxing.pk}")
    assert r.status_code == 200 and r.json()["total"]["counts"]["total"] == 1
    r = api(world.banzhuren).get(f"/api/v1/campaigns/{campaign.pk}/progress/")
    assert r.status_code == 200 and r.json()["total"]["counts"]["total"] == 1  # her class only
    r = c.get(f"/api/v1/campaigns/{campaign.pk}/missing/?measure=contact")
    assert [m["child"] for m in r.json()["results"]] == [str(orphan.uid)]
    r = c.get(f"/api/v1/campaigns/{campaign.pk}/missing/?measure=pairing&region={world.guangrong.code}")
    assert {m["child"] for m in r.json()["results"]} == {str(girl.uid), str(orphan.uid)}
    assert c.get(f"/api/v1/campaigns/{campaign.pk}/missing/?measure=nonsense").status_code == 400


def test_campaign_out_of_scope(world, girl, campaign):
    c = api(world.zhuren_lianfu)
    # the township's campaign is visible to its villages, but another village's node is not
    assert c.get(f"/api/v1/campaigns/{campaign.pk}/progress/?region={world.guangrong.code}").status_code == 404
    assert c.get(f"/api/v1/campaigns/{campaign.pk}/progress/?school={world.zhuhe_school.pk}").status_code == 404
    assert c.get(f"/api/v1/campaigns/{campaign.pk}/missing/").json()["results"] == []
    assert c.get(f"/api/v1/campaigns/{campaign.pk}/progress/").json()["total"]["counts"]["total"] == 0
    for outsider in (world.zhuren_hongxing, world.xiaozhang_zhuhe, world.dudao_zhuhe):  # another township
        o = api(outsider)
        assert o.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 404
        assert o.get(f"/api/v1/campaigns/{campaign.pk}/missing/").status_code == 404
        assert ids(o.get("/api/v1/campaigns/")) == []
    assert api(world.volunteer).get("/api/v1/campaigns/").status_code == 404
