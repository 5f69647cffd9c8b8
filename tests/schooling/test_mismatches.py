"""人籍一致 closes the loop: each line of a school's two lists has an owner (the school for a roster
pupil with no record; the child's village director for a registered child the roster lacks) and an
answer; answered lines leave the open list and show under 已核实; anyone else gets 404."""
from datetime import date

import pytest

from shouhu.core.errors import NotFound, ServiceError
from shouhu.rules.idcard import make_id
from shouhu.schooling import mismatches as M
from shouhu.schooling.models import RosterEntry, RosterMismatch
from tests.schooling.test_services import login, reg, row, upload


@pytest.fixture
def lists(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kid = reg(world, name="赵不在", sex="男")
        upload(world.xiaozhang, world.jinxing, [row(name="钱未建", idn=make_id("421088", date(2016, 6, 6), 42))])
    return kid, RosterEntry.objects.get(name="钱未建")


def test_answering_both_lists(world, client, lists):
    kid, entry = lists
    url = f"/schooling/schools/{world.jinxing.pk}/"
    login(client, world.xiaozhang)
    html = client.get(url).content.decode()
    assert "钱未建" in html.split('id="rows"')[1] and "记录核实结果" in html
    r = client.post(url + "resolve/", {"list": "unregistered", "ref": entry.pk, "resolution": "other"}, follow=True)
    assert "选择“其他”时请写明情况" in r.content.decode()
    r = client.post(url + "resolve/", {"list": "unregistered", "ref": entry.pk, "resolution": "non_resident", "note": "户籍在湖南，随父母暂住"})
    assert r.status_code == 302
    m = RosterMismatch.objects.get(side="roster")
    assert (m.resolution, m.resolved_by, m.name) == ("non_resident", world.xiaozhang, "钱未建") and m.pupil_key == M.entry_key(entry)
    assert "钱未建" not in client.get(url).content.decode().split('id="rows"')[1]
    assert "非本县常住" in client.get(url + "?state=resolved").content.decode().split('id="rows"')[1]
    # a new upload keeps the answer (the pupil's key, not the entry)
    upload(world.xiaozhang, world.jinxing, [row(name="钱未建", idn=make_id("421088", date(2016, 6, 6), 42))])
    assert "钱未建" not in client.get(url).content.decode().split('id="rows"')[1]
    # the registry side: the school sees the owner, cannot answer
    html = client.get(url + "?list=missing").content.decode().split('id="rows"')[1]
    assert "赵不在" in html and "zhuren" in html and "记录核实结果" not in html
    r = client.post(url + "resolve/", {"list": "missing", "ref": str(kid.uid), "resolution": "moved"})
    assert r.status_code == 404
    # the village director answers from their own page
    login(client, world.zhuren)
    page = client.get("/schooling/mismatches/").content.decode()
    assert "赵不在" in page and "金星小学" in page
    r = client.post(url + "resolve/", {"list": "missing", "ref": str(kid.uid), "resolution": "enrolled", "note": "9月已入学，学籍待转入",
                                       "back": "mine"})
    assert r.status_code == 302 and r["Location"] == "/schooling/mismatches/"
    assert RosterMismatch.objects.get(side="registry").child == kid
    assert "已核实 1 人" in client.get("/schooling/mismatches/").content.decode()
    r = client.get(f"/schooling/schools/{world.jinxing.pk}/export/?list=missing&state=resolved")
    assert r.status_code == 404  # the village director does not read the school's lists
    login(client, world.edu)
    r = client.get(f"/schooling/schools/{world.jinxing.pk}/export/?list=missing&state=resolved")
    import io

    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "赵不在" and "已入学" in rows[1] and "zhuren" in rows[1]


@pytest.mark.parametrize("who, which", [("xiaozhang_zhuhe", "unregistered"), ("xiaozhang_zhuhe", "missing"), ("zhuren_lianfu", "missing"),
                                        ("banzhuren", "unregistered"), ("volunteer", "missing"), ("inspector", "unregistered"),
                                        ("zhuren", "unregistered")])
def test_others_get_404(world, client, lists, who, which):
    kid, entry = lists
    ref = entry.pk if which == "unregistered" else str(kid.uid)
    login(client, getattr(world, who))
    r = client.post(f"/schooling/schools/{world.jinxing.pk}/resolve/", {"list": which, "ref": ref, "resolution": "moved"})
    assert r.status_code == 404
    with pytest.raises(NotFound):
        M.line_for(getattr(world, who), world.jinxing.pk, which, ref)
    assert not RosterMismatch.objects.exists()


def test_the_service_checks(world, lists):
    kid, entry = lists
    with pytest.raises(ServiceError) as e:
        M.mismatch_resolve(actor=world.dudao, school=world.jinxing, which="missing", row=kid, resolution="")
    assert e.value.field == "resolution"
    with pytest.raises(NotFound):
        M.line_for(world.dudao, world.jinxing.pk, "missing", "not-a-uid")
    M.mismatch_resolve(actor=world.dudao, school=world.jinxing, which="missing", row=kid, resolution="moved")
    M.mismatch_resolve(actor=world.admin, school=world.jinxing, which="missing", row=kid, resolution="other", note="改正档案")
    m = RosterMismatch.objects.get()  # answered again: changed, not doubled
    assert (m.resolution, m.resolved_by) == ("other", world.admin)
