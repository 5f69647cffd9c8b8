"""A care activity takes its place from the register (a running place of the actor's scope); the
free text stays for places not registered."""
import pytest
from django.urls import reverse

from shouhu.care.activities.services import activity_save
from shouhu.care.models import Activity
from shouhu.core.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_the_activity_form_offers_the_actors_running_places(places, client):
    w = places
    client.force_login(w.zhuren)
    page = client.get(reverse("care:activity_create")).content.decode()
    assert "光荣村儿童之家" in page and "毛市镇留守儿童服务站" not in page and "朱河镇" not in page
    data = {"title": "读书会", "kind": "阅读", "date": w.today.isoformat(), "site": w.home.pk, "place": "", "organiser": "光荣村",
            "region": w.guangrong.pk}
    assert client.post(reverse("care:activity_create"), data).status_code == 302
    a = Activity.objects.get(title="读书会")
    assert a.site == w.home and a.place == "光荣村儿童之家"
    page = client.post(reverse("care:activity_create"), {**data, "site": "", "title": "无地点"}).content.decode()
    assert "请填写地点或选择活动场所" in page


def test_a_place_out_of_reach_is_refused(places):
    w = places
    with pytest.raises(ServiceError) as e:
        activity_save(actor=w.zhuren, activity=Activity(title="x", date=w.today, place="x", organiser="x", region=w.guangrong,
                                                        site=w.zhuhe_station))
    assert e.value.field == "site"
