"""The supervision pages: the inspector plans, draws and checks on a phone; the unit answers with a
photo; the township re-checks; the list filters and exports; every page is 404 for those of another
village, township or school, and for roles that have no part in it."""
from io import BytesIO

import pytest
from openpyxl import load_workbook

from shouhu.audit.models import AccessLog
from shouhu.supervision import services as V
from shouhu.supervision.models import Finding, Inspection, SampleItem

from .conftest import png


def test_plan_draw_check_and_answer(client, world, kids, media):
    client.force_login(world.inspector)
    r = client.post("/supervision/inspections/new/", {"region": world.maoshi.pk, "kind": "unannounced", "planned_on": world.today.isoformat(),
                                                     "units": [world.guangrong.pk]})
    i = Inspection.objects.get()
    assert r.status_code == 302 and i.title.startswith("毛市镇明察暗访")
    r = client.post(f"/supervision/inspections/{i.pk}/", {"village": world.guangrong.pk, "size": 2})
    item = SampleItem.objects.first()
    assert r.url == f"/supervision/samples/{item.sample_id}/"
    page = client.get(r.url).content.decode()
    assert item.child.name in page and "实际照护人与档案一致" in page
    r = client.post(f"/supervision/samples/{item.sample_id}/", {"item": item.pk, "present": "yes", "carer": "no", "visits": "yes",
                                                               "agreement": "yes", "note": "由邻居照看", "photo": png("现场.png")})
    f = Finding.objects.get()
    assert r.status_code == 302 and f.child_id == item.child_id and f.files.count() == 1

    client.force_login(world.zhuren)
    page = client.get(f"/supervision/findings/{f.pk}/").content.decode()
    assert "提交整改" in page and "复核通过" not in page
    assert client.get(f"/supervision/findings/{f.pk}/files/{f.files.get().pk}/")["Content-Type"] == "image/png"
    assert AccessLog.objects.filter(user=world.zhuren, child_id=f.child_id, detail__contains="佐证材料").exists()  # evidence is read like the record
    r = client.post(f"/supervision/findings/{f.pk}/", {"action": "answer", "answer-note": "已更正照护人"})
    assert "请上传整改佐证材料" in r.content.decode()  # beside the form, nothing saved
    r = client.post(f"/supervision/findings/{f.pk}/", {"action": "answer", "answer-note": "已更正照护人", "answer-files": [png()]})
    assert r.status_code == 302 and Finding.objects.get().state == "answered"

    client.force_login(world.dudao)
    assert "复核通过" in client.get(f"/supervision/findings/{f.pk}/").content.decode()
    client.post(f"/supervision/findings/{f.pk}/", {"action": "pass", "pass-note": ""})
    assert Finding.objects.get().state == "passed"


def test_the_list_filters_and_exports(client, world):
    V.finding_create(actor=world.inspector, unit=world.guangrong, problem="协议未签")
    V.finding_create(actor=world.inspector, unit=world.lianfu, problem="走访不实")
    client.force_login(world.zhuren)
    page = client.get("/supervision/").content.decode()
    assert "协议未签" in page and "走访不实" not in page and "新建督查" not in page
    client.force_login(world.dudao)
    r = client.get("/supervision/?state=open&export=xlsx")
    values = [c for row in load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True) for c in row if c]
    assert "协议未签" in values and "走访不实" in values
    assert "督查整改" in client.get("/").content.decode()  # in the menu


@pytest.fixture
def finding(world, media):
    return V.finding_create(actor=world.inspector, unit=world.guangrong, problem="协议未签", files=[png()])


@pytest.mark.parametrize("who", ["zhuren_lianfu", "zhuren_hongxing", "dudao_zhuhe", "xiaozhang", "volunteer", "partner"])
def test_another_unit_gets_404(client, world, finding, who):
    client.force_login(getattr(world, who))
    for url in (f"/supervision/findings/{finding.pk}/", f"/supervision/findings/{finding.pk}/files/{finding.files.get().pk}/"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["zhuren", "dudao", "xiaozhang", "volunteer", "edu"])
def test_inspections_are_the_inspectors(client, world, kids, who):
    i = V.inspection_create(actor=world.inspector, region=world.maoshi, kind="routine", planned_on=world.today)
    s = V.sample_draw(actor=world.inspector, inspection=i, village=world.guangrong, size=1)
    client.force_login(getattr(world, who))
    for url in (f"/supervision/inspections/{i.pk}/", f"/supervision/samples/{s.pk}/", "/supervision/inspections/new/",
                "/supervision/findings/new/"):
        assert client.get(url).status_code == 404, url


def test_accountability_page(client, world, finding):
    client.force_login(world.admin)
    r = client.post("/supervision/accountability/", {"unit": world.guangrong.pk, "person": "张某（儿童主任）", "measure": "notice",
                                                    "reason": "协议未签且逾期", "decided_on": world.today.isoformat(), "findings": [finding.pk]})
    assert r.status_code == 302
    client.force_login(world.zhuren)
    page = client.get("/supervision/accountability/").content.decode()
    assert "通报" in page and "记录问责决定</strong>" not in page and "<button class=\"btn btn-primary btn-lg w-100\">记录问责" not in page
