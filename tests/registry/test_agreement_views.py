"""The care agreement (委托照护协议): printed from the record for signing (ID numbers whole or a blank
line, never masked), the signed paper uploaded with its date by whoever edits the child — through
`child_update`, so the history records it and the "no agreement" alert resolves — and the same
404 for anyone the child is not theirs. Every page is in the access log."""
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shouhu.audit.models import AccessLog
from shouhu.core.errors import Forbidden
from shouhu.protection.models import Alert
from shouhu.registry import agreements
from shouhu.registry.agreement_views import BLANK
from shouhu.registry.history import child_history
from shouhu.registry.models import Child
from shouhu.rules.idcard import make_id, mask_id
from tests.factories import make_child

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def child(world, oc):
    return oc(make_child, world.zhuren, world.guangrong, carer_address="光荣村三组12号", carer_id_number="",
              father_id_number=make_id("421088", date(1988, 3, 9), 13), school=world.jinxing, school_class=world.c31)


def _print(uid):
    return reverse("registry:agreement_print", args=[uid])


def _upload(uid):
    return reverse("registry:agreement_upload", args=[uid])


def test_the_print_is_filled_from_the_record(client, world, child):
    client.force_login(world.zhuren)
    page = client.get(_print(child.uid)).content.decode()
    assert "农村留守儿童委托照护协议" in page
    assert "陆国华" in page and "祖父" in page and "13712345678" in page and "光荣村三组12号" in page  # the carer
    assert "陆金兰" in page and child.birth_date.strftime("%Y年") in page and "金星小学" in page  # the child
    assert child.father_id_number == "42108819880309013" + child.father_id_number[-1]
    assert "陆大军" in page and "王小芳" in page and child.father_id_number in page  # the village director sees whole ID numbers
    assert "至少每周联系和交流一次" in page and "第二十二条" in page and "光荣村民委员会（盖章）" in page
    assert "data-print" in page and "no-print" in page and BLANK in page  # the carer's ID number is not on record: a blank
    assert AccessLog.objects.filter(user=world.zhuren, action="print", child=child, detail="打印委托照护协议").exists()


def test_a_reader_without_whole_id_numbers_gets_blank_lines_not_masks(client, world, child):
    client.force_login(world.inspector)  # reads records, sees ID numbers masked
    page = client.get(_print(child.uid)).content.decode()
    assert child.father_id_number not in page and mask_id(child.father_id_number) not in page
    assert page.count(BLANK) >= 3 and 'id="agreement-upload"' not in page and "上传已签协议" not in page


