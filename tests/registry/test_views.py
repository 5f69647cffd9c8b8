"""Pages: scope (another village/school/class gets 404), forms with errors beside the field,
history, exit and re-entry, masking, the access log."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.registry.models import CategoryEvent, Child
from tests.factories import PASSWORD, child_values, make_child, years_ago


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def girl(world):
    return make_child(world.admin, world.guangrong, name="陆金兰", school=world.jinxing, school_class=world.c31)


CHILD_PAGES = ["registry:detail", "registry:edit", "registry:print"]


@pytest.mark.parametrize("page", CHILD_PAGES)
@pytest.mark.parametrize("outsider", ["zhuren_lianfu", "zhuren_hongxing", "xiaozhang_zhuhe", "banzhuren_c32", "dudao_zhuhe", "partner", "volunteer"])
def test_out_of_scope_child_pages_are_404(client, world, girl, page, outsider):
    login(client, getattr(world, outsider))
    assert client.get(reverse(page, args=[girl.uid])).status_code == 404


@pytest.mark.parametrize("page", CHILD_PAGES)
def test_missing_child_is_the_same_404(client, world, page):
    login(client, world.zhuren)
    assert client.get(reverse(page, args=["00000000-0000-0000-0000-000000000000"])).status_code == 404
    assert client.get(reverse(page, args=["not-a-uuid"])).status_code == 404


def test_readers_cannot_edit(client, world, girl):
    for reader in (world.banzhuren, world.xiaozhang, world.inspector):
        login(client, reader)
        assert client.get(reverse("registry:detail", args=[girl.uid])).status_code == 200
        assert client.get(reverse("registry:edit", args=[girl.uid])).status_code == 404


def test_agreement_file_is_scoped(client, world, girl):
    from django.core.files.base import ContentFile

    girl.agreement_file.save("a.pdf", ContentFile(b"%PDF-1.4 agreement"), save=True)
    login(client, world.zhuren_lianfu)
    assert client.get(reverse("registry:agreement", args=[girl.uid])).status_code == 404
    login(client, world.zhuren)
    r = client.get(reverse("registry:agreement", args=[girl.uid]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")


def test_list_shows_only_scope(client, world, girl):
    make_child(world.admin, world.hongxing, name="王浩", sex="男")
    login(client, world.zhuren)
    html = client.get(reverse("registry:list")).content.decode()
    assert "陆金兰" in html and "王浩" not in html
    login(client, world.dudao_zhuhe)
    html = client.get(reverse("registry:list")).content.decode()
    assert "王浩" in html and "陆金兰" not in html


def test_detail_shows_categories_with_reasons_and_masks_ids(client, world, girl):
    login(client, world.banzhuren)
    html = client.get(reverse("registry:detail", args=[girl.uid])).content.decode()
    assert "农村留守儿童" in html and "父亲外出务工" in html
    assert girl.id_number not in html and girl.id_number[:6] + "*" * 12 in html and girl.id_number[-4:] not in html
    login(client, world.zhuren)
    html = client.get(reverse("registry:detail", args=[girl.uid])).content.decode()
    assert girl.id_number in html


def test_detail_and_print_are_logged(client, world, girl):
    login(client, world.dudao)
    client.get(reverse("registry:detail", args=[girl.uid]))
    client.get(reverse("registry:print", args=[girl.uid]))
    logs = list(AccessLog.objects.filter(child=girl).values_list("user__username", "action"))
    assert ("dudao", "view") in logs and ("dudao", "print") in logs


def test_access_log_page_admin_only(client, world, girl):
    login(client, world.zhuren)
    client.get(reverse("registry:detail", args=[girl.uid]))
    assert client.get(reverse("audit:log")).status_code == 404
    login(client, world.admin)
    html = client.get(reverse("audit:log") + "?user=zhuren").content.decode()
    assert "陆金兰" in html and "查看档案" in html
    html = client.get(reverse("audit:log") + "?user=admin").content.decode()
    assert "陆金兰" not in html


def form_data(world, **over):
    v = child_values(world.guangrong, **over)
    data = {k: ("" if val is None else val) for k, val in v.items() if k not in ("village", "school", "school_class")}
    data["village"] = v["village"].pk
    data["hukou_registered"] = "True"
    data.setdefault("health", "健康")
    data.setdefault("ethnicity", "汉族")
    for k, val in list(data.items()):
        if hasattr(val, "isoformat"):
            data[k] = val.isoformat()
    return data


def test_register_child_through_form(client, world):
    login(client, world.zhuren)
    r = client.post(reverse("registry:create"), form_data(world, name="刘思彤"))
    assert r.status_code == 302
    child = Child.objects.get(name="刘思彤")
    assert child.is_left_behind and child.left_behind_kind == "双亲留守"
    assert child.created_by == world.zhuren
    assert child.history.first().history_user == world.zhuren
    assert CategoryEvent.objects.filter(child=child, kind="enter").exists()


@pytest.mark.parametrize("over,field,message", [
    ({"id_number": "BAD-CHECK"}, "id_number", "校验"),
    ({"sex": "男"}, "sex", "性别与身份证号码不符"),
    ({"father_situation": "死亡"}, "father_work_province", "不应填写务工地点"),
    ({"carer_relation": "父亲"}, "carer_name", "不能是不在家的父亲"),
    ({"father_phone": "12345"}, "father_phone", "电话号码格式不正确"),
    ({"carer_barred": "on"}, "carer_barred", "第22条"),
    ({"health": "残疾", "disability": ""}, "disability", "残疾类别"),
])
def test_form_errors_beside_the_field(client, world, over, field, message):
    login(client, world.zhuren)
    data = form_data(world)
    data.update(over)
    if data["id_number"] == "BAD-CHECK":
        good = form_data(world)["id_number"]
        data["id_number"] = good[:-1] + ("1" if good[-1] != "1" else "2")
    r = client.post(reverse("registry:create"), data)
    assert r.status_code == 200
    form = r.context["form"]
    assert message in " ".join(form.errors.get(field, [])), form.errors
    html = r.content.decode()
    assert f'id="wrap-{field}"' in html and "invalid-feedback" in html
    assert not Child.objects.exists()


def test_full_width_numbers_are_taken_half_width(client, world):
    """A Chinese input method in full-width mode types '１３８…' and '４２１０…ｘ': the form stores
    what the import would (NFKC, no spaces, +86 gone), so the same child exports and imports back."""
    login(client, world.zhuren)
    data = form_data(world, name="全角号")
    wide = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789Xx"})
    number = data["id_number"]
    data["id_number"] = number[:6] + " " + number[6:].translate(wide)
    data["father_phone"] = "＋８６ １３８ ００１３ ８０００"
    r = client.post(reverse("registry:create"), data)
    assert r.status_code == 302, r.context["form"].errors
    child = Child.objects.get(name="全角号")
    assert child.id_number == number and child.father_phone == "13800138000"
    assert Child.objects.with_id_number(number.translate(wide)).get() == child


def test_sex_and_birth_date_come_from_the_id_number(client, world):
    login(client, world.zhuren)
    data = form_data(world, name="号码填")
    expected = (data["sex"], data["birth_date"])
    data.update(sex="", birth_date="")
    r = client.post(reverse("registry:create"), data)
    assert r.status_code == 302, r.context["form"].errors
    child = Child.objects.get(name="号码填")
    assert (child.sex, child.birth_date.isoformat()) == expected
    data = form_data(world, name="无号码", id_number="", hukou_registered="False")
    data.update(sex="", birth_date="")
    r = client.post(reverse("registry:create"), data)
    errors = r.context["form"].errors
    assert "请填写性别" in errors["sex"][0] and "请填写出生日期" in errors["birth_date"][0]


def test_new_form_prefills_the_reporter_and_today_and_lists_the_township_schools_first(client, world):
    login(client, world.zhuren)
    form = client.get(reverse("registry:create")).context["form"]
    assert form["reported_on"].value() == timezone.localdate() and form["reporter"].value()
    schools = list(form.fields["school"].queryset)
    township = world.guangrong.code[:9]
    ours = [s.township.code == township for s in schools]
    assert ours == sorted(ours, reverse=True)  # the township's schools, then the rest
    assert "---------" not in str(form["village"]) and "---------" not in str(form["school"])


def test_birth_date_mismatch_names_the_field(client, world):
    login(client, world.zhuren)
    data = form_data(world)
    data["birth_date"] = years_ago(9).isoformat()
    r = client.post(reverse("registry:create"), data)
    assert "出生日期与身份证号码不符" in " ".join(r.context["form"].errors["birth_date"])


def test_cannot_register_into_another_village(client, world):
    login(client, world.zhuren)
    data = form_data(world)
    data["village"] = world.hongxing.pk
    r = client.post(reverse("registry:create"), data)
    assert r.status_code == 200 and "village" in r.context["form"].errors
    assert not Child.objects.exists()


def test_edit_keeps_history_and_exit_reentry(client, world, girl):
    login(client, world.zhuren)
    data = form_data(world, id_number=girl.id_number, birth_date=girl.birth_date, name=girl.name)
    # both parents come home: no category applies -> exit
    data.update(father_situation="在家", father_work_province="", father_work_city="", father_since="",
                mother_situation="在家", mother_work_province="", mother_work_city="", mother_since="",
                carer_name="", carer_relation="", carer_phone="", change_reason="父母返乡")
    data["school"], data["school_class"] = world.jinxing.pk, world.c31.pk
    r = client.post(reverse("registry:edit", args=[girl.uid]), data)
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    girl.refresh_from_db()
    assert girl.status == "exited" and not girl.is_left_behind and girl.exited_on is not None
    # the father leaves again long enough ago, the mother too: re-entry
    data.update(father_situation="外出务工", father_work_province="广东", father_since=(girl.exited_on - timedelta(days=400)).isoformat(),
                mother_situation="外出务工", mother_work_province="浙江", mother_since=(girl.exited_on - timedelta(days=400)).isoformat(),
                carer_name="陆国华", carer_relation="祖父", change_reason="父母再次外出")
    r = client.post(reverse("registry:edit", args=[girl.uid]), data)
    assert r.status_code == 302
    girl.refresh_from_db()
    assert girl.status == "active" and girl.is_left_behind
    kinds = list(CategoryEvent.objects.filter(child=girl).order_by("id").values_list("kind", flat=True))
    assert kinds == ["enter", "exit", "reenter"]
    html = client.get(reverse("registry:detail", args=[girl.uid])).content.decode()
    assert "父母返乡" in html and "退出" in html and "重新纳入" in html
    assert "父亲状况：外出务工 → 在家" in html
    assert girl.history.count() == 3


def test_effective_date_is_recorded(world, girl):
    from datetime import date

    from shouhu.registry.services import child_update

    girl.carer_phone = "13700000000"
    child_update(actor=world.zhuren, child=girl, reason="更换电话", effective_date=date(2026, 1, 5))
    assert girl.history.first().effective_date == date(2026, 1, 5)
    assert girl.history.first().history_change_reason == "更换电话"


def test_home_counts_by_level_below(client, world, girl):
    make_child(world.admin, world.hongxing, name="王浩", sex="男")
    make_child(world.admin, world.lianfu, name="孤儿甲", father_situation="死亡", father_work_province="", father_work_city="",
               father_since=None, father_phone="", mother_situation="死亡", mother_work_province="", mother_work_city="",
               mother_since=None, mother_phone="", carer_relation="祖母")
    login(client, world.admin)
    r = client.get(reverse("home"))
    table = r.context["tables"][0]
    rows = {row.label: row.counts for row in table.rows}
    assert rows["毛市镇"]["total"] == 2 and rows["毛市镇"]["orphan"] == 1 and rows["朱河镇"]["left_behind"] == 1
    assert table.total.counts["total"] == sum(r["total"] for r in rows.values()) == 3
    login(client, world.dudao)
    rows = {row.label: row.counts for row in client.get(reverse("home")).context["tables"][0].rows}
    assert rows == {"光荣村": rows["光荣村"], "莲福村": rows["莲福村"]} and rows["光荣村"]["left_behind"] == 1
    login(client, world.xiaozhang)
    rows = {row.label: row.counts for row in client.get(reverse("home")).context["tables"][0].rows}
    assert rows["三年级1班"]["total"] == 1 and rows["三年级2班"]["total"] == 0


def test_partner_sees_statistics_but_no_children(client, world, girl):
    """Counts of 1–4 show as "<5" to the statistics-only partner (it used to read a village's 1);
    0 stays 0. Reproduces the home-page half of the small-counts finding."""
    login(client, world.partner)
    r = client.get(reverse("home"))
    table = r.context["tables"][0]
    assert table.total.counts["total"] == "<5" and table.total.counts["orphan"] == 0
    assert "&lt;5" in r.content.decode()
    assert client.get(reverse("registry:list")).status_code == 404
    login(client, world.admin)
    assert client.get(reverse("home")).context["tables"][0].total.counts["total"] == 1


def test_search_by_pinyin_initials_and_id_keeps_text_out_of_url(client, world, girl):
    make_child(world.admin, world.guangrong, name="王浩", sex="男")
    login(client, world.zhuren)
    r = client.post(reverse("registry:list"), {"q": "ljl"})
    assert r.status_code == 302 and "ljl" not in r["Location"]
    html = client.get(r["Location"]).content.decode()
    assert "陆金兰" in html and "王浩" not in html
    r = client.post(reverse("registry:list"), {"q": girl.id_number})
    assert girl.id_number not in r["Location"]
    html = client.get(r["Location"]).content.decode()
    assert "陆金兰" in html and "王浩" not in html


def test_list_filters(client, world, girl):
    make_child(world.admin, world.guangrong, name="王浩", sex="男", birth_date=years_ago(15, days=10), school=None, school_class=None, schooling="初中")
    login(client, world.zhuren)
    html = client.get(reverse("registry:list") + "?age=14-16").content.decode()
    assert "王浩" in html and "陆金兰" not in html
    html = client.get(reverse("registry:list") + f"?school={world.jinxing.pk}").content.decode()
    assert "陆金兰" in html and "王浩" not in html
    html = client.get(reverse("registry:list") + "?category=orphan").content.decode()
    assert "没有符合条件的儿童" in html


def test_helper_page_has_fewer_fields(client, world, girl):

    from shouhu.care.models import Helper, Pairing

    helper = Helper.objects.create(name="李爱心", user=world.volunteer)
    Pairing.objects.create(helper=helper, child=girl, start=timezone.localdate())
    login(client, world.volunteer)
    html = client.get(reverse("registry:detail", args=[girl.uid])).content.decode()
    assert "陆金兰" in html and "陆国华" in html
    assert girl.id_number[-4:] not in html and "王小芳" not in html  # no ID, no parents
    assert client.get(reverse("registry:print", args=[girl.uid])).status_code == 404


def test_school_admin_pages(client, world):
    login(client, world.admin)
    r = client.post(reverse("regions:school_new"), {"name": "新星小学", "township": world.maoshi.pk, "stage": "小学", "active": "on"})
    assert r.status_code == 302
    from shouhu.regions.models import School

    school = School.objects.get(name="新星小学")
    assert school.region_code == "421088109"
    r = client.post(reverse("regions:class_new", args=[school.pk]), {"grade": 1, "name": "1班", "active": "on"})
    assert r.status_code == 302
    r = client.post(reverse("regions:class_new", args=[school.pk]), {"grade": 1, "name": "1班", "active": "on"})
    assert "本校该年级已有同名班级" in r.content.decode()
    login(client, world.dudao)
    assert client.get(reverse("regions:school_new")).status_code == 404
    assert client.get(reverse("regions:school", args=[world.zhuhe_school.pk])).status_code == 404
    assert client.get(reverse("regions:school", args=[world.jinxing.pk])).status_code == 200


def test_class_options_scoped(client, world):
    url = reverse("registry:class_options")
    login(client, world.banzhuren_c32)
    assert client.get(url, {"school": world.zhuhe_school.pk}).status_code == 404
    html = client.get(url, {"school": world.jinxing.pk}).content.decode()
    assert "2班" in html and "1班" not in html
    login(client, world.zhuren)  # an editor: a child of 光荣村 may study in 朱河镇
    html = client.get(url, {"school": world.zhuhe_school.pk}).content.decode()
    assert "四年级1班" in html


def test_list_reads_are_logged_without_search_text(client, world, girl):
    """Reproduces: only searches were logged; a plain list read (whole village, with IDs) left no trace."""
    login(client, world.zhuren)
    client.get(reverse("registry:list") + f"?school={world.jinxing.pk}")
    row = AccessLog.objects.get(action="list")
    assert row.username == "zhuren" and f"school={world.jinxing.pk}" in row.detail and "共 1 条" in row.detail
    r = client.post(reverse("registry:list"), {"q": girl.id_number})
    client.get(r["Location"])
    row = AccessLog.objects.get(action="search")
    assert girl.id_number not in row.detail and "陆金兰" not in row.detail and "s=<已隐去>" in row.detail


def test_second_save_over_a_newer_version_shows_the_conflict_and_keeps_the_first_edit(client, world, girl):
    """Reproduces the lost update on the web: two people open the edit form; the second save used to
    put back the first's change. Now it gets the conflict (409) with who changed what, its input
    kept, and can save again on purpose over the new version."""
    from django.test import Client

    first, second = login(Client(), world.zhuren), login(client, world.dudao)
    base = form_data(world, id_number=girl.id_number, birth_date=girl.birth_date, name=girl.name)
    base["school"], base["school_class"] = world.jinxing.pk, world.c31.pk
    url = reverse("registry:edit", args=[girl.uid])
    assert 'name="version" value="1"' in first.get(url).content.decode()
    assert 'name="version" value="1"' in second.get(url).content.decode()
    r = first.post(url, {**base, "version": "1", "carer_phone": "13800000001"})
    assert r.status_code == 302
    r = second.post(url, {**base, "version": "1", "address_detail": "三组12号"})
    assert r.status_code == 409
    html = r.content.decode()
    assert f"此档案已被 {world.zhuren} 于" in html and "委托照护人电话" in html and "13712345678 → 13800000001" in html
    assert 'value="三组12号"' in html and 'name="version" value="2"' in html   # the input kept, the form on the new version
    girl.refresh_from_db()
    assert girl.carer_phone == "13800000001" and girl.address_detail == "" and girl.version == 2
    # saving again is a decision taken with the changes in view: it writes over version 2
    r = second.post(url, {**base, "version": "2", "address_detail": "三组12号", "carer_phone": "13800000001"})
    assert r.status_code == 302
    girl.refresh_from_db()
    assert girl.carer_phone == "13800000001" and girl.address_detail == "三组12号" and girl.version == 3
