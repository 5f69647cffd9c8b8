"""Duplicate records in the database: the county check keeps candidate pairs and opens an issue on
both children; a user merges the pair (history kept, care records moved) or marks it "not the
same" (remembered); pages through the scope, 404 for the rest."""
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import transaction

from shouhu.audit.models import AccessLog
from shouhu.care.models import Activity, CounsellingSession, FamilyContact, Helper, Pairing, Participation, Visit, Wish
from shouhu.core.errors import Conflict, Forbidden, NotFound, ServiceError
from shouhu.quality import selectors, services, tasks
from shouhu.quality.models import DuplicatePair, Issue
from shouhu.registry import services as registry_services
from shouhu.registry.models import Child
from shouhu.registry.services import child_register
from tests.factories import child_values, own_sitting


def reg(oc, world, village=None, **over) -> Child:
    """A record registered by the county, each in a sitting of its own (as a copy is)."""
    return own_sitting(oc(child_register, actor=world.admin, child=Child(**child_values(village or world.guangrong, **over))))


@pytest.fixture
def twice(world, oc):
    """陆金兰 registered by the village with her ID number, and again by the school as 陆晶兰
    without it (a homophone, same birth date and parents) — and an unrelated boy."""
    first = reg(oc, world, name="陆金兰", archive_no="GR-001", address_detail="", school=world.jinxing)
    second = reg(oc, world, name="陆晶兰", id_number="", birth_date=first.birth_date, archive_no="GR-077",
                 school=world.jinxing, school_class=world.c31, address_detail="三组12号")
    reg(oc, world, name="张伟", sex="男", father_name="张大山", mother_name="李秀英", father_phone="13600000000",
        mother_phone="13500000000", carer_name="张老汉", carer_phone="13400000000")
    services.find_duplicate_pairs()
    return first, second


def pair_of(a, b) -> DuplicatePair:
    return DuplicatePair.objects.get(a_id=min(a.pk, b.pk), b_id=max(a.pk, b.pk))


def open_dup_issues(child) -> list[Issue]:
    return list(Issue.objects.filter(child=child, code="possible_duplicate", status="open"))


# -- finding -----------------------------------------------------------------------------------
def test_the_county_check_pairs_the_homophone_and_opens_an_issue_on_both(world, twice):
    first, second = twice
    pair = pair_of(first, second)
    assert pair.status == "open" and pair.score >= 0.5
    assert any("同音" in r for r in pair.reasons)
    assert DuplicatePair.objects.count() == 1  # the boy is nobody's duplicate
    (i1,), (i2,) = open_dup_issues(first), open_dup_issues(second)
    assert i1.related == [second.pk] and i2.related == [first.pk]
    assert i1.message.startswith("与光荣村的档案（档案编号GR-077）疑似同一人") and "姓名同音；" in i1.message
    assert "陆晶兰" not in i1.message and "陆金兰" not in i2.message     # the other's name is on the pair page, for those who see both
    assert first.id_number not in i2.message


def test_rerunning_keeps_one_pair_and_one_issue_each(world, twice):
    first, second = twice
    services.find_duplicate_pairs()
    assert DuplicatePair.objects.count() == 1
    assert len(open_dup_issues(first)) == len(open_dup_issues(second)) == 1


def test_a_pair_the_data_no_longer_supports_is_closed(world, twice, oc):
    first, second = twice
    second.birth_date = first.birth_date - timedelta(days=400)
    second.name = "陆晶晶"
    oc(registry_services.child_update, actor=world.admin, child=second)
    assert pair_of(first, second).status == "gone"                  # closed by the save itself
    services.find_duplicate_pairs()
    assert pair_of(first, second).status == "gone"
    assert open_dup_issues(first) == [] and Issue.objects.get(child=first, code="possible_duplicate").status == "fixed"


def test_twins_with_their_own_id_numbers_are_not_paired(world, oc):
    a = reg(oc, world, name="刘博阳", sex="男")
    reg(oc, world, name="刘博宇", sex="男", birth_date=a.birth_date)
    assert services.find_duplicate_pairs() == 0