@pytest.mark.parametrize("who", ["zhuren_lianfu", "zhuren_hongxing", "dudao_zhuhe", "xiaozhang_zhuhe", "volunteer", "partner"])
def test_someone_from_elsewhere_gets_404(client, world, child, who):
    client.force_login(getattr(world, who))
    assert client.get(_print(child.uid)).status_code == 404
    assert client.get(_upload(child.uid)).status_code == 404
    assert client.post(_upload(child.uid), {"agreement_date": world.today.isoformat(),
                                            "agreement_file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 404
    child.refresh_from_db()
    assert child.agreement_date is None and not child.agreement_file


@pytest.mark.parametrize("who", ["inspector", "xiaozhang", "banzhuren", "edu"])
def test_readers_who_do_not_edit_print_but_do_not_upload(client, world, child, who):
    client.force_login(getattr(world, who))
    assert client.get(_print(child.uid)).status_code == 200
    assert client.get(_upload(child.uid)).status_code == 404


@pytest.mark.parametrize("who", ["zhuren", "dudao"])
def test_upload_stores_the_file_and_date_through_the_service(client, world, child, who, django_capture_on_commit_callbacks):
    assert Alert.objects.get(child=child, code="no_agreement").status == "open"
    user = getattr(world, who)
    client.force_login(user)
    form = client.get(_upload(child.uid)).content.decode()
    assert 'type="file"' in form and 'enctype="multipart/form-data"' in form
    signed = world.today - timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(_upload(child.uid), {"agreement_date": signed.isoformat(),
                                             "agreement_file": SimpleUploadedFile("陆金兰协议.pdf", PDF, content_type="application/pdf")})
    assert r.status_code == 302 and r["Location"] == reverse("registry:detail", args=[child.uid])
    child = Child.objects.get(pk=child.pk)
    assert child.agreement_date == signed and child.agreement_file.name.endswith(".pdf")
    assert "陆金兰" not in child.agreement_file.name  # the device's file name is not kept
    assert child.agreement_file.read() == PDF
    last = child_history(child)[0]
    assert last.reason == agreements.REASON and last.who == str(user)
    assert {c.field for c in last.changes} >= {"委托照护协议签订日期", "委托照护协议"}
    assert Alert.objects.get(child=child, code="no_agreement").status == "resolved"  # the alert follows the record
    assert AccessLog.objects.filter(user=user, child=child, detail="上传已签订的委托照护协议").exists()
    page = client.get(reverse("registry:detail", args=[child.uid])).content.decode()
    assert signed.strftime("%Y-%m-%d") + " 签订" in page and reverse("registry:agreement", args=[child.uid]) in page
    assert client.get(reverse("registry:agreement", args=[child.uid])).status_code == 200


def test_a_photo_is_accepted(client, world, child):
    client.force_login(world.zhuren)
    client.post(_upload(child.uid), {"agreement_date": world.today.isoformat(), "agreement_file": SimpleUploadedFile("p.jpg", PNG)})
    child.refresh_from_db()
    assert child.agreement_file.name.endswith(".png")  # named by what it is, not by what it says it is


@pytest.mark.parametrize("name, content, ctype, field, message", [
    ("协议.pdf", b"MZ\x90\x00 not a pdf", "application/pdf", "agreement_file", "只能上传PDF、JPG或PNG格式的文件"),
    ("协议.docx", b"PK\x03\x04 a word file", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "agreement_file", "只能上传PDF、JPG或PNG格式的文件"),
    ("协议.html", b"<html><script>alert(1)</script>", "image/png", "agreement_file", "只能上传PDF、JPG或PNG格式的文件"),
])
def test_a_bad_file_is_refused_beside_the_field(client, world, child, name, content, ctype, field, message):
    client.force_login(world.zhuren)
    page = client.post(_upload(child.uid), {"agreement_date": world.today.isoformat(),
                                            "agreement_file": SimpleUploadedFile(name, content, content_type=ctype)}).content.decode()
    at = page.index(f'id="wrap-{field}"')
    assert message in page[at:at + 1500]
    child.refresh_from_db()
    assert child.agreement_date is None and not child.agreement_file


def test_a_file_too_big_and_a_date_in_the_future_are_refused(client, world, child, monkeypatch):
    monkeypatch.setattr(agreements, "MAX_AGREEMENT_BYTES", 100)
    client.force_login(world.zhuren)
    page = client.post(_upload(child.uid), {"agreement_date": (world.today + timedelta(days=1)).isoformat(),
                                            "agreement_file": SimpleUploadedFile("a.pdf", PDF + b" " * 200)}).content.decode()
    assert "签订日期不能晚于今天" in page[page.index('id="wrap-agreement_date"'):][:1500]
    assert "文件不能超过" in page[page.index('id="wrap-agreement_file"'):][:1500]
    page = client.post(_upload(child.uid), {"agreement_date": ""}).content.decode()
    assert "请填写协议签订日期" in page and "请选择已签字的协议文件" in page


def test_the_alert_and_the_child_page_link_to_the_agreement(client, world, child):
    alert = Alert.objects.get(child=child, code="no_agreement")
    client.force_login(world.zhuren)
    page = client.get(reverse("protection:alert", args=[alert.pk])).content.decode()
    assert _print(child.uid) in page and _upload(child.uid) in page
    page = client.get(reverse("registry:detail", args=[child.uid])).content.decode()
    assert _print(child.uid) in page and _upload(child.uid) in page
    client.force_login(world.admin)  # the county admin edits every village
    assert _upload(child.uid) in client.get(reverse("protection:alert", args=[alert.pk])).content.decode()


def test_the_service_refuses_someone_who_does_not_edit(world, child):
    with pytest.raises(Forbidden):
        agreements.agreement_record(actor=world.xiaozhang, child=child, signed_on=world.today, file=SimpleUploadedFile("a.pdf", PDF))
    child.refresh_from_db()
    assert child.agreement_date is None
