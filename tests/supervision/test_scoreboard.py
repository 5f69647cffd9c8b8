"""考核 scoreboard: every indicator counted by the app that holds it, townships adding up to the
county; the veto from a missing pupil; a township supervisor reads their own township; the frozen
period stays as it was after later (backdated) edits; the page, its download, the settings, and
the 404 for those with no part in it."""
from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from shouhu.core.errors import Conflict, ServiceError
from shouhu.rules import evaluation as E
from shouhu.schooling import dropout as D
from shouhu.supervision import scoreboard as SB
from shouhu.supervision import services as V
from shouhu.supervision.models import Finding, SupervisionSetting
from tests.factories import make_child, years_ago


@pytest.fixture
def county(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for village, n in ((world.guangrong, 3), (world.lianfu, 2), (world.hongxing, 2)):
            for i in range(n):
                make_child(world.admin, village, name=f"测试{i}", school=world.jinxing if village.parent == world.maoshi else world.zhuhe_school)
    f = V.finding_create(actor=world.admin, unit=world.guangrong, problem="协议未签")
    Finding.objects.filter(pk=f.pk).update(found_on=world.today - timedelta(days=20), due_on=world.today - timedelta(days=10))
    return world


def period_of(today):
    return E.quarter_of(today)


def test_townships_add_up_to_the_county(county):
    year, q = period_of(county.today)
    f = SB.compute(region=county.county, year=year, quarter=q)
    assert [t["label"] for t in f["townships"]] == ["朱河镇", "毛市镇"]
    for ind in f["indicators"]:
        k = ind["key"]
        summed = [sum(t["values"].get(k, [0, 0])[i] for t in f["townships"]) for i in (0, 1)]
        assert summed == f["total"]["values"].get(k, [0, 0]), k
    maoshi = next(t for t in f["townships"] if t["label"] == "毛市镇")
    assert maoshi["values"]["quality"][1] == 5 and maoshi["values"]["rectify"] == [0, 1]
    assert maoshi["values"]["visits"][1] > 0 and maoshi["score"] is not None and not maoshi["veto"]
    jinxing = next(s for s in f["schools"] if s["label"] == "金星小学")
    assert jinxing["values"]["quality"][1] == 5


def test_a_missing_pupil_vetoes_the_township(county):
    case = D.dropout_open(trigger="manual", school=county.jinxing, key=D.pupil_key(school_id=0, name="甲"), name="甲",
                          birth_date=years_ago(11), tell=False)
    D.dropout_missing(actor=county.dudao, case=case, note="联系不上")
    year, q = period_of(county.today)
    f = SB.compute(region=county.county, year=year, quarter=q)
    assert {t["label"]: t["veto"] for t in f["townships"]} == {"毛市镇": True, "朱河镇": False}
    assert next(s for s in f["schools"] if s["label"] == "金星小学")["veto"]


def test_each_reads_their_own(county):
    year, q = period_of(county.today)
    f, frozen = SB.scoreboard(county.dudao, year=year, quarter=q)
    assert [t["label"] for t in f["townships"]] == ["毛市镇"] and [s["label"] for s in f["schools"]] == ["金星小学"] and frozen is None
    assert len(SB.scoreboard(county.inspector, year=year, quarter=q)[0]["townships"]) == 1  # the inspector of 毛市镇
    assert len(SB.scoreboard(county.admin, year=year, quarter=q)[0]["townships"]) == 2


def test_a_frozen_period_stays_after_backdated_edits(county, django_capture_on_commit_callbacks):
    last_quarter = E.quarter_of(E.period_bounds(*period_of(county.today))[0] - timedelta(days=1))
    with pytest.raises(ServiceError):
        SB.scoreboard_freeze(actor=county.admin, year=county.today.year + 1, quarter=1)  # not over yet
    frozen = SB.scoreboard_freeze(actor=county.admin, year=last_quarter[0], quarter=last_quarter[1])
    with pytest.raises(Conflict):
        SB.scoreboard_freeze(actor=county.admin, year=last_quarter[0], quarter=last_quarter[1])
    before = frozen.figures["total"]["values"]["quality"]
    with django_capture_on_commit_callbacks(execute=True):
        make_child(county.admin, county.guangrong, name="补录", reported_on=county.today - timedelta(days=200))  # a backdated record
    assert SB.scoreboard(county.admin, year=last_quarter[0], quarter=last_quarter[1])[0]["total"]["values"]["quality"] == before
    live = SB.scoreboard(county.admin, year=last_quarter[0], quarter=last_quarter[1], live=True)[0]
    assert live["total"]["values"]["quality"][1] == before[1] + 1


def test_the_page_download_and_settings(client, county):
    client.force_login(county.admin)
    page = client.get("/supervision/scoreboard/").content.decode()
    assert "毛市镇" in page and "档案质量" in page and "控辍保学" in page and "/quality/?region=421088109" in page
    r = client.get("/supervision/scoreboard/?export=xlsx")
    values = [c for row in load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True) for c in row if c is not None]
    assert "毛市镇" in values and "金星小学" in values and "合计" in values
    r = client.post("/supervision/scoreboard/settings/", {**{f"{k}_weight": s.weight for k, s in E.INDICATORS.items() if not s.veto},
                                                       **{f"{k}_target": s.target for k, s in E.INDICATORS.items() if not s.veto},
                                                       "quality_weight": 40})
    assert r.status_code == 302 and E.specs(SupervisionSetting.current().indicators)["quality"].weight == 40
    assert client.get("/supervision/scoreboard/?period=bogus").status_code == 200  # the current quarter instead