# -- "not the same" ----------------------------------------------------------------------------
def test_not_the_same_is_remembered_and_closes_the_issues(world, twice):
    first, second = twice
    pair = pair_of(first, second)
    with pytest.raises(ServiceError) as exc:
        services.pair_not_same(actor=world.zhuren, pair=pair, reason="")
    assert exc.value.field == "reason"
    services.pair_not_same(actor=world.zhuren, pair=pair, reason="双胞胎姐妹，已核对户口簿")
    assert services.find_duplicate_pairs() == 0
    pair.refresh_from_db()
    assert pair.status == "not_same" and pair.decided_by == world.zhuren
    issue = Issue.objects.get(child=first, code="possible_duplicate")
    assert issue.status == "dismissed" and "双胞胎" in issue.dismiss_reason and issue.dismissed_by == world.zhuren
    assert selectors.not_same_pairs().__contains__((second.pk, first.pk))
    with pytest.raises(Conflict):  # decided once
        services.pair_not_same(actor=world.zhuren, pair=pair, reason="再说一次")


def test_only_someone_who_edits_both_records_decides(world, oc):
    first = reg(oc, world, name="陆金兰")
    reg(oc, world, world.lianfu, name="陆晶兰", id_number="", birth_date=first.birth_date)
    services.find_duplicate_pairs()
    pair = DuplicatePair.objects.get()
    for outsider in (world.zhuren, world.zhuren_lianfu, world.xiaozhang, world.dudao_zhuhe):
        with pytest.raises(NotFound):
            services.pair_not_same(actor=outsider, pair=pair, reason="不是同一人")
    services.pair_not_same(actor=world.dudao, pair=pair, reason="不是同一人，核对过")


# -- merging -----------------------------------------------------------------------------------
def care_records(world, child):
    helper = Helper.objects.create(name="王老师")
    activity = Activity.objects.create(title="读书会", date=world.today, place="学校", organiser="团委", region=world.maoshi)
    return {
        "visit": Visit.objects.create(child=child, date=world.today, visitor_role="village_director", visitor_name="李主任"),
        "pairing": Pairing.objects.create(helper=helper, child=child, start=world.today),
        "contact": FamilyContact.objects.create(child=child, date=world.today),
        "wish": Wish.objects.create(child=child, text="一个书包", created_on=world.today),
        "counselling": CounsellingSession.objects.create(child=child, date=world.today, topic="想妈妈", notes="……"),
        "participation": Participation.objects.create(activity=activity, child=child, date=world.today),
    }


def test_merge_moves_the_care_records_fills_blanks_and_keeps_the_duplicate(world, twice, oc):
    first, second = twice
    moved = care_records(world, second)
    both = Activity.objects.create(title="夏令营", date=world.today, place="镇", organiser="妇联", region=world.maoshi)
    Participation.objects.create(activity=both, child=first, date=world.today)
    Participation.objects.create(activity=both, child=second, date=world.today)
    pair = pair_of(first, second)
    kept = oc(services.pair_merge, actor=world.zhuren, pair=pair, keep=first.pk, reason="同一人，学校重复登记")
    assert kept.pk == first.pk
    for key, row in moved.items():
        row.refresh_from_db()
        assert row.child_id == first.pk, key
    assert Participation.objects.filter(activity=both, child=first).count() == 1
    assert not Participation.objects.filter(child=second).exists()
    kept.refresh_from_db()
    second.refresh_from_db()
    assert kept.school_class_id == world.c31.pk and kept.address_detail == "三组12号"  # blanks filled from the duplicate
    assert kept.name == "陆金兰" and kept.archive_no == "GR-001"                        # the rest is the kept record's
    assert second.status == "exited" and second.merged_into_id == first.pk and second.exit_reason == "重复档案，已合并"
    assert second.name == "陆晶兰"                                                       # the duplicate keeps its content
    assert "合并重复档案" in kept.history.first().history_change_reason
    assert "并入" in second.history.first().history_change_reason and second.history.count() >= 2
    pair.refresh_from_db()
    assert pair.status == "merged" and pair.decided_by == world.zhuren
    assert open_dup_issues(first) == [] and not Issue.objects.filter(child=second, status="open").exists()
    assert services.find_duplicate_pairs() == 0                    # the merged record is not compared again


