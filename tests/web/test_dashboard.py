"""The leaders' screen (/dashboard/) and the monthly briefing: counts only, by the reader's reach."""
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from shouhu.reports import selectors as R
from shouhu.rules.small_counts import SMALL
from tests.factories import make_child


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kids(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = [make_child(world.zhuren, world.guangrong, name=f"陆金{i}") for i in range(6)]
        out.append(make_child(world.zhuren, world.guangrong, name="王小军", living_alone=True, birth_date=timezone.localdate().replace(year=timezone.localdate().year - 11)))
        out.append(make_child(world.zhuren_hongxing, world.hongxing, name="李小红"))
    return out


def _charts(response):
    html = response.content.decode()
    start = html.index(">", html.index('id="dashboard-data"')) + 1
    return json.loads(html[start:html.index("</script>", start)])


def test_the_county_admin_sees_every_township_and_each_bar_leads_to_its_list(client, world, kids):
    client.force_login(world.admin)
    assert 'id="dashboard-link"' in client.get("/").content.decode()  # linked from the home page
    r = client.get("/dashboard/")
    assert r.status_code == 200
    page = r.content.decode()
    assert "陆金" not in page and "王小军" not in page  # counts only, never a name
    charts = _charts(r)
    base = charts["chart-base"]
    assert base["labels"] == ["朱河镇", "毛市镇"]
    registered = base["series"][0]["data"]
    assert registered == [1, 7] and sum(registered) == 8  # the townships add up to the county
    assert base["links"][1][1] == f"/children/?region={world.maoshi.code}&category=left_behind"
    assert charts["chart-alerts"]["links"][0][1] == f"/protection/alerts/?level=red&region={world.maoshi.code}"
    assert charts["chart-dropout"]["links"][1][1] == "/schooling/dropout/figures/"  # the county admin reads figures, works no case
    assert charts["chart-trend"]["series"][0]["data"][-1] == 8  # this month, rebuilt from history
    assert charts["chart-trend"]["links"][0][-1].startswith(f"/reports/?node={world.county.code}&month=")
    assert 'data-code="421088109"' in page and f'href="/dashboard/?node={world.maoshi.code}"' in page


def test_a_township_supervisor_sees_their_township_by_village_and_no_other(client, world, kids):
    client.force_login(world.dudao)
    r = client.get("/dashboard/")
    assert r.status_code == 200
    charts = _charts(r)
    assert charts["chart-base"]["labels"] == ["光荣村", "莲福村"]
    assert charts["chart-dropout"]["links"][1][0] == f"/schooling/dropout/?status=late&region={world.guangrong.code}"
    assert client.get(f"/dashboard/?node={world.zhuhe.code}").status_code == 404
    assert client.get(f"/dashboard/?node={world.hongxing.code}").status_code == 404
    assert client.get(f"/dashboard/?node={world.county.code}").status_code == 404
    assert client.get("/dashboard/?node=abc").status_code == 404
    assert client.get(f"/dashboard/briefing/?node={world.zhuhe.code}").status_code == 404
    client.force_login(world.dudao_zhuhe)
    assert client.get(f"/dashboard/?node={world.maoshi.code}").status_code == 404


@pytest.mark.parametrize("who", ["zhuren", "xiaozhang", "banzhuren", "volunteer"])
def test_others_get_404(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get("/dashboard/").status_code == 404
    assert client.get("/dashboard/briefing/").status_code == 404


def test_statistics_only_readers_get_small_counts_suppressed_and_no_links(client, world, kids):
    client.force_login(world.partner)
    r = client.get("/dashboard/")
    assert r.status_code == 200
    base = _charts(r)["chart-base"]
    assert base["series"][0]["data"][0] == SMALL  # 朱河镇: 1 child
    assert all(link == "" for row in base["links"] for link in row)  # no list behind a bar for a partner
    page = client.get(f"/dashboard/briefing/?node={world.county.code}&month={timezone.localdate():%Y-%m}").content.decode()
    assert "&lt;5" in page and "陆金" not in page


def test_the_trend_is_the_reports_reconstruction(world, kids):
    """Each month of the trend equals the monthly report's own count for that month."""
    today = timezone.localdate()
    months = [today.replace(day=1)]
    (point,) = R.month_series(node=world.county, months=months)
    direct = R.direct_totals(node=world.county, month=today)["categories"]
    assert (point["total"], point["left_behind"], point["difficulty"]) == (direct["total"], direct["left_behind"], direct["difficulty"])
    (town,) = R.month_series(node=world.maoshi, months=months)
    assert town["total"] == 7


def test_the_briefing_prints_the_months_figures(client, world, kids):
    client.force_login(world.admin)
    month = timezone.localdate().strftime("%Y-%m")
    page = client.get(f"/dashboard/briefing/?month={month}").content.decode()
    assert "月度简报" in page and 'id="brief-care"' in page and 'id="brief-protection"' in page and 'id="brief-dropout"' in page
    assert "陆金" not in page


def test_the_lists_behind_the_bars_filter_by_place(client, world, kids):
    """The alert list and the dropout list take the place a bar stands for (`region`)."""
    client.force_login(world.admin)
    maoshi = client.get(f"/protection/alerts/?level=red&region={world.maoshi.code}").content.decode()
    zhuhe = client.get(f"/protection/alerts/?level=red&region={world.zhuhe.code}").content.decode()
    assert "王小军" in maoshi and "王小军" not in zhuhe  # the child living alone, 光荣村 (毛市镇)
    assert client.get(f"/schooling/dropout/?status=late&region={world.zhuhe.code}").status_code == 404  # the county admin works no case
    client.force_login(world.dudao)
    assert client.get(f"/schooling/dropout/?status=open&region={world.maoshi.code}").status_code == 200


def test_an_inspector_and_a_village_screen(client, world, kids):
    """The inspector of 毛市镇 reads its screen (counts; the children list behind a bar is theirs to
    read) and a village's screen below it; the village's own director has none."""
    client.force_login(world.inspector)
    r = client.get("/dashboard/")
    assert r.status_code == 200 and _charts(r)["chart-base"]["labels"] == ["光荣村", "莲福村"]
    r = client.get(f"/dashboard/?node={world.guangrong.code}")
    assert r.status_code == 200 and _charts(r)["chart-base"]["series"][0]["data"] == [7]
    assert f'href="/dashboard/?node={world.maoshi.code}"' in r.content.decode()  # back up to the township
    assert client.get(f"/dashboard/?node={world.hongxing.code}").status_code == 404
