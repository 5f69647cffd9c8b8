"""控辍保学 pages: the list and one case with the step's main action, errors beside the field, the
written report printable after the attempts; 404 for other schools, villages, volunteers and
statistics-only users."""
from datetime import timedelta

import pytest
from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.schooling import dropout as S
from tests.factories import make_child, years_ago


@pytest.fixture
def case(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kid = make_child(world.zhuren, world.guangrong, name="孙小军", birth_date=years_ago(10), school=world.jinxing, school_class=world.c31)
    return S.dropout_open(trigger="absence", school=world.jinxing, school_class=world.c31, child=kid, streak=5)


def test_attempts_report_and_start_on_the_page(client, world, case):
    client.force_login(world.banzhuren)
    url = f"/schooling/dropout/{case.pk}/"
    page = client.get(url).content.decode()
    assert "记录劝返" in page and "孙小军" in page and "学校劝返（至少两次）" in page
    r = client.post(url + "?act=attempt", {"attempt-on": str(timezone.localdate()), "attempt-note": "家访"})
    assert r.status_code == 400 and "请选择劝返方式" in r.content.decode()
    for mode in ("上门", "电话"):
        assert client.post(url + "?act=attempt", {"attempt-on": str(timezone.localdate()), "attempt-mode": mode,
                                                  "attempt-note": "未果"}).status_code == 302
    page = client.get(url).content.decode()
    assert 'id="form-report"' in page and "打印书面报告" in page
    report = client.get(url + "report/").content.decode()
    assert "关于学生疑似辍学的书面报告" in report and "毛市镇人民政府" in report and "劝返2次" in report
    assert client.post(url + "?act=report", {"report-note": "两次劝返未果"}).status_code == 302
    client.force_login(world.dudao)
    data = {"start-note": "启动", **{f"start-head_{k}": "某某" for k in ("county", "bureau", "township", "principal", "village", "teacher")}}
    r = client.post(url + "?act=start", data)
    assert r.status_code == 400 and "家长" in r.content.decode()
    data["start-head_parent"] = "孙某"
    assert client.post(url + "?act=start", data).status_code == 302
    case.refresh_from_db()
    assert case.state == "township"
    assert client.get("/schooling/dropout/?status=reported").content.decode().count("孙小军") == 1
    r = client.get("/schooling/dropout/?status=all&export=xlsx")
    assert r.status_code == 200 and AccessLog.objects.filter(action="export", scope="控辍保学").exists()


def test_a_late_case_is_listed_as_late(client, world, case):
    S.escalate_dropouts(today=case.due_on + timedelta(days=1))
    client.force_login(world.xiaozhang)
    type(case).objects.filter(pk=case.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    assert "孙小军" in client.get("/schooling/dropout/?status=late").content.decode()


@pytest.mark.parametrize("who", ["xiaozhang_zhuhe", "banzhuren_c32", "dudao_zhuhe", "zhuren_lianfu", "volunteer", "partner", "inspector"])
def test_others_get_404(client, world, case, who):
    client.force_login(getattr(world, who))
    for url in (f"/schooling/dropout/{case.pk}/", f"/schooling/dropout/{case.pk}/report/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/schooling/dropout/{case.pk}/?act=attempt", {"attempt-mode": "上门", "attempt-note": "x"}).status_code == 404
    r = client.get("/schooling/dropout/")
    assert r.status_code == 404 or "孙小军" not in r.content.decode()