def test_merge_takes_chosen_values_and_moves_the_id_number(world, twice, oc):
    first, second = twice
    pair = pair_of(first, second)
    number = first.id_number
    oc(services.pair_merge, actor=world.admin, pair=pair, keep=second.pk, take=["id_number", "name", "no_such_field"])
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.id_number == number and second.name == "陆金兰"
    assert first.id_number is None and first.merged_into_id == second.pk
    assert number in {h.id_number for h in first.history.all()}     # history still has it (encrypted: compared read back)


def test_undo_merge_restores_both_records_and_moves_the_care_records_back(world, twice, oc):
    first, second = twice
    moved = care_records(world, first)  # first is merged into second, then restored
    both = Activity.objects.create(title="夏令营", date=world.today, place="镇", organiser="妇联", region=world.maoshi)
    Participation.objects.create(activity=both, child=first, date=world.today)
    Participation.objects.create(activity=both, child=second, date=world.today)
    number = first.id_number
    pair = pair_of(first, second)
    oc(services.pair_merge, actor=world.zhuren, pair=pair, keep=second.pk, take=["id_number", "name"], reason="误判")
    later = Visit.objects.create(child=second, date=world.today, visitor_role="director", visitor_name="张主任", life="好")
    pair.refresh_from_db()
    restored = oc(services.pair_unmerge, actor=world.zhuren, pair=pair, reason="核实为双胞胎")
    first.refresh_from_db()
    second.refresh_from_db()
    assert restored.pk == first.pk and first.merged_into_id is None and first.status == "active"
    assert first.id_number == number and first.name == "陆金兰"          # its unique values back
    assert second.id_number in (None, "") and second.name == "陆晶兰"      # the kept one gives back what it took
    for key, row in moved.items():
        row.refresh_from_db()
        assert row.child_id == first.pk, key                                # back where they were
    later.refresh_from_db()
    assert later.child_id == second.pk                                      # written on the kept record after the merge: stays
    assert Participation.objects.filter(activity=both, child=first).exists()
    assert "撤销合并" in first.history.first().history_change_reason and "撤销合并" in second.history.first().history_change_reason
    pair.refresh_from_db()
    assert pair.status == "open" and "撤销了合并" in pair.note
    merge = registry_services.ChildMerge.objects.get()
    assert merge.undone_by == world.zhuren and merge.undone_at is not None
    assert number not in str(merge.kept_before) + str(merge.kept_after) + str(merge.other_before)  # encrypted
    with pytest.raises(ServiceError):
        services.pair_unmerge(actor=world.zhuren, pair=pair)                # once


def test_undo_merge_only_within_30_days_and_in_scope(world, twice, oc):
    first, second = twice
    pair = pair_of(first, second)
    oc(services.pair_merge, actor=world.zhuren, pair=pair, keep=first.pk)
    merge = registry_services.ChildMerge.objects.get()
    with pytest.raises(NotFound):
        services.pair_unmerge(actor=world.zhuren_lianfu, pair=pair)
    merge.at -= timedelta(days=registry_services.UNDO_DAYS)
    merge.save()
    with pytest.raises(Conflict) as exc:
        services.pair_unmerge(actor=world.zhuren, pair=pair)
    assert exc.value.code == registry_services.RegistryErrorCode.UNDO_EXPIRED


def test_compare_page_shows_readable_values_and_the_undo_404s_for_another_village(world, twice, client):
    first, second = twice
    second.grandparents = [{"relation": "祖父", "name": "陆国华", "birth_date": "1950-03-02", "deceased": False}]
    second.emergency_contacts = [{"name": "王小芳", "relation": "母亲", "phone": "13812345678"}]
    second.save()
    pair = pair_of(first, second)
    client.force_login(world.zhuren)
    page = client.get(f"/quality/duplicates/{pair.pk}/").content.decode()
    assert "祖父 陆国华（1950-03-02）" in page and "王小芳（母亲） 13812345678" in page and "'relation'" not in page
    assert "30天内可以撤销合并" in page
    client.force_login(world.zhuren_lianfu)
    assert client.post(f"/quality/duplicates/{pair.pk}/undo/").status_code == 404


