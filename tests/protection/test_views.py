"""The alert pages: the list most urgent first, the owner's actions on a phone, the same 404 for
anyone the child is not theirs, and every read in the access log."""
import pytest
from django.urls import reverse

from shouhu.audit.models import AccessLog
from shouhu.protection.models import Alert


@pytest.fixture
def alert(alone):
    return Alert.objects.get(child=alone, code="unguarded")


def test_village_director_sees_acknowledges_and_acts(client, world, alert):
    client.force_login(world.zhuren)
    r = client.get(reverse("protection:alerts"))
    assert r.status_code == 200 and "无人监护或独居" in r.content.decode() and alert.child.name in r.content.decode()
    page = client.get(reverse("protection:alert", args=[alert.pk])).content.decode()
    assert "签收" in page and "未成年人保护法第21条" in page
    client.post(reverse("protection:alert_acknowledge", args=[alert.pk]))
    r = client.post(reverse("protection:alert_act", args=[alert.pk]), {"action": "上门核实", "note": "孩子在家，已联系父母"}, follow=True)
    assert "已记录处置" in r.content.decode()
    alert.refresh_from_db()
    assert (alert.status, alert.action, alert.acted_by) == ("acted", "上门核实", world.zhuren)
    assert AccessLog.objects.filter(user=world.zhuren, action="view", child=alert.child).exists()


def test_an_act_without_an_action_says_so_next_to_nothing_lost(client, world, alert):
    client.force_login(world.zhuren)
    r = client.post(reverse("protection:alert_act", args=[alert.pk]), {"action": ""}, follow=True)
    assert "请选择采取的措施" in r.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"


def test_home_shows_the_alert_card(client, world, alert):
    client.force_login(world.zhuren)
    page = client.get("/").content.decode()
    assert 'id="home-alerts"' in page and alert.child.name in page


def test_export(client, world, alert):
    client.force_login(world.dudao)
    r = client.get(reverse("protection:alerts") + "?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AccessLog.objects.filter(user=world.dudao, action="export").exists()


@pytest.mark.parametrize("who", ["zhuren_lianfu", "zhuren_hongxing", "dudao_zhuhe", "xiaozhang", "banzhuren", "inspector", "volunteer",
                                 "partner", "edu"])
def test_others_get_404(client, world, alert, who):
    client.force_login(getattr(world, who))
    for name in ("protection:alert", "protection:alert_acknowledge", "protection:alert_act", "protection:alert_close"):
        r = client.post(reverse(name, args=[alert.pk])) if name != "protection:alert" else client.get(reverse(name, args=[alert.pk]))
        assert r.status_code == 404, (who, name)
    alert.refresh_from_db()
    assert alert.status == "open"


def test_missing_is_the_same_404(client, world, alert):
    client.force_login(world.zhuren)
    assert client.get(reverse("protection:alert", args=[alert.pk + 1000])).status_code == 404


def test_my_tasks_lead_with_the_alerts_i_own(client, world, alone):
    client.force_login(world.zhuren)
    page = client.get("/care/tasks/").content.decode()
    assert 'id="task-alerts"' in page and alone.name in page and "无人监护或独居" in page
    assert page.index('id="task-alerts"') < page.index('id="task-list"')
    client.force_login(world.zhuren_lianfu)  # another village's director: no alert of theirs
    assert 'id="task-alerts"' not in client.get("/care/tasks/").content.decode()
    client.force_login(world.volunteer)
    assert 'id="task-alerts"' not in client.get("/care/tasks/").content.decode()
