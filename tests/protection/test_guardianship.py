"""Guardianship intervention on a case: the ladder's order enforced with the error on the field, a
ruling of 撤销 written to the child's record through the registry (and the categories following), a
parent persuaded home written back as 在家 (and the child leaving the register), the case's
timeline; the page for those who handle the case and the same 404 for everyone else."""
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.core.errors import NotFound, ServiceError
from shouhu.protection import cases as K
from shouhu.protection import guardianship as GS
from shouhu.protection.demo import demo_guardianship
from shouhu.protection.models import Alert, CaseStep, GuardianReturn, Intervention
from shouhu.registry.models import CategoryEvent, Child
from shouhu.registry.services import current_categories
from tests.factories import make_child


@pytest.fixture
def case(world, alone):
    return K.case_open(actor=world.dudao, child=alone, alert=Alert.objects.get(child=alone, code="unguarded"))


def _at(days_ago: float):
    return timezone.now() - timedelta(days=days_ago)


def _climb(actor, case, guardian, *, outcome="revoked", start=30):
    """批评教育 → 训诫并责令接受家庭教育指导 → 申请撤销监护资格 → 法院判决."""
    for rung, unit, days in (("criticism", "光荣村民委员会", start), ("admonition", "毛市派出所", start - 5),
                             ("application", "监利市人民法院", start - 10)):
        GS.intervention_record(actor=actor, case=case, guardian=guardian, rung=rung, at=_at(days), unit=unit)
    return GS.intervention_record(actor=actor, case=case, guardian=guardian, rung="ruling", at=_at(start - 15), unit="监利市人民法院",
                                  doc_no="（2026）鄂1088民特12号", outcome=outcome)


def test_the_order_is_enforced_on_the_field(world, case):
    with pytest.raises(ServiceError) as e:
        GS.intervention_record(actor=world.dudao, case=case, guardian="father", rung="admonition", at=_at(1), unit="毛市派出所")
    assert (e.value.field, e.value.code) == ("rung", GS.GuardianshipErrorCode.LADDER) and "批评教育" in e.value.message
    GS.intervention_record(actor=world.dudao, case=case, guardian="father", rung="criticism", at=_at(2), unit="光荣村民委员会")
    with pytest.raises(ServiceError) as e:
        GS.intervention_record(actor=world.dudao, case=case, guardian="father", rung="ruling", at=_at(1), unit="法院", outcome="revoked")
    assert e.value.field == "rung" and "申请撤销" in e.value.message
    with pytest.raises(ServiceError) as e:  # the mother's ladder is her own
        GS.intervention_record(actor=world.dudao, case=case, guardian="mother", rung="admonition", at=_at(1), unit="毛市派出所")
    assert e.value.field == "rung"
    with pytest.raises(ServiceError) as e:
        GS.intervention_record(actor=world.dudao, case=case, guardian="father", rung="admonition", at=_at(3), unit="毛市派出所")
    assert e.value.field == "at" and "上一项措施" in e.value.message
    with pytest.raises(ServiceError) as e:
        GS.intervention_record(actor=world.dudao, case=case, guardian="father", rung="admonition", at=_at(1), unit=" ")
    assert e.value.field == "unit"
    with pytest.raises(ServiceError) as e:
        GS.intervention_record(actor=world.dudao, case=case, guardian="father", rung="admonition", at=_at(-1), unit="毛市派出所")
    assert e.value.field == "at"
    with pytest.raises(ServiceError) as e:
        GS.intervention_record(actor=world.dudao, case=case, guardian="uncle", rung="criticism", at=_at(1), unit="村委会")
    assert e.value.field == "guardian"
    assert Intervention.objects.filter(case=case).count() == 1