def test_a_merged_duplicate_stays_exited(world, twice, oc):
    first, second = twice
    oc(services.pair_merge, actor=world.zhuren, pair=pair_of(first, second), keep=first.pk)
    registry_services.recompute_all()
    second.refresh_from_db()
    assert second.status == "exited"
    with pytest.raises(Conflict) as exc:                        # nor does an edit: it is history
        registry_services.child_update(actor=world.admin, child=second)
    assert exc.value.code == registry_services.RegistryErrorCode.MERGED_RECORD


def test_a_merged_duplicate_offers_no_edit(world, twice, oc, client):
    first, second = twice
    oc(services.pair_merge, actor=world.zhuren, pair=pair_of(first, second), keep=first.pk)
    client.force_login(world.zhuren)
    assert "编辑档案" not in client.get(f"/children/{second.uid}/").content.decode()
    assert client.get(f"/children/{second.uid}/edit/").status_code == 404
    assert "编辑档案" in client.get(f"/children/{first.uid}/").content.decode()


def test_merge_needs_both_records_in_scope(world, oc):
    first = reg(oc, world, name="陆金兰")
    second = reg(oc, world, world.lianfu, name="陆晶兰", id_number="", birth_date=first.birth_date)
    with pytest.raises(Forbidden):
        registry_services.child_merge(actor=world.zhuren, keep=first, other=second)
    with pytest.raises(ServiceError) as exc:
        registry_services.child_merge(actor=world.admin, keep=first, other=first)
    assert exc.value.code == registry_services.RegistryErrorCode.SAME_RECORD


def test_every_table_pointing_at_a_child_has_a_merge_rule():
    classified = registry_services.MERGE_MOVE | registry_services.MERGE_STAY | registry_services.MERGE_DERIVED
    pointing = {rel.related_model._meta.label for rel in Child._meta.related_objects if not rel.many_to_many}  # M2M: its through table
    pointing |= {m._meta.label for m in apps.get_models() for f in m._meta.fields
                 if f.is_relation and f.related_model is Child}
    assert pointing <= classified, pointing - classified
    assert not (registry_services.MERGE_MOVE & registry_services.MERGE_STAY)


