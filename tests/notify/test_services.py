"""The inbox and the channels: alerts, escalations and reports reach the users who own them; what
leaves the system carries no name; another user's notification is the same 404."""
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from shouhu.notify.channels import Outbox
from shouhu.notify.models import Notification
from shouhu.notify.services import notify, unread_count
from shouhu.protection import reports
from shouhu.protection.models import Alert
from shouhu.protection.services import escalate_due

OUTBOX = override_settings(SHOUHU_NOTIFY_CHANNELS=["shouhu.notify.channels.Outbox"])


@pytest.fixture(autouse=True)
def _outbox():
    Outbox.sent.clear()
    with OUTBOX:
        yield


def titles(user):
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_a_red_alert_tells_its_owner_and_the_sms_names_nobody(world, alone):
    assert titles(world.zhuren) == ["红色预警待签收：陆金兰 · 无人监护或独居"]
    assert titles(world.dudao) == []  # not his yet


def test_outside_text_after_commit_has_no_name(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[world.zhuren], kind="alert", title="红色预警待签收：陆金兰", url="/", outside="您有1条红色预警待签收，请登录守护查看")
    assert Outbox.sent == [(world.zhuren.pk, "您有1条红色预警待签收，请登录守护查看")]


def test_escalation_tells_the_next_owner(world, alone):
    a = Alert.objects.get(child=alone, code="unguarded")
    escalate_due(now=a.opened_at + timedelta(hours=3))
    assert titles(world.dudao) == ["红色预警逾期未处理，已转交您：陆金兰 · 无人监护或独居"]
    assert titles(world.dudao_zhuhe) == []


def test_a_report_tells_the_handlers_of_the_place(world, baohu):
    from django.utils import timezone

    reports.report_file(actor=world.volunteer, situation="begging", discovered_at=timezone.now(), seen="集市上乞讨",
                        village=world.guangrong, child_desc="男孩约6岁")
    for user in (world.dudao, baohu):
        assert titles(user) == ["新的强制报告待受理：姓名不详"], user
    assert titles(world.dudao_zhuhe) == [] and titles(world.zhuren) == []


def test_inbox_pages(client, world, alone):
    client.force_login(world.zhuren)
    assert unread_count(world.zhuren) == 1
    page = client.get("/").content.decode()
    assert 'id="unread">1<' in page
    n = Notification.objects.get(user=world.zhuren)
    r = client.get(reverse("notify:open", args=[n.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("protection:alert", args=[Alert.objects.get(child=alone, code="unguarded").pk])
    assert unread_count(world.zhuren) == 0
    client.force_login(world.dudao)
    assert client.get(reverse("notify:open", args=[n.pk])).status_code == 404
    assert "没有通知" in client.get(reverse("notify:inbox")).content.decode()


def test_daily_digest_counts_each_owners_late_alerts(world, alone):
    from shouhu.protection.services import daily_digest

    a = Alert.objects.get(child=alone, code="unguarded")
    assert daily_digest(now=a.opened_at + timedelta(hours=1)) == 0  # nothing late yet
    assert daily_digest(now=a.opened_at + timedelta(days=30)) >= 1
    assert any(t.startswith("您有 ") and t.endswith("条预警已过处置时限") for t in titles(world.zhuren))