def test_a_ruling_of_revocation_writes_the_record_and_the_categories_follow(world, case, oc):
    child = Child.objects.get(pk=case.child_id)
    assert child.is_left_behind and not child.is_de_facto
    ruling = oc(_climb, world.dudao, case, "father")
    child.refresh_from_db()
    assert (child.father_situation, child.father_since) == ("被撤销监护资格", timezone.localdate(ruling.at))
    # one parent away, the other's guardianship revoked: no longer 留守 (that needs both away, or the
    # other unable through illness or disability); still 困境 (living alone); not yet 事实无人抚养
    assert not child.is_left_behind and child.is_difficulty and not child.is_de_facto
    history = child.history.first()
    assert history.history_change_reason.startswith("法院判决撤销父亲的监护资格") and history.effective_date == timezone.localdate(ruling.at)
    with pytest.raises(ServiceError) as e:  # nothing more for that guardian
        GS.intervention_record(actor=world.dudao, case=case, guardian="father", rung="criticism", at=_at(0), unit="村委会")
    assert "已被法院撤销" in e.value.message
    oc(_climb, world.dudao, case, "mother", start=20)
    child.refresh_from_db()
    assert child.mother_situation == "被撤销监护资格"
    assert child.is_de_facto and child.category_reasons["de_facto"].startswith("父亲被撤销监护资格、母亲被撤销监护资格")
    assert set(current_categories(child)) == {"de_facto", "difficulty"}
    assert CategoryEvent.objects.filter(child=child, kind="change").exists()
    steps = list(case.steps.filter(action="intervene"))
    assert len(steps) == 8 and {s.state for s in steps} == {"reported"}
    assert any(s.note.startswith("父亲：法院判决（撤销监护资格），监利市人民法院，（2026）鄂1088民特12号") for s in steps)
    case.refresh_from_db()
    assert case.state == "reported"  # the case's own step does not move


def test_a_rejected_ruling_writes_nothing_and_a_new_round_may_begin(world, case):
    _climb(world.dudao, case, "father", outcome="rejected")
    child = Child.objects.get(pk=case.child_id)
    assert child.father_situation == "外出务工"
    ladder = next(x for x in GS.ladders(case) if x.guardian == "father")
    assert not ladder.revoked and ladder.allowed == ["criticism", "admonition", "referral", "application"]
    GS.intervention_record(actor=world.dudao, case=case, guardian="father", rung="application", at=_at(0), unit="监利市人民法院")
    assert next(x for x in GS.ladders(case) if x.guardian == "father").waiting


def test_another_guardian_writes_nothing_back(world, case):
    _climb(world.dudao, case, "other")
    child = Child.objects.get(pk=case.child_id)
    assert (child.father_situation, child.mother_situation) == ("外出务工", "外出务工")


def test_who_may_not_edit_the_record_may_not_record_a_revocation(world, case, baohu):
    """The county's protection role reads records but does not edit them (accounts.roles): it
    records the ladder, but the ruling that changes the record is refused, beside the field."""
    for rung, days in (("criticism", 10), ("admonition", 5), ("application", 3)):
        GS.intervention_record(actor=baohu, case=case, guardian="father", rung=rung, at=_at(days), unit="单位")
    with pytest.raises(ServiceError) as e:
        GS.intervention_record(actor=baohu, case=case, guardian="father", rung="ruling", at=_at(1), unit="法院", outcome="revoked")
    assert (e.value.code, e.value.field) == (GS.GuardianshipErrorCode.RECORD_READ_ONLY, "rung")
    assert not Intervention.objects.filter(rung="ruling").exists()
    assert Child.objects.get(pk=case.child_id).father_situation == "外出务工"
    GS.intervention_record(actor=world.dudao, case=case, guardian="father", rung="ruling", at=_at(1), unit="法院", outcome="revoked")


