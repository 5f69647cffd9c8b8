"""School and class pages of the county admin: a correction saved over a newer version is refused
with the input kept; another county's admin or a village user gets 404."""
from django.test import Client
from django.urls import reverse

from shouhu.regions.models import School
from tests.factories import PASSWORD


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_school_saved_over_a_newer_version_shows_the_conflict(client, world):
    """Reproduces the lost update on the school form: the second of two open forms put the first's
    change back."""
    url = reverse("regions:school_edit", args=[world.jinxing.pk])
    data = {"name": "金星小学", "township": world.maoshi.pk, "stage": "小学", "active": "on", "version": "1"}
    first, second = login(Client(), world.admin), login(client, world.admin)
    page = second.get(url).content.decode()
    assert 'name="version" value="1"' in page and "版本" not in page  # hidden, without a label
    assert first.post(url, {**data, "boarding": "on"}).status_code == 302
    r = second.post(url, {**data, "name": "金星中心小学"})
    assert r.status_code == 409
    page = r.content.decode()
    assert "此记录已被他人修改" in page and "寄宿制" in page and 'value="金星中心小学"' in page and 'name="version" value="2"' in page
    school = School.objects.get(pk=world.jinxing.pk)
    assert school.boarding and school.name == "金星小学" and school.version == 2
    assert second.post(url, {**data, "version": "2", "name": "金星中心小学", "boarding": "on"}).status_code == 302
    assert School.objects.get(pk=world.jinxing.pk).name == "金星中心小学"


def test_class_saved_over_a_newer_version_shows_the_conflict(client, world):
    url = reverse("regions:class_edit", args=[world.jinxing.pk, world.c31.pk])
    login(client, world.admin)
    assert client.post(url, {"grade": 3, "name": "一班", "active": "on", "version": "1"}).status_code == 302
    r = client.post(url, {"grade": 3, "name": "甲班", "active": "on", "version": "1"})
    assert r.status_code == 409 and "现为 一班" in r.content.decode()
    world.c31.refresh_from_db()
    assert world.c31.name == "一班" and world.c31.version == 2


def test_school_pages_are_the_admins(client, world):
    for other in (world.zhuren, world.dudao, world.xiaozhang):
        login(client, other)
        assert client.get(reverse("regions:school_edit", args=[world.jinxing.pk])).status_code == 404
        assert client.post(reverse("regions:class_edit", args=[world.jinxing.pk, world.c31.pk]),
                           {"grade": 3, "name": "x", "active": "on"}).status_code == 404
