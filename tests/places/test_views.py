"""Pages of places: the register and its export, one place, a step, a photo, a session's sign-in by
ticking and by a pasted list, guardians at a lecture, the 家长学校, coverage, the county's
checklist — and the 404 of every place URL for a user of another township."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhu.audit.models import AccessLog
from shouhu.places import services as S
from shouhu.places.models import Attendance, GuardianAttendance, PlaceFile, PlaceSetting
from shouhu.regions.models import Place

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture
def urls(places, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = places
    w.lecture = S.session_create(actor=w.zhuren, place=w.home, date=w.today, parent_school=True, topic="隔代教育")
    S.attendance_add(actor=w.zhuren, session=w.lecture, children=[w.lan])
    w.photo = S.place_photo_add(actor=w.zhuren, place=w.home, file=SimpleUploadedFile("a.png", PNG))
    return [f"/places/{w.home.pk}/", f"/places/{w.home.pk}/edit/", f"/places/{w.home.pk}/photos/{w.photo.pk}/",
            f"/places/{w.home.pk}/sessions/new/", f"/places/sessions/{w.lecture.pk}/"]


def test_another_townships_user_gets_404_on_every_place_url(urls, places, client):
    w = places
    for user in (w.dudao_zhuhe, w.zhuren_lianfu, w.xiaozhang_zhuhe, w.zhuren_hongxing):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        for url in (f"/places/{w.home.pk}/act/", f"/places/{w.home.pk}/photos/", f"/places/sessions/{w.lecture.pk}/"):
            assert client.post(url, {"action": "close", "note": "x", "what": "tick"}).status_code == 404, (user, url)
    client.force_login(w.zhuren)
    for url in urls:
        assert client.get(url).status_code == 200, url
    for user in (w.volunteer, w.partner, w.inspector, w.edu):  # no place roles: the pages do not exist
        client.force_login(user)
        assert client.get("/places/").status_code == 404
        assert client.get(urls[0]).status_code == 404


def test_register_filter_and_export(places, client):
    w = places
    client.force_login(w.dudao)
    body = client.get("/places/?status=running").content.decode()
    assert "光荣村儿童之家" in body and "毛市镇留守儿童服务站" in body and "金星小学心理咨询室" not in body and "朱河镇" not in body
    r = client.get("/places/?export=xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AccessLog.objects.filter(action="export", scope="阵地建设").exists()
    assert client.get("/places/?status=bogus").status_code == 400


def test_register_a_place_and_declare_it(places, client):
    w = places
    client.force_login(w.zhuren_lianfu)
    items = PlaceSetting.current().items
    r = client.post("/places/new/", {"kind": "children_home", "name": "莲福村儿童之家", "region": w.lianfu.pk, "checklist": items[:2],
                                     "manager_name": "王芳", "manager_phone": "138 0000 0001"})
    assert r.status_code == 302
    p = Place.objects.get(name="莲福村儿童之家")
    assert p.manager_phone == "13800000001" and p.checklist[items[0]] and not p.checklist[items[5]]
    r = client.post(f"/places/{p.pk}/act/", {"action": "declare"}, follow=True)
    assert "尚未达标" in r.content.decode()
    r = client.post(f"/places/{p.pk}/edit/", {"kind": "children_home", "name": "莲福村儿童之家", "region": w.lianfu.pk, "checklist": items,
                                              "version": p.version})
    assert r.status_code == 302
    client.post(f"/places/{p.pk}/act/", {"action": "declare"})
    p.refresh_from_db()
    assert p.status == "declared"
    client.force_login(w.admin)
    assert "验收通过" in client.get(f"/places/{p.pk}/").content.decode()
    client.post(f"/places/{p.pk}/act/", {"action": "accept"})
    p.refresh_from_db()
    assert p.status == "running"
    # an edit over a version the user did not read: kept, with what changed shown
    r = client.post(f"/places/{p.pk}/edit/", {"kind": "children_home", "name": "莲福村儿童之家", "region": w.lianfu.pk, "version": 1})
    assert r.status_code == 409 and "已被他人修改" in r.content.decode()


def test_photo_upload_and_serve_is_logged(urls, places, client):
    w = places
    client.force_login(w.dudao)
    r = client.post(f"/places/{w.home.pk}/photos/", {"file": SimpleUploadedFile("b.png", PNG), "caption": "标识牌"})
    assert r.status_code == 302 and PlaceFile.objects.filter(place=w.home).count() == 2
    client.post(f"/places/{w.home.pk}/photos/", {"file": SimpleUploadedFile("b.txt", b"hello")})
    assert PlaceFile.objects.filter(place=w.home).count() == 2
    r = client.get(f"/places/{w.home.pk}/photos/{w.photo.pk}/")
    assert r["Content-Type"] == "image/png"
    assert AccessLog.objects.filter(scope="阵地照片", user=w.dudao).exists()


def test_sign_in_by_ticking_and_by_list(urls, places, client):
    w = places
    client.force_login(w.zhuren)
    url = f"/places/sessions/{w.lecture.pk}/"
    body = client.get(url).content.decode()
    assert "陆金兰" in body and "陈小明" in body and "王莲福" not in body
    assert AccessLog.objects.filter(scope="阵地签到", user=w.zhuren).exists()
    client.post(url, {"what": "tick", "shown": [str(w.lan.uid), str(w.ming.uid)], "child": [str(w.ming.uid)]})
    assert set(Attendance.objects.filter(session=w.lecture).values_list("child", flat=True)) == {w.ming.pk}
    body = client.post(url, {"what": "list", "names": "陆金兰，张三"}).content.decode()
    assert "已识别 1 人" in body and "未找到：张三" in body
    assert Attendance.objects.filter(session=w.lecture).count() == 2
    # a child of another village among the ticked: not there
    assert client.post(url, {"what": "tick", "shown": [str(w.fu.uid)], "child": [str(w.fu.uid)]}).status_code == 404


def test_guardian_at_a_lecture_and_the_parent_school(urls, places, client):
    w = places
    client.force_login(w.zhuren)
    body = client.get("/places/parent-school/").content.decode()
    assert "陈小明" in body and "隔代教育" in body
    url = f"/places/sessions/{w.lecture.pk}/"
    r = client.post(url, {"what": "guardian", "child": str(w.ming.uid), "who": "carer", "mode": "present"})
    assert r.status_code == 302
    g = GuardianAttendance.objects.get()
    assert (g.name, g.who, g.mode) == ("陆国华", "carer", "present")
    assert 'id="n-due">0<' in client.get("/places/parent-school/").content.decode()
    r = client.get("/places/parent-school/?export=xlsx")
    assert r.status_code == 200 and AccessLog.objects.filter(scope="家长学校", action="export").exists()
    client.post(url, {"what": "unguardian", "row": g.pk})
    assert not GuardianAttendance.objects.exists()


def test_coverage_and_settings(places, client):
    w = places
    client.force_login(w.admin)
    body = client.get("/places/coverage/").content.decode()
    assert "莲福村" in body and "朱河小学" in body
    assert client.get("/places/coverage/?export=xlsx").status_code == 200
    assert client.get(f"/places/coverage/?region={w.maoshi.code}").status_code == 200
    client.force_login(w.dudao)
    assert client.get(f"/places/coverage/?region={w.zhuhe.code}").status_code == 404
    assert client.get("/places/settings/").status_code == 404
    client.force_login(w.xiaozhang)  # keeps the school's places, answers for no region
    assert client.get("/places/coverage/").status_code == 404
    assert "覆盖情况" not in client.get("/places/").content.decode()
    client.force_login(w.admin)
    client.post("/places/settings/", {"items": "一处场所\n一名管理员"})
    assert PlaceSetting.current().items == ["一处场所", "一名管理员"]