def test_a_parent_persuaded_home_is_at_home_and_the_child_may_leave_the_register(world, oc):
    child = oc(make_child, world.zhuren, world.guangrong)  # left-behind only: both parents away 2 years
    case = K.case_open(actor=world.dudao, child=child)
    GS.return_record(actor=world.dudao, case=case, guardian="mother", at=_at(5), outcome="refused", note="称工作走不开")
    returned_on = timezone.localdate() - timedelta(days=1)
    oc(GS.return_record, actor=world.dudao, case=case, guardian="father", at=_at(4), outcome="returned", returned_on=returned_on)
    child.refresh_from_db()
    assert (child.father_situation, child.father_since, child.father_work_province) == ("在家", None, "")
    assert child.mother_situation == "外出务工"
    assert not child.is_left_behind and child.status == Child.Status.EXITED
    event = CategoryEvent.objects.get(child=child, kind="exit")
    assert event.date == returned_on
    # the timeline is in the order things happened: both persuasions came before the case was opened
    assert [s.action for s in case.steps.all()] == ["persuade", "persuade", "open"]
    assert case.steps.all()[1].note == f"劝返父亲：已返乡（{returned_on:%Y-%m-%d}返乡）"
    with pytest.raises(ServiceError) as e:  # the father is home now
        GS.return_record(actor=world.dudao, case=case, guardian="father", at=_at(0), outcome="refused")
    assert e.value.field == "guardian"


@pytest.mark.parametrize("kw,field", [
    ({"guardian": "father", "outcome": "returned"}, "returned_on"),
    ({"guardian": "father", "outcome": "refused", "returned_on": timezone.localdate()}, "returned_on"),
    ({"guardian": "father", "outcome": ""}, "outcome"),
    ({"guardian": "other", "outcome": "refused"}, "guardian"),
    ({"guardian": "father", "outcome": "returned", "returned_on": timezone.localdate() + timedelta(days=3)}, "returned_on"),
])
def test_return_errors_on_the_field(world, case, kw, field):
    with pytest.raises(ServiceError) as e:
        GS.return_record(actor=world.dudao, case=case, at=_at(1), **kw)
    assert e.value.field == field
    assert not GuardianReturn.objects.exists()


def test_need_to_know(world, case):
    for user in (world.zhuren, world.admin, world.xiaozhang, world.banzhuren, world.inspector, world.volunteer, world.partner,
                 world.dudao_zhuhe):
        with pytest.raises(NotFound):
            GS.intervention_record(actor=user, case=case, guardian="father", rung="criticism", at=_at(1), unit="村委会")
        with pytest.raises(NotFound):
            GS.return_record(actor=user, case=case, guardian="father", at=_at(1), outcome="refused")
    assert not Intervention.objects.exists() and not CaseStep.objects.filter(action__in=["intervene", "persuade"]).exists()


# -- the page ---------------------------------------------------------------------------------------
def test_the_page_shows_each_ladder_and_the_next_rung(client, world, case):
    GS.intervention_record(actor=world.dudao, case=case, guardian="father", rung="criticism", at=_at(2), unit="光荣村民委员会",
                           doc_no="GR-01")
    client.force_login(world.dudao)
    r = client.get(reverse("protection:guardianship", args=[case.pk]))
    page = r.content.decode()
    assert r.status_code == 200
    assert "父亲" in page and "母亲" in page and "其他监护人" in page and "劝返监护人" in page
    assert "光荣村民委员会" in page and "GR-01" in page and "家庭教育促进法第49条" in page
    assert page.count("可记录") == 2 + 1 + 1  # father: 批评教育 again or 训诫; mother and other: 批评教育
    assert 'name="father-rung" value="admonition"' in page and 'name="mother-rung" value="admonition"' not in page
    assert AccessLog.objects.filter(user=world.dudao, action="view", child=case.child).exists()


def test_recording_through_the_page(client, world, case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.dudao)
    url = reverse("protection:intervention_new", args=[case.pk])
    at = timezone.localtime(_at(1)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(url, {"guardian": "father", "father-rung": "criticism", "father-at": at, "father-unit": ""})
    assert r.status_code == 200 and "请填写实施单位" in r.content.decode() and 'id="err-unit"' in r.content.decode()
    pdf = SimpleUploadedFile("训诫书.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    r = client.post(url, {"guardian": "father", "father-rung": "criticism", "father-at": at, "father-unit": "光荣村民委员会",
                          "father-document": pdf}, follow=True)
    assert "已记录：父亲 批评教育" in r.content.decode()
    row = Intervention.objects.get()
    assert row.by == world.dudao and row.document
    doc = client.get(reverse("protection:intervention_document", args=[case.pk, row.pk]))
    assert doc.status_code == 200 and b"".join(doc.streaming_content).startswith(b"%PDF")
    bad = SimpleUploadedFile("x.txt", b"hello", content_type="text/plain")
    r = client.post(url, {"guardian": "father", "father-rung": "admonition", "father-at": at, "father-unit": "毛市派出所",
                          "father-document": bad})
    assert "文书只能上传PDF、JPG或PNG文件" in r.content.decode()
    r = client.post(reverse("protection:return_new", args=[case.pk]),
                    {"return-guardian": "father", "return-at": at, "return-outcome": "returned"})
    assert "已返乡的请填写返乡日期" in r.content.decode()


