"""Pages of daily care work: my tasks, visit and contact forms, visit list and detail, the care
month, visit rules. Each one: what the user sees, the write it makes, and 404 for other
villages' and schools' users."""
from datetime import timedelta

import pytest

from shouhu.audit.models import AccessLog
from shouhu.care.dues.services import refresh_all
from shouhu.care.models import Campaign, FamilyContact, Visit, VisitDue, VisitRule
from shouhu.care.visits.services import visit_record
from shouhu.registry.models import Child
from shouhu.registry.services import child_register
from tests.factories import child_values

DEAD = dict(father_situation="死亡", father_work_province="", father_work_city="", father_since=None, father_phone="",
            mother_situation="死亡", mother_work_province="", mother_work_city="", mother_since=None, mother_phone="")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def orphan(world, oc):
    child = Child(**child_values(world.guangrong, name="陈小宝", school=world.jinxing, school_class=world.c31, **DEAD))
    return oc(child_register, actor=world.admin, child=child, effective_date=world.today - timedelta(days=45))


def login(client, user):
    client.force_login(user)
    return client


def test_tasks_page_lists_overdue_visit_with_its_form_link(client, world, orphan):
    r = login(client, world.zhuren).get("/care/tasks/")
    html = r.content.decode()
    assert r.status_code == 200 and "陈小宝" in html and "逾期15天" in html
    assert f"/care/visits/new/{orphan.uid}/" in html
    home = client.get("/").content.decode()
    assert "我的待办" in home and "陈小宝" in home


def test_tasks_page_filters_by_kind_and_is_404_for_roles_without_care(client, world, orphan):
    html = login(client, world.zhuren).get("/care/tasks/?kind=pairing").content.decode()
    assert "落实一对一帮扶" in html and "儿童主任走访" not in html
    for user in (world.partner, world.edu, world.inspector):
        client.force_login(user)
        assert client.get("/care/tasks/").status_code == 404


def test_other_village_sees_no_task_for_the_child(client, world, orphan):
    html = login(client, world.zhuren_lianfu).get("/care/tasks/").content.decode()
    assert "陈小宝" not in html


def test_record_visit_with_photo_then_task_gone(client, world, orphan, oc, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, world.zhuren)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/care/visits/new/{orphan.uid}/?next=/care/tasks/", {
            "date": world.today.isoformat(), "mode": "入户", "life": "与祖父同住", "concerns": ["住房危险"],
            "photos": [SimpleUploadedFile("a.png", PNG, content_type="image/png")], "next": "/care/tasks/",
        })
    assert r.status_code == 302 and r["Location"] == "/care/tasks/"
    v = Visit.objects.get(child=orphan)
    assert v.visitor_role == "village_director" and v.concerns == ["住房危险"] and v.photos.count() == 1
    assert f'data-kind="visit" data-child="{orphan.uid}"' not in client.get("/care/tasks/?kind=visit").content.decode()
    # the visit's page and its photo, logged; another village: 404
    assert "与祖父同住" in client.get(f"/care/visits/{v.pk}/").content.decode()
    assert client.get(f"/care/visits/{v.pk}/photos/{v.photos.get().pk}/").status_code == 200
    assert AccessLog.objects.filter(child=orphan, detail="查看走访照片").exists()
    client.force_login(world.zhuren_lianfu)
    assert client.get(f"/care/visits/{v.pk}/").status_code == 404
    assert client.get(f"/care/visits/{v.pk}/photos/{v.photos.get().pk}/").status_code == 404
    assert "与祖父同住" not in client.get("/care/visits/").content.decode()


def test_visit_form_errors_beside_fields(client, world, orphan):
    login(client, world.zhuren)
    r = client.post(f"/care/visits/new/{orphan.uid}/", {"date": (world.today + timedelta(days=1)).isoformat(), "mode": "入户"})
    html = r.content.decode()
    assert r.status_code == 200 and "不能晚于今天" in html and 'id="wrap-date"' in html
    r = client.post(f"/care/visits/new/{orphan.uid}/", {"date": world.today.isoformat(), "mode": "入户"})
    assert "请至少填写一项走访所见" in r.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(f"/care/visits/new/{orphan.uid}/", {"date": world.today.isoformat(), "mode": "入户", "life": "x",
                                                        "photos": [SimpleUploadedFile("a.png", b"MZ not an image")]})
    assert "只能上传JPG、PNG或WebP格式的照片" in r.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.parametrize("user", ["zhuren_lianfu", "zhuren_hongxing", "xiaozhang_zhuhe", "banzhuren_c32", "inspector", "volunteer", "partner"])
