"""Request parameters: absent is the default, malformed is a 400 (never a silently wider list)."""
import pytest
from django.core.exceptions import BadRequest

from shouhu.core.params import choice_param, code_param, int_param, page_param
from tests.api_util import api


@pytest.mark.parametrize("params, kw, want", [
    ({}, {}, None),
    ({"n": ""}, {}, None),
    ({"n": " "}, {"default": 7}, 7),
    ({"n": "12"}, {}, 12),
    ({"n": " 3 "}, {}, 3),
    ({"n": "30"}, {"choices": (10, 30, 100)}, 30),
    ({"n": "1"}, {"min_value": 1}, 1),
])
def test_int_param(params, kw, want):
    assert int_param(params, "n", **kw) == want


@pytest.mark.parametrize("params, kw", [
    ({"n": "abc"}, {}), ({"n": "1x"}, {}), ({"n": "1.5"}, {}),
    ({"n": "0"}, {"min_value": 1}), ({"n": "20"}, {"choices": (10, 30, 100)}),
])
def test_int_param_refuses_malformed(params, kw):
    with pytest.raises(BadRequest):
        int_param(params, "n", **kw)


def test_page_code_choice():
    assert page_param({}) == 1 and page_param({"page": "4"}) == 4
    with pytest.raises(BadRequest):
        page_param({"page": "0"})
    assert code_param({"region": "421088"}) == "421088" and code_param({}) == ""
    with pytest.raises(BadRequest):
        code_param({"region": "4210x"})
    assert choice_param({"k": "a"}, "k", {"a", "b"}) == "a" and choice_param({}, "k", {"a"}, default="a") == "a"
    with pytest.raises(BadRequest):
        choice_param({"k": "c"}, "k", {"a", "b"})


def test_a_malformed_filter_is_a_400_page(client, world):
    client.force_login(world.admin)
    assert client.get("/children/?school=abc").status_code == 400
    assert client.get("/children/?per=7").status_code == 400
    assert client.get("/children/?school=").status_code == 200


# -- numbers past 64 bits ------------------------------------------------------------------------
BIG = "34563880560231293423527657472"  # 2^94.8: OverflowError in the database driver, a 500 before


@pytest.mark.parametrize("raw", [str(2**63), str(-(2**63) - 1), BIG])
def test_int_param_refuses_numbers_past_64_bits(raw):
    """Reproduces ?school=34563880560231293423527657472 → OverflowError: int_param let it through."""
    with pytest.raises(BadRequest, match="超出范围"):
        int_param({"n": raw}, "n")


def test_the_64_bit_bounds_are_accepted_and_pages_and_codes_are_bounded():
    assert int_param({"n": str(2**63 - 1)}, "n") == 2**63 - 1 and int_param({"n": str(-(2**63))}, "n") == -(2**63)
    with pytest.raises(BadRequest):
        page_param({"page": "1000001"})
    with pytest.raises(BadRequest):
        code_param({"region": "4210881092001"})  # 13 digits: no region code is that long


@pytest.fixture
def numbered(world):
    """An activity and a campaign, for the pages that take a school or class inside them."""
    from shouhu.care.activities.models import Activity
    from shouhu.care.campaigns.models import Campaign

    world.activity = Activity.objects.create(title="读书会", date=world.today, place="村委会", organiser="光荣村", region=world.guangrong)
    world.campaign = Campaign.objects.create(name="关爱保护月", region=world.county, start=world.today, end=world.today)
    return world


# every place a query parameter reaches an integer column: the pages (children, classes, pairings,
# activities, tasks, campaigns, quality) and the API (children, classes, pairings, tasks, regions,
# quality, campaigns)
PAGES = ["/children/?school={n}", "/children/?class={n}", "/children/class-options/?school={n}",
         "/care/activities/{activity}/?part=candidates&school={n}", "/care/tasks/?kind=visit&page={n}",
         "/care/campaigns/{campaign}/?school={n}", "/care/campaigns/{campaign}/?class={n}", "/quality/?school={n}"]
API = ["/api/v1/children/?school={n}", "/api/v1/children/?class={n}", "/api/v1/classes/?school={n}",
       "/api/v1/pairings/?helper={n}", "/api/v1/tasks/?offset={n}", "/api/v1/regions/?level={n}",
       "/api/v1/quality-issues/?school={n}", "/api/v1/campaigns/{campaign}/progress/?school={n}"]


@pytest.mark.parametrize("url", PAGES)
def test_a_huge_number_on_a_page_is_a_400_with_a_sentence(client, numbered, url):
    """Reproduces the 500 (OverflowError) of ?school=34563880560231293423527657472 on the pages."""
    client.raise_request_exception = False
    client.force_login(numbered.admin)
    r = client.get(url.format(n=BIG, activity=numbered.activity.pk, campaign=numbered.campaign.pk))
    assert r.status_code == 400
    assert "超出范围" in r.content.decode()


@pytest.mark.parametrize("url", API)
def test_a_huge_number_over_the_api_is_a_400_with_code_detail_field(numbered, url):
    """Reproduces the 500 (OverflowError) of ?school=34563880560231293423527657472 over the API."""
    c = api(numbered.admin)
    c.raise_request_exception = False
    r = c.get(url.format(n=BIG, campaign=numbered.campaign.pk))
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "invalid" and "超出范围" in body["detail"] and body["field"] in url


def test_a_number_the_reader_missed_is_still_a_400_not_a_500(client, world, monkeypatch):
    """The net under the readers: an OverflowError from the database is the 400 page, not a 500."""
    from shouhu.registry import views

    def overflow(*a, **kw):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(views.selectors, "list_children", overflow)
    client.raise_request_exception = False
    client.force_login(world.admin)
    r = client.get("/children/")
    assert r.status_code == 400 and "数字超出范围" in r.content.decode()


def test_a_number_the_api_missed_is_a_400_too(world, monkeypatch):
    from shouhu.registry import selectors

    def overflow(*a, **kw):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(selectors, "list_children", overflow)
    r = api(world.admin).get("/api/v1/children/")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
