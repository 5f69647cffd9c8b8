"""户籍比对: upload (CSV GBK / UTF-8, Excel), encrypted storage and deletion, the lists, issues, scope."""
import csv
import io
from pathlib import Path

import pytest
import xlsxwriter
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from shouhu.core import crypto
from shouhu.quality import hukou
from shouhu.quality.models import HukouCheck, Issue
from shouhu.rules.idcard import make_id
from tests.factories import PASSWORD, make_child, years_ago

HEADERS = ["序号", "姓名", "性别", "出生日期", "公民身份号码", "户籍地址"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def registered(world):
    return [make_child(world.admin, world.guangrong, name="陆金兰"), make_child(world.admin, world.lianfu, name="张广", sex="男")]


def extract_rows(registered):
    a, _ = registered
    born = years_ago(6, days=10)
    return [
        ["1", "陆晶兰", a.sex, a.birth_date.isoformat(), a.id_number, "湖北省监利市毛市镇光荣村2组"],  # name differs
        ["2", "新生", "男", born.isoformat(), make_id("421088", born, 777), "湖北省监利市朱河镇红星村5组"],  # not registered
        ["3", "成年", "女", "2000-01-01", make_id("421088", years_ago(20), 778), "湖北省监利市毛市镇莲福村"],  # too old
    ]


def write_csv(path: Path, rows, encoding):
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        w.writerows(rows)
    return path.read_bytes()


def write_xlsx(path: Path, rows):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADERS)
    for i, r in enumerate(rows, 1):
        for j, v in enumerate(r):
            ws.write_string(i, j, v)
    wb.close()
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["gbk", "utf-8-sig", "xlsx"])
def test_compare_an_extract(world, registered, tmp_path, kind):
    rows = extract_rows(registered)
    data = write_xlsx(tmp_path / "h.xlsx", rows) if kind == "xlsx" else write_csv(tmp_path / "h.csv", rows, kind)
    name = "户籍.xlsx" if kind == "xlsx" else "户籍.csv"
    check = hukou.hukou_upload(actor=world.admin, data=data, filename=name, delete_after=False)
    check.refresh_from_db()
    assert check.status == HukouCheck.Status.DONE, check.message
    assert (check.rows_total, check.matched_count, check.older_count, check.outside_count) == (3, 1, 1, 0)
    assert check.missing_ids == [registered[1].pk]
    [cand] = check.candidates.all()
    assert (cand.name, cand.village_code) == ("新生", world.hongxing.code)
    issue = Issue.objects.get(code="hukou_mismatch")
    assert (issue.child_id, issue.field, issue.message) == (registered[0].pk, "name", "户籍姓名为“陆晶兰”，档案为“陆金兰”")
    # kept encrypted: the stored file holds neither the names nor the numbers
    stored = (Path(settings.MEDIA_ROOT) / check.stored).read_bytes()
    assert "陆晶兰".encode() not in stored and "陆晶兰".encode("gbk") not in stored and registered[0].id_number.encode() not in stored
    assert (Path(settings.MEDIA_ROOT) / check.stored).stat().st_mode & 0o777 == 0o600
    assert hukou.read_encrypted(check.stored) == data


def test_deleted_after_the_comparison_when_chosen_and_issues_close_when_they_agree(world, registered, tmp_path):
    rows = extract_rows(registered)
    check = hukou.hukou_upload(actor=world.admin, data=write_csv(tmp_path / "a.csv", rows, "gbk"), filename="a.csv", delete_after=True)
    check.refresh_from_db()
    assert check.stored == "" and check.file_deleted_at is not None
    assert not any((Path(settings.MEDIA_ROOT) / "hukou").iterdir())
    rows[0][1] = "陆金兰"
    hukou.hukou_upload(actor=world.admin, data=write_csv(tmp_path / "b.csv", rows, "utf-8"), filename="b.csv", delete_after=True)
    assert Issue.objects.get(code="hukou_mismatch").status == Issue.Status.FIXED


def test_an_extract_without_id_numbers_fails_with_a_message(world, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("姓名,性别,户籍地址\n陆金兰,女,毛市镇光荣村\n", encoding="utf-8")
    check = hukou.hukou_upload(actor=world.admin, data=path.read_bytes(), filename="x.csv", delete_after=False)
    check.refresh_from_db()
    assert check.status == HukouCheck.Status.FAILED and "公民身份号码" in check.message and check.stored == ""


def test_pages_lists_and_export(world, registered, tmp_path, client):
    client.login(username=world.admin.username, password=PASSWORD)
    data = write_csv(tmp_path / "a.csv", extract_rows(registered), "gbk")
    with open(tmp_path / "a.csv", "rb") as f:
        r = client.post(reverse("quality:hukou"), {"file": f, "delete_after": "on"})
    check = HukouCheck.objects.get()
    assert r.status_code == 302 and r.url == reverse("quality:hukou_check", args=[check.uid]) and data
    page = client.get(r.url).content.decode()
    assert "新生" in page and 'id="n-unregistered">1<' in page
    page = client.get(r.url, {"list": "missing"}).content.decode()
    assert "张广" in page
    x = client.get(reverse("quality:hukou_export", args=[check.uid, "unregistered"]))
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxml")


def test_another_users_get_404(world, registered, tmp_path, client):
    check = hukou.hukou_upload(actor=world.admin, data=write_csv(tmp_path / "a.csv", extract_rows(registered), "gbk"), filename="a.csv",
                               delete_after=False)
    for user in (world.zhuren, world.dudao):
        client.login(username=user.username, password=PASSWORD)
        for url in (reverse("quality:hukou"), reverse("quality:hukou_check", args=[check.uid]),
                    reverse("quality:hukou_export", args=[check.uid, "unregistered"])):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("quality:hukou_delete", args=[check.uid])).status_code == 404
    check.refresh_from_db()
    assert check.stored


def test_rotate_keys_re_encrypts_a_kept_extract(world, registered, tmp_path, settings):
    """Decision: a kept extract follows a key rotation like the tables (core.rekey.register_rewriter)."""
    key_a, key_b = crypto.new_key(), crypto.new_key()
    before = list(settings.SHOUHU_FIELD_KEYS)  # the registered children's key: rotate-keys reads them too
    settings.SHOUHU_FIELD_KEYS = [key_a, *before]
    data = write_csv(tmp_path / "a.csv", extract_rows(registered), "gbk")
    check = hukou.hukou_upload(actor=world.admin, data=data, filename="a.csv", delete_after=False, run=False)
    path = Path(settings.MEDIA_ROOT) / check.stored
    settings.SHOUHU_FIELD_KEYS = [key_b, key_a, *before]
    out = io.StringIO()
    call_command("rotate-keys", stdout=out)
    assert "quality 户籍数据文件: 共 1 个，重写 1 个" in out.getvalue()
    assert crypto.encrypted_key_id(path.read_text()) == crypto.key_id(crypto.parse_key(key_b))
    assert path.stat().st_mode & 0o777 == 0o600 and not list(path.parent.glob("*.rekey"))
    settings.SHOUHU_FIELD_KEYS = [key_b]  # key A (and every other) dropped: the extract still decrypts and compares
    assert hukou.read_encrypted(check.stored) == data
    assert hukou.rekey_extracts() == (1, 0)  # nothing left: a second run rewrites nothing
    hukou.hukou_compare(check)
    check.refresh_from_db()
    assert check.status == HukouCheck.Status.DONE and check.matched_count == 1
