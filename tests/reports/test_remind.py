"""催报: the county reminds late townships to submit, through the inbox, once a day, audited."""
from datetime import timedelta

from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.notify.models import Notification
from shouhu.reports import rules
from shouhu.reports.models import Reminder
from shouhu.reports.services import report_submit


def _late_month():
    """A month whose deadline has passed: two months ago."""
    return rules.add_months(timezone.localdate(), -2)


def test_the_county_reminds_a_late_township_once_a_day(client, world):
    month = rules.format_month(_late_month())
    client.force_login(world.admin)
    page = client.get(f"/reports/status/?month={month}").content.decode()
    assert 'id="remind-all"' in page and "催报</button>" in page
    r = client.post("/reports/remind/", {"node": world.maoshi.code, "month": month})
    assert r.status_code == 302
    (n,) = Notification.objects.filter(user=world.dudao, kind="report_reminder")
    assert "毛市镇" in n.title and n.url == f"/reports/?node={world.maoshi.code}&month={month}"
    assert not Notification.objects.filter(user=world.dudao_zhuhe).exists()
    assert AccessLog.objects.filter(action="remind", user=world.admin, scope__contains=world.maoshi.code).count() == 1
    # a second time the same day: refused, nothing sent
    client.post("/reports/remind/", {"node": world.maoshi.code, "month": month})
    assert Notification.objects.filter(user=world.dudao, kind="report_reminder").count() == 1
    assert "今日已催报" in client.get(f"/reports/status/?month={month}").content.decode()
    # everyone late at once: 朱河镇 only (毛市镇 was reminded today)
    client.post("/reports/remind/", {"node": "late", "month": month})
    assert Notification.objects.filter(user=world.dudao_zhuhe, kind="report_reminder").count() == 1
    assert Reminder.objects.count() == 2
    # tomorrow again
    Reminder.objects.update(day=timezone.localdate() - timedelta(days=1))
    client.post("/reports/remind/", {"node": world.maoshi.code, "month": month})
    assert Notification.objects.filter(user=world.dudao, kind="report_reminder").count() == 2


def test_only_late_townships_and_only_the_county(client, world):
    month = _late_month()
    report_submit(actor=world.dudao, township=world.maoshi, month=month)
    client.force_login(world.admin)
    client.post("/reports/remind/", {"node": world.maoshi.code, "month": rules.format_month(month)})
    assert not Notification.objects.filter(kind="report_reminder").exists()  # submitted: nothing to remind
    client.force_login(world.dudao)  # a township cannot remind, nor reach another township
    client.post("/reports/remind/", {"node": world.maoshi.code, "month": rules.format_month(month)})
    assert client.post("/reports/remind/", {"node": world.zhuhe.code, "month": rules.format_month(month)}).status_code == 404
    assert not Reminder.objects.exists()