@pytest.mark.parametrize("who", ["zhuren", "xiaozhang", "volunteer", "partner", "banzhuren"])
def test_others_get_404(client, world, who):
    client.force_login(getattr(world, who))
    for url in ("/supervision/scoreboard/", "/supervision/scoreboard/settings/"):
        assert client.get(url).status_code == 404, url


def test_the_system_suggests_findings(client, county):
    rows = SB.suggestions(region=county.maoshi)
    assert rows and all(r["unit"].code.startswith(county.maoshi.code) for r in rows)
    assert any(r["key"] == "rectify" and r["unit"] == county.guangrong and r["source"] == "recheck" for r in rows)  # the overdue finding
    i = V.inspection_create(actor=county.inspector, region=county.maoshi, kind="routine", planned_on=county.today)
    client.force_login(county.inspector)
    page = client.get(f"/supervision/inspections/{i.pk}/suggestions/").content.decode()
    assert "督查整改按时未达标" in page and "登记为问题" in page
    r = client.get(f"/supervision/findings/new/?inspection={i.pk}&unit={county.guangrong.code}&source=recheck&problem=督查整改按时未达标")
    assert 'value="督查整改按时未达标"' in r.content.decode()
    client.post(f"/supervision/findings/new/?inspection={i.pk}&unit={county.guangrong.code}&source=recheck",
                {"unit": county.guangrong.pk, "problem": "督查整改按时未达标"})
    assert Finding.objects.filter(source="recheck", inspection=i).exists()


def test_the_leaders_screen_shows_the_last_frozen_period(client, county):
    client.force_login(county.admin)
    assert 'id="dashboard-score"' not in client.get("/dashboard/").content.decode()
    last_quarter = E.quarter_of(E.period_bounds(*period_of(county.today))[0] - timedelta(days=1))
    SB.scoreboard_freeze(actor=county.admin, year=last_quarter[0], quarter=last_quarter[1])
    page = client.get("/dashboard/").content.decode()
    assert 'id="dashboard-score"' in page and "毛市镇" in page
    client.force_login(county.dudao)
    page = client.get("/dashboard/").content.decode()
    assert 'id="dashboard-score"' in page and "朱河镇" not in page.split('id="dashboard-score"')[1].split("</ul>")[0]