def test_visit_and_contact_forms_are_404_out_of_scope(client, world, orphan, user):
    client.force_login(getattr(world, user))
    for url in (f"/care/visits/new/{orphan.uid}/", f"/care/contacts/new/{orphan.uid}/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"date": world.today.isoformat(), "mode": "入户", "life": "x", "kind": "电话", "with_whom": "父亲"}).status_code == 404
    assert not Visit.objects.exists() and not FamilyContact.objects.exists()


def test_head_teacher_and_school_record_visits_for_their_pupils(client, world, orphan):
    for user, role in ((world.banzhuren, "head_teacher"), (world.xiaozhang, "school_staff")):
        client.force_login(user)
        r = client.post(f"/care/visits/new/{orphan.uid}/", {"date": world.today.isoformat(), "mode": "在校", "study": "成绩中等"})
        assert r.status_code == 302
        assert Visit.objects.filter(child=orphan, visitor_role=role).exists()


def test_contact_form(client, world, oc):
    girl = oc(child_register, actor=world.admin, child=Child(**child_values(world.guangrong, name="陆金兰")),
              effective_date=world.today - timedelta(days=20))
    login(client, world.zhuren)
    assert "陆金兰" in client.get("/care/tasks/?kind=contact").content.decode()
    form = client.get(f"/care/contacts/new/{girl.uid}/").content.decode()
    if girl.mother_phone:  # the parents' numbers, to call from the form
        assert f'href="tel:{girl.mother_phone}"' in form and 'id="parent-phones"' in form
    r = client.post(f"/care/contacts/new/{girl.uid}/", {"date": world.today.isoformat(), "kind": "视频", "with_whom": "母亲", "minutes": "15"})
    assert r.status_code == 302
    assert FamilyContact.objects.get(child=girl).minutes == 15
    r = client.post(f"/care/contacts/new/{girl.uid}/", {"date": (world.today + timedelta(days=2)).isoformat(), "kind": "视频", "with_whom": "母亲"})
    assert "不能晚于今天" in r.content.decode()


def test_child_page_shows_care_and_never_counselling(client, world, orphan):
    from shouhu.care.models import CounsellingSession

    CounsellingSession.objects.create(child=orphan, counsellor=world.admin, date=world.today, topic="情绪", notes="机密辅导内容")
    for user in (world.admin, world.zhuren, world.banzhuren):
        client.force_login(user)
        html = client.get(f"/children/{orphan.uid}/").content.decode()
        assert "关爱帮扶" in html and "机密辅导内容" not in html


def test_campaign_pages(client, world, orphan, oc):
    login(client, world.admin)
    r = client.post("/care/campaigns/new/", {"name": "2026年关爱保护月", "region": world.county.pk,
                                              "start": (world.today - timedelta(days=5)).isoformat(), "end": (world.today + timedelta(days=25)).isoformat()})
    camp = Campaign.objects.get()
    assert r.status_code == 302
    # tests run tasks inline, but the rebuild is queued on commit: run it
    refresh_all()
    html = client.get(f"/care/campaigns/{camp.pk}/").content.decode()
    assert "2026年关爱保护月" in html and "毛市镇" in html and "建立一套台账" in html
    assert 'id="campaign-chart"' in html and '"campaign-chart": {"kind": "bar"' in html  # completion by township, drawn by dashboard.js
    html = client.get(f"/care/campaigns/{camp.pk}/?region={world.maoshi.code}").content.decode()
    assert "光荣村" in html
    html = client.get(f"/care/campaigns/{camp.pk}/missing/?measure=visit").content.decode()
    assert "陈小宝" in html
    # the village director sees their village; another village's director does not see this child
    client.force_login(world.zhuren_lianfu)
    assert "陈小宝" not in client.get(f"/care/campaigns/{camp.pk}/missing/?measure=visit").content.decode()
    assert client.get(f"/care/campaigns/{camp.pk}/?region={world.guangrong.code}").status_code == 404
    assert client.get(f"/care/campaigns/{camp.pk}/?school={world.zhuhe_school.pk}").status_code == 404
    client.force_login(world.xiaozhang)
    html = client.get(f"/care/campaigns/{camp.pk}/?school={world.jinxing.pk}").content.decode()
    assert "3年级1班" in html or "三年级" in html or "1班" in html
    client.force_login(world.volunteer)
    assert client.get(f"/care/campaigns/{camp.pk}/").status_code == 404
    client.force_login(world.zhuren)
    assert client.get("/care/campaigns/new/").status_code == 404


def test_campaign_form_error_beside_field(client, world):
    login(client, world.admin)
    r = client.post("/care/campaigns/new/", {"name": "x", "region": world.county.pk, "start": world.today.isoformat(),
                                              "end": (world.today - timedelta(days=1)).isoformat()})
    assert "结束日期不能早于开始日期" in r.content.decode() and not Campaign.objects.exists()


def test_rules_settings_only_for_county_admin(client, world, orphan, django_capture_on_commit_callbacks):
    login(client, world.zhuren)
    assert client.get("/care/settings/").status_code == 404
    client.force_login(world.admin)
    assert "儿童主任" in client.get("/care/settings/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/care/settings/", {"contact_days": "7", "soon_days": "3", "r__village_director__orphan": "10"})
    assert r.status_code == 302
    assert list(VisitRule.objects.values_list("role", "group", "interval_days")) == [("village_director", "orphan", 10)]
    assert VisitDue.objects.get(child=orphan).interval_days == 10
    r = client.post("/care/settings/", {"contact_days": "0", "soon_days": "3"})
    assert r.status_code == 200 and 'id="wrap-contact_days"' in r.content.decode() and "is-invalid" in r.content.decode()


def test_visit_list_filters_and_exports_with_log(client, world, orphan, oc):
    import io

    from openpyxl import load_workbook

    oc(visit_record, actor=world.zhuren, child=orphan, date=world.today, mode="电话", areas={"life": "电话了解近况"})
    oc(visit_record, actor=world.zhuren, child=orphan, date=world.today - timedelta(days=3), mode="入户", areas={"life": "入户看望"},
       concerns=["住房危险"])
    login(client, world.zhuren)
    html = client.get("/care/visits/?concerns=1").content.decode()
    assert "住房危险" in html and "共 1 条" in html
    r = client.get("/care/visits/?mode=电话&export=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][0] == "走访日期" and rows[1][1] == "陈小宝" and rows[1][4] == "电话" and len(rows) == 3
    assert rows[2][0].startswith("导出：zhuren")
    assert AccessLog.objects.filter(user=world.zhuren, action="export").exists()
    client.force_login(world.zhuren_lianfu)
    ws = load_workbook(io.BytesIO(client.get("/care/visits/?export=xlsx").content)).active
    assert len(list(ws.values)) == 2  # header and footer only


def test_counselling_notes_stay_out_of_search_and_exports(client, world, orphan, oc):
    """A head teacher and the county admin never read counselling notes: not on the child's page,
    not in the children search, not in the register export, not in the visit export."""
    from django.urls import reverse

    from shouhu.care.models import CounsellingSession
    from shouhu.intake.models import ExportJob

    secret = "机密辅导内容甲乙丙"
    CounsellingSession.objects.create(child=orphan, counsellor=None, date=world.today, topic="情绪", notes=secret)
    oc(visit_record, actor=world.zhuren, child=orphan, date=world.today, mode="入户", areas={"life": "正常"})
    for user in (world.admin, world.banzhuren):
        client.force_login(user)
        assert secret not in client.get(f"/children/{orphan.uid}/").content.decode()
        r = client.post("/children/", {"q": secret}, follow=True)
        assert "陈小宝" not in r.content.decode()                      # the notes are not searchable
        r = client.post(reverse("intake:export_start"), {"node": f"c:{world.c31.pk}", "fmt": "csv"})
        job = ExportJob.objects.filter(created_by=user).latest("id")
        content = b"".join(client.get(reverse("intake:export_file", args=[job.uid])).streaming_content).decode("utf-8-sig")
        assert "陈小宝" in content and secret not in content
        import io

        from openpyxl import load_workbook

        cells = [str(c) for row in load_workbook(io.BytesIO(client.get("/care/visits/?export=xlsx").content)).active.values for c in row if c]
        assert "正常" in cells and not any(secret in c for c in cells)
