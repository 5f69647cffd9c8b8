"""Roster pages: the county appoints from a vacancy and ends a tenure; the roster filters, searches by
POST and exports; every page is 404 for those of another township and for roles that have no part."""
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from shouhu.accounts.models import Assignment
from shouhu.staffing.models import Appointment, Person, Training, Vacancy


def test_appoint_from_a_vacancy_and_end(client, world, staffed):
    client.force_login(world.admin)
    page = client.get("/staff/vacancies/").content.decode()
    assert page.count('class="list-group-item py-2 d-flex align-items-center gap-2 vacancy"') == 2 and "红星村" in page and "朱河小学" in page
    v = Vacancy.objects.get(region=world.hongxing)
    url = f"/staff/appoint/?kind=village_director&place=r{world.hongxing.pk}"
    assert f'value="r{world.hongxing.pk}" selected' in client.get(url).content.decode()
    r = client.post(url, {"kind": "village_director", "place": f"r{world.hongxing.pk}", "start_on": world.today.isoformat(),
                          "username": "zhuren3", "p-name": "刘小红", "p-phone": "13900002222", "p-other_posts": "村会计"})
    a = Appointment.objects.get(person__name="刘小红")
    assert r.status_code == 302 and r.url == f"/staff/people/{a.person_id}/"
    assert Assignment.objects.filter(user=world.zhuren_hongxing, role="village_director").count() == 1  # the existing grant kept
    v.refresh_from_db()
    assert v.filled_on == world.today
    # the same post again: refused beside the place
    r = client.post(url, {"kind": "village_director", "place": f"r{world.hongxing.pk}", "start_on": world.today.isoformat(), "p-name": "另一人"})
    assert "请先办理现任人员离任" in r.content.decode() and not Appointment.objects.filter(person__name="另一人").exists()

    r = client.post(f"/staff/appointments/{a.pk}/end/", {"end_on": world.today.isoformat(), "reason": "transfer", "note": "调乡镇"})
    assert r.status_code == 302 and Appointment.objects.get(pk=a.pk).end_reason == "transfer"
    assert not Assignment.objects.filter(user=world.zhuren_hongxing).exists()


def test_roster_filters_searches_by_post_and_exports(client, world, staffed):
    client.force_login(world.admin)
    page = client.get("/staff/").content.decode()
    assert "张桂英" in page and "赵红梅" in page and 'href="tel:13800001111"' in page
    page = client.get("/staff/?township=421088101").content.decode()
    assert "赵红梅" in page and "张桂英" not in page
    assert client.get("/staff/?name=张").status_code == 400  # a name never in the URL
    r = client.post("/staff/", {"name": "张桂英", "status": "current"})
    assert "张" not in r.url
    page = client.get(r.url).content.decode()
    assert "张桂英" in page and "赵红梅" not in page
    r = client.get("/staff/?status=all&export=xlsx")
    values = [c for row in load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True) for c in row if c]
    assert "张桂英" in values and "村妇联主席" in values
    assert "队伍建设" in client.get("/").content.decode() and "2 个岗位空缺" in client.get("/").content.decode()


def test_the_township_sees_its_own(client, world, staffed):
    client.force_login(world.dudao)
    page = client.get("/staff/").content.decode()
    assert "张桂英" in page and "赵红梅" not in page and "任命人员" not in page
    assert client.get(f"/staff/people/{staffed['guangrong'].person_id}/").status_code == 200
    page = client.get("/staff/vacancies/").content.decode()
    assert "红星村" not in page and "朱河小学" not in page


URLS = ["/staff/people/{p}/", "/staff/people/{p}/edit/", "/staff/people/{p}/appoint/", "/staff/people/{p}/trainings/new/",
        "/staff/people/{p}/trainings/{t}/certificate/", "/staff/appointments/{a}/end/"]


@pytest.mark.parametrize("url", URLS)
def test_another_township_gets_404(client, world, staffed, media, url):
    a = staffed["zhuhe"]  # 朱河镇's supervisor
    t = Training.objects.create(person=a.person, on=world.today, topic="培训", hours=8,
                                certificate=SimpleUploadedFile("c.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64), content_type="image/png")
    path = url.format(p=a.person_id, a=a.pk, t=t.pk)
    for who in (world.dudao, world.zhuren, world.xiaozhang, world.partner, world.volunteer):
        client.force_login(who)
        assert client.get(path).status_code == 404, (who, path)
    client.force_login(world.dudao_zhuhe)
    assert client.get(path).status_code == (200 if "edit" not in url and "appoint" not in url and "new" not in url and "end" not in url else 404)
    client.force_login(world.admin)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("url, who", [("/staff/", "zhuren"), ("/staff/vacancies/", "xiaozhang"), ("/staff/orgs/", "volunteer"),
                                      ("/staff/appoint/", "dudao")])
def test_roles_without_a_part_get_404(client, world, url, who):
    client.force_login(getattr(world, who))
    assert client.get(url).status_code == 404


def test_training_and_orgs(client, world, staffed, media):
    client.force_login(world.admin)
    p = staffed["guangrong"].person
    r = client.post(f"/staff/people/{p.pk}/trainings/new/", {"on": world.today.isoformat(), "topic": "业务培训", "hours": "8",
                                                            "certificate": SimpleUploadedFile("证书.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)})
    assert r.status_code == 302
    t = Training.objects.get(person=p)
    assert client.get(f"/staff/people/{p.pk}/trainings/{t.pk}/certificate/")["Content-Type"] == "image/png"
    r = client.post("/staff/orgs/", {"name": "监利市阳光社会工作服务中心", "region": world.county.pk, "contact": "周社工", "phone": "0716-1234567",
                                     "active": "on"})
    assert r.status_code == 302
    client.force_login(world.dudao)
    assert "阳光社会工作服务中心" in client.get("/staff/orgs/").content.decode()  # a county org serves the township


def test_the_scoreboards_link_filters_the_vacancies(client, world, staffed):
    client.force_login(world.admin)
    page = client.get("/staff/vacancies/?region=421088101").content.decode()
    assert "红星村" in page and "朱河小学" in page
    page = client.get(f"/staff/vacancies/?school={world.jinxing.pk}").content.decode()
    assert "没有岗位空缺" in page


def test_an_edit_over_someone_elses_change_is_refused(client, world, staffed):

    client.force_login(world.admin)
    p = staffed["guangrong"].person
    r = client.post(f"/staff/people/{p.pk}/edit/", {"name": "张桂英", "phone": "13800009999", "version": p.version})
    assert r.status_code == 302 and Person.objects.get(pk=p.pk).version == p.version + 1
    r = client.post(f"/staff/people/{p.pk}/edit/", {"name": "张桂英", "phone": "13800000000", "version": p.version})  # the old page
    assert "此记录已被他人修改" in r.content.decode() and Person.objects.get(pk=p.pk).phone == "13800009999"