@pytest.mark.parametrize("who", ["zhuren", "zhuren_lianfu", "dudao_zhuhe", "xiaozhang", "banzhuren", "inspector", "volunteer", "partner",
                                 "edu", "admin"])
def test_others_get_404(client, world, case, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("protection:guardianship", args=[case.pk])).status_code == 404
    assert client.get(reverse("protection:intervention_document", args=[case.pk, 1])).status_code == 404
    r = client.post(reverse("protection:intervention_new", args=[case.pk]),
                    {"guardian": "father", "father-rung": "criticism", "father-at": "2026-01-01T09:00", "father-unit": "村委会"})
    assert r.status_code == 404
    assert client.post(reverse("protection:return_new", args=[case.pk]), {"return-guardian": "father"}).status_code == 404
    assert not Intervention.objects.exists()


def test_missing_is_the_same_404(client, world, case):
    client.force_login(world.dudao)
    assert client.get(reverse("protection:guardianship", args=[case.pk + 1000])).status_code == 404


def test_the_demo_reaches_the_court(world, case):
    demo_guardianship(case, world.dudao)
    father = next(x for x in GS.ladders(case) if x.guardian == "father")
    assert [i.rung for i in father.records] == ["criticism", "admonition", "application"] and father.waiting


def test_a_document_read_is_logged_confidential(client, world, case, settings, tmp_path):
    """The access log names the child of a confidential row only to counsellors: a case's document is
    as confidential as the case (the county admin's log must not show whose ruling was read)."""
    settings.MEDIA_ROOT = tmp_path
    row = GS.intervention_record(actor=world.dudao, case=case, guardian="father", rung="criticism", at=_at(1), unit="光荣村民委员会",
                                 document=SimpleUploadedFile("x.pdf", b"%PDF-1.4 demo", content_type="application/pdf"))
    client.force_login(world.dudao)
    assert client.get(reverse("protection:intervention_document", args=[case.pk, row.pk])).status_code == 200
    read = AccessLog.objects.get(user=world.dudao, detail__endswith="监护干预文书")
    assert read.confidential


def test_a_document_is_stored_and_served_as_what_it_is(client, world, case, settings, tmp_path):
    """The uploader's file name decides neither the stored name (it may name the child) nor the type it
    is served as: an HTML page that starts with %PDF is a PDF."""
    settings.MEDIA_ROOT = tmp_path
    html = SimpleUploadedFile("刘瑶诗判决书.html", b"%PDF<html><body><form action=/login/>", content_type="text/html")
    row = GS.intervention_record(actor=world.dudao, case=case, guardian="father", rung="criticism", at=_at(1), unit="光荣村民委员会",
                                 document=html)
    assert row.document.name.endswith(".pdf") and "刘瑶诗" not in row.document.name and ".html" not in row.document.name
    client.force_login(world.dudao)
    r = client.get(reverse("protection:intervention_document", args=[case.pk, row.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    # a file stored before (under its uploader's name) is served by what it is, and not at all if it is none of the three
    Intervention.objects.filter(pk=row.pk).update(document="interventions/2026/old.html")
    (tmp_path / "interventions" / "2026").mkdir(parents=True, exist_ok=True)
    (tmp_path / "interventions" / "2026" / "old.html").write_bytes(b"\x89PNG<html>")
    r = client.get(reverse("protection:intervention_document", args=[case.pk, row.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    (tmp_path / "interventions" / "2026" / "old.html").write_bytes(b"<html><script>")
    assert client.get(reverse("protection:intervention_document", args=[case.pk, row.pk])).status_code == 404