# -- pages ---------------------------------------------------------------------------------------
def test_the_pair_page_shows_both_records_and_logs_the_view(world, twice, client):
    first, second = twice
    pair = pair_of(first, second)
    client.force_login(world.zhuren)
    r = client.get("/quality/duplicates/")
    assert r.status_code == 200 and "陆晶兰" in r.content.decode()
    r = client.get(f"/quality/duplicates/{pair.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and "陆金兰" in html and "陆晶兰" in html and "合并为一份档案" in html
    assert 'name="f_school_class"' in html                     # a differing value to choose
    assert AccessLog.objects.filter(user=world.zhuren, child=second, action="view").exists()


def test_the_pair_page_masks_id_numbers_for_school_staff_and_offers_no_decision(world, twice, client):
    first, second = twice
    pair = pair_of(first, second)
    client.force_login(world.xiaozhang)
    html = client.get(f"/quality/duplicates/{pair.pk}/").content.decode()
    assert first.id_number not in html and first.id_number[:6] in html
    assert "合并为一份档案" not in html
    r = client.post(f"/quality/duplicates/{pair.pk}/decide/", {"action": "not_same", "reason": "不是同一人"})
    assert r.status_code == 404 and pair_of(first, second).status == "open"


@pytest.mark.parametrize("who", ["zhuren_lianfu", "zhuren_hongxing", "xiaozhang_zhuhe", "banzhuren_c32", "volunteer", "partner"])
def test_others_get_404_for_the_pair(world, twice, client, who):
    pair = pair_of(*twice)
    client.force_login(getattr(world, who))
    assert client.get(f"/quality/duplicates/{pair.pk}/").status_code == 404
    assert client.post(f"/quality/duplicates/{pair.pk}/decide/", {"action": "merge", "keep": pair.a_id}).status_code == 404
    r = client.get("/quality/duplicates/")
    assert r.status_code == 404 or "陆晶兰" not in r.content.decode()
    assert client.get("/quality/duplicates/999999/").status_code == 404


def test_a_pair_across_villages_is_for_the_township(world, oc, client):
    first = reg(oc, world, name="陆金兰")
    reg(oc, world, world.lianfu, name="陆晶兰", id_number="", birth_date=first.birth_date)
    services.find_duplicate_pairs()
    pair = DuplicatePair.objects.get()
    client.force_login(world.zhuren)
    assert client.get(f"/quality/duplicates/{pair.pk}/").status_code == 404
    html = client.get("/quality/issues/?code=possible_duplicate").content.decode()
    assert "另一份档案不在您的范围内" in html
    client.force_login(world.dudao)
    assert "对比两份档案" in client.get("/quality/issues/?code=possible_duplicate").content.decode()
    assert client.get(f"/quality/duplicates/{pair.pk}/").status_code == 200


def test_merging_through_the_page(world, twice, client, django_capture_on_commit_callbacks):
    first, second = twice
    pair = pair_of(first, second)
    Visit.objects.create(child=second, date=world.today, visitor_role="village_director", visitor_name="李主任")
    client.force_login(world.zhuren)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/quality/duplicates/{pair.pk}/decide/", {"action": "merge", "keep": first.pk, "f_school_class": "b",
                                                                   "f_name": "b", "reason": "同一人"})
    assert r.status_code == 302 and r["Location"].endswith(f"/children/{first.uid}/")
    first.refresh_from_db()
    assert first.name == "陆晶兰" and first.school_class_id == world.c31.pk and first.visits.count() == 1
    html = client.get(f"/children/{second.uid}/").content.decode()
    assert "这是一份重复档案" in html


def test_not_the_same_through_the_page_needs_a_reason(world, twice, client):
    pair = pair_of(*twice)
    client.force_login(world.zhuren)
    r = client.post(f"/quality/duplicates/{pair.pk}/decide/", {"action": "not_same", "reason": ""}, follow=True)
    assert "请写明理由" in r.content.decode() and pair_of(*twice).status == "open"
    client.post(f"/quality/duplicates/{pair.pk}/decide/", {"action": "not_same", "reason": "双胞胎"})
    assert pair_of(*twice).status == "not_same"
    assert "双胞胎" in client.get("/quality/duplicates/?status=not_same").content.decode()


def test_the_list_exports_and_logs(world, twice, client):
    client.force_login(world.dudao)
    r = client.get("/quality/duplicates/?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AccessLog.objects.filter(user=world.dudao, action="export", detail__contains="疑似重复档案 1 对").exists()
    import io

    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[2]][:2] == ["GR-001", "陆金兰"]


def test_the_overview_links_the_pairs(world, twice, client):
    client.force_login(world.zhuren)
    html = client.get("/quality/").content.decode()
    assert "疑似重复档案 <strong>1</strong> 对" in html


def test_the_command_leaves_out_pairs_marked_not_the_same(world, twice, tmp_path):
    import csv

    from django.core.management import call_command

    out = tmp_path / "dups.csv"
    call_command("find-duplicates", report=str(out))
    assert len(list(csv.reader(out.open(encoding="utf-8-sig")))) == 2
    services.pair_not_same(actor=world.zhuren, pair=pair_of(*twice), reason="双胞胎")
    call_command("find-duplicates", report=str(out))
    assert list(csv.reader(out.open(encoding="utf-8-sig"))) == [["档案编号1", "档案编号2", "得分", "原因"]]


# -- at registration -------------------------------------------------------------------------------
def test_registering_the_same_girl_again_warns_first(world, oc, client):
    from tests.registry.test_views import form_data

    first = reg(oc, world, name="陆金兰", archive_no="GR-001")
    client.force_login(world.zhuren)
    data = {**form_data(world, name="陆晶兰", id_number="", birth_date=first.birth_date), "hukou_registered": "False"}  # no ID yet
    r = client.post("/children/new/", data)
    html = r.content.decode()
    assert r.status_code == 200 and "这名儿童可能已经登记过" in html and f"/children/{first.uid}/" in html and "GR-001" in html
    assert not Child.objects.filter(name="陆晶兰").exists()                       # nothing saved yet
    assert AccessLog.objects.filter(user=world.zhuren, action="search", detail__contains="登记时查重").exists()
    r = client.post("/children/new/", {**data, "confirm_new": "1", "seen": [str(first.pk)]})
    assert r.status_code == 302
    second = Child.objects.get(name="陆晶兰")
    pair = pair_of(first, second)
    assert pair.status == "not_same" and pair.decided_by == world.zhuren and "登记时" in pair.note
    assert services.find_duplicate_pairs() == 0


def test_a_candidate_in_another_village_is_named_by_village_and_number_only(world, oc, client):
    from tests.registry.test_views import form_data

    other = reg(oc, world, world.lianfu, name="陆金兰", archive_no="LF-009")
    client.force_login(world.zhuren)
    data = {**form_data(world, name="陆晶兰", id_number="", birth_date=other.birth_date), "hukou_registered": "False"}
    html = client.post("/children/new/", data).content.decode()
    assert "莲福村的一份档案（档案编号 LF-009）" in html and f"/children/{other.uid}/" not in html
    assert "陆金兰" not in html.split('id="possible-duplicates"')[1].split("</div>")[0]


def test_a_different_child_registers_without_a_question(world, oc, client):
    from tests.registry.test_views import form_data

    reg(oc, world, name="陆金兰")
    client.force_login(world.zhuren)
    r = client.post("/children/new/", form_data(world, name="张子豪", sex="男", birth_date=world.today - timedelta(days=3000),
                                                 father_name="张军", mother_name="李梅"))
    assert r.status_code == 302 and Child.objects.filter(name="张子豪").exists()


def test_a_kept_record_without_a_number_takes_the_duplicates(world, oc):
    first = reg(oc, world, name="陆金兰", archive_no=None)
    second = reg(oc, world, name="陆晶兰", id_number="", birth_date=first.birth_date, archive_no="GR-077")
    services.find_duplicate_pairs()
    oc(services.pair_merge, actor=world.zhuren, pair=pair_of(first, second), keep=first.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.archive_no == "GR-077" and second.archive_no is None
    assert second.history.filter(archive_no="GR-077").exists()


def test_an_edit_that_leaves_them_alike_keeps_the_pair_open(world, twice, oc):
    first, second = twice
    second.address_detail = "四组3号"
    oc(registry_services.child_update, actor=world.admin, child=second)
    assert pair_of(first, second).status == "open" and len(open_dup_issues(first)) == 1


def test_the_nightly_command_finds_the_pair(world, twice):
    import io

    from django.core.management import call_command

    DuplicatePair.objects.all().delete()
    out = io.StringIO()
    call_command("check-quality", stdout=out)
    assert "正在查找重复档案" in out.getvalue() and "疑似重复 1 对" in out.getvalue()
    assert pair_of(*twice).status == "open"


def test_an_import_row_of_a_merged_duplicate_is_refused_with_the_reason(world, twice, oc, tmp_path):
    """An old sheet still carries the duplicate's 档案编号: the row must not write into the merged
    record (nor silently into the kept one); the registrar is told where the child went."""
    from shouhu.intake.models import ImportRow
    from shouhu.intake.services import import_check, import_create
    from tests.intake_util import sheet_row, write_xlsx

    first, second = twice
    oc(services.pair_merge, actor=world.zhuren, pair=pair_of(first, second), keep=first.pk)
    path = write_xlsx(tmp_path / "old.xlsx", [sheet_row(**{"姓名": "陆晶兰", "档案编号": "GR-077", "公民身份号码": "", "是否登记户口": "否"})])
    batch = import_check(import_create(actor=world.zhuren, path=path, filename=path.name, run=False))
    assert batch.rejected_count == 1 and batch.accepted_count == 0
    (row,) = batch.rows.filter(kind=ImportRow.Kind.REJECTED)
    assert any("已合并的重复档案" in msg for _, msg in row.problems)


def test_after_a_merge_the_county_run_still_runs(world, oc):
    """A merged record shares parents with the kept one: neither a group finding on it nor a
    reopened pair may break the nightly run (it hit the unique (child, key) constraint)."""
    first = reg(oc, world, name="陆金兰", archive_no="GR-001")
    second = reg(oc, world, world.hongxing, name="陆晶兰", id_number="", birth_date=first.birth_date)
    services.recheck_all()
    oc(services.pair_merge, actor=world.admin, pair=pair_of(first, second), keep=first.pk)
    services.recheck_all()
    services.recheck_all()
    assert not Issue.objects.filter(child=second, status="open").exists()
    assert not Issue.objects.filter(child=first, code="shared_parent_details", status="open").exists()


def test_a_duplicate_issue_is_decided_on_its_pair_not_dismissed(world, twice):
    with pytest.raises(ServiceError) as exc:
        services.dismiss(actor=world.zhuren, issue=open_dup_issues(twice[0])[0], reason="双胞胎，已核对")
    assert exc.value.code == services.QualityErrorCode.DECIDE_ON_PAIR


def test_an_import_row_without_numbers_matches_the_kept_record_not_the_merged_one(world, oc, tmp_path):
    from shouhu.intake.services import import_check, import_create
    from tests.intake_util import sheet_row, write_xlsx

    row = sheet_row(**{"姓名": "无证女孩", "公民身份号码": "", "是否登记户口": "否"})
    values = dict(name="无证女孩", id_number=None, hukou_registered=False, birth_date=date.fromisoformat(row["出生日期"]))
    kept, dup = reg(oc, world, **values), reg(oc, world, **values)
    services.find_duplicate_pairs()
    oc(services.pair_merge, actor=world.admin, pair=pair_of(kept, dup), keep=kept.pk)
    batch = import_check(import_create(actor=world.zhuren, path=write_xlsx(tmp_path / "s.xlsx", [row]), filename="s.xlsx", run=False))
    assert batch.rejected_count == 0 and batch.new_count == 0
    assert batch.rows.get().child_id == kept.pk


# -- the run in parts (birth years), for several workers ---------------------------------------
def test_the_run_has_a_part_per_birth_year_and_the_last_part_closes_it(world, twice, oc):
    first, second = twice
    older = reg(oc, world, name="陆金花", birth_date=date(2012, 5, 1))  # a sister: another part, no pair
    run = services.start_duplicate_run()
    born = {first.birth_date.year, older.birth_date.year}
    assert set(run.parts) == born | {y - 1 for y in born}
    DuplicatePair.objects.update(score=0.1)  # what the previous run kept
    for part in reversed(run.parts[1:]):  # the queue runs parts in any order
        services.run_duplicate_part(run.pk, part)
        run.refresh_from_db()
        assert run.finished_at is None
        assert pair_of(first, second).status == "open"  # nothing closed before the last part
    services.run_duplicate_part(run.pk, run.parts[0])
    run.refresh_from_db()
    assert run.finished_at is not None and sorted(run.parts_done) == sorted(run.parts)
    pair = pair_of(first, second)
    assert pair.status == "open" and pair.seen_in == run.pk and pair.score >= 0.5
    assert DuplicatePair.objects.count() == 1


def test_a_pair_no_part_finds_closes_when_the_run_ends(world, twice, oc):
    first, second = twice
    Child.objects.filter(pk=second.pk).update(name="王小明", sex="男")  # corrected by hand, no recheck
    services.find_duplicate_pairs()
    assert pair_of(first, second).status == "gone"
    assert open_dup_issues(first) == [] and open_dup_issues(second) == []


def test_the_run_with_no_children_closes_what_was_open(world, twice):
    Child.objects.update(merged_into=None)
    Child.objects.all().delete()
    run = services.start_duplicate_run()
    assert run.parts == [] and run.finished_at is not None


def test_the_quality_task_queues_one_job_per_part(world, twice, oc, monkeypatch):

    queued, job = [], tasks.duplicate_part

    class Queue:
        def enqueue(run_id, part):
            queued.append((run_id, part))

    monkeypatch.setattr(tasks, "duplicate_part", Queue)
    tasks.recheck.call(None)
    run = services.DuplicateRun.objects.latest("pk")
    assert sorted(p for _, p in queued) == sorted(run.parts) and {r for r, _ in queued} == {run.pk}
    for run_id, part in queued:  # as the workers would, one after another
        job.call(run_id, part)
    run.refresh_from_db()
    assert run.finished_at is not None
    first, second = twice
    assert pair_of(first, second).status == "open"


def test_overlapping_runs_do_not_close_what_the_later_one_found(world, twice):
    first, second = twice
    early, late = services.start_duplicate_run(), services.start_duplicate_run()  # two imports, one after the other
    for part in late.parts:
        services.run_duplicate_part(late.pk, part)
    for part in early.parts:  # the earlier run ends last
        services.run_duplicate_part(early.pk, part)
    pair = pair_of(first, second)
    assert pair.status == "open" and pair.seen_in == late.pk


# -- twins entered together ---------------------------------------------------------------------
def test_two_names_entered_in_one_sitting_are_twins_not_a_pair(world, oc):
    """The village director types in twins one after the other (the second has no ID number yet):
    the same parents, birthday and class, near names — not a copy. The same two records entered in
    separate sittings (the village's form, the school's sheet) are a pair (docs/domain.md, 重复登记)."""
    def form(name, **over):
        return oc(child_register, actor=world.zhuren, child=Child(**child_values(world.guangrong, name=name, **over)))

    first = form("陆金兰")
    second = form("陆晶兰", id_number="", hukou_registered=False, birth_date=first.birth_date)
    assert first.entered_in == second.entered_in and first.entered_in.startswith("form:")
    services.find_duplicate_pairs()
    assert not DuplicatePair.objects.exists()

    new = [(Child(**child_values(world.guangrong, name=n, birth_date=first.birth_date)), world.guangrong.code) for n in ("陈金兰", "陈晶兰")]
    with transaction.atomic():
        registry_services.children_bulk_write(actor=world.zhuren, new=new, changed=[], reason="导入登记表")
    sheet = {c.entered_in for c, _ in new}
    assert len(sheet) == 1 and sheet.pop().startswith("sheet:")  # one sheet, one sitting, not the form's

    Child.objects.filter(pk=second.pk).update(entered_in="sheet:school")  # the school's copy, entered apart
    services.find_duplicate_pairs()
    assert [(p.a_id, p.b_id) for p in DuplicatePair.objects.all()] == [(first.pk, second.pk)]


def test_two_copies_of_one_child_are_paired_through_it_and_stay_paired_after_an_edit(world, oc):
    """The village's 张嘉豪, the school's 张小豪 and a re-registration 张嘉嘉豪 (no ID numbers): each
    copy is a near miss of 张嘉豪, not of the other — they are paired through him, without naming
    him (the reader may not see his record); saving one copy does not close that pair."""
    boy = dict(sex="男", father_name="张大军", mother_name="王小芳")
    first = reg(oc, world, name="张嘉豪", **boy)
    pet = reg(oc, world, name="张小豪", id_number="", hukou_registered=False, birth_date=first.birth_date, **boy)
    double = reg(oc, world, name="张嘉嘉豪", id_number="", hukou_registered=False, birth_date=first.birth_date, **boy)
    services.find_duplicate_pairs()
    assert {(p.a_id, p.b_id) for p in DuplicatePair.objects.filter(status="open")} == {
        (first.pk, pet.pk), (first.pk, double.pk), (pet.pk, double.pk)}
    linked = pair_of(pet, double)
    assert linked.reasons[0] == "两条记录都与第三份档案高度相似（同一儿童的多份登记）"
    assert not any("张嘉豪" in r for r in linked.reasons)
    pet.address_detail = "五组3号"
    oc(registry_services.child_update, actor=world.admin, child=pet)
    assert pair_of(pet, double).status == "open"
