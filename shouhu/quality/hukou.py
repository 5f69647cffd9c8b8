"""户籍比对 (docs/domain.md, "The 户籍 cross-check"): the county uploads the police's extract (CSV in
GBK or UTF-8, or Excel), it is kept only encrypted, compared with the registry (`rules.hukou`),
and — if the county chose so — deleted right after. The comparison leaves three lists: registered
children the extract lacks (`HukouCheck.missing_ids`), 户籍 children under 16 with no record
(`HukouCandidate`, candidates for 摸底排查), and disagreements as data-quality issues
(hukou_mismatch) on the children, which a later comparison closes when they agree.

The stored copy is the uploaded bytes encrypted with the field key (core.crypto), in a 0600 file;
it is decrypted only into a private temporary file for the sheet reader's child process
(core.sheets), which is deleted as soon as the rows are read.
"""
import base64
import logging
import os
import tempfile
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from shouhu.accounts.scope import scope_of
from shouhu.core import crypto
from shouhu.core.cells import CellError, parse_date, text_of
from shouhu.core.errors import NotFound, ServiceError
from shouhu.core.files import private_dir, private_file
from shouhu.core.rekey import needs_rewrite
from shouhu.core.sheets import Layout, SheetError, normalise_header, open_sheet
from shouhu.regions.models import Region
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to
from shouhu.rules import hukou as H
from shouhu.rules.idcard import IdNumberError, parse_id

from .models import HukouCandidate, HukouCheck
from .services import _apply

log = logging.getLogger(__name__)
LAYOUT = Layout(frozenset(H.BY_HEADER), ("姓名",), frozenset({"序号", "备注"}), example="“姓名”“公民身份号码”“户籍地址”",
                template="户籍数据（含姓名、公民身份号码、性别、出生日期、户籍地址列）", what="户籍数据")
CHUNK = 2000


def _dir() -> Path:
    return private_dir(Path(settings.MEDIA_ROOT) / "hukou")


def store_encrypted(data: bytes, name: str) -> str:
    """The bytes encrypted (AES-GCM, the field key) into a 0600 file; its path under MEDIA_ROOT."""
    path = private_file(_dir() / name)
    path.write_text(crypto.encrypt(base64.b64encode(data).decode("ascii")), encoding="ascii")
    return str(path.relative_to(settings.MEDIA_ROOT))


def read_encrypted(stored: str) -> bytes:
    return base64.b64decode(crypto.decrypt((Path(settings.MEDIA_ROOT) / stored).read_text(encoding="ascii")))


def rekey_extracts(*, progress=None) -> tuple[int, int]:
    """`rotate-keys` for the kept extracts (registered with core.rekey in receivers): each file
    under an older field key is re-encrypted under the current one, written to a new 0600 file
    and renamed over the old (never half-written; a second run skips what is done). Returns
    (files read, files rewritten)."""
    seen = changed = 0
    for stored in HukouCheck.objects.exclude(stored="").order_by("pk").values_list("stored", flat=True).iterator():
        path = Path(settings.MEDIA_ROOT) / stored
        try:
            text = path.read_text(encoding="ascii")
        except FileNotFoundError:  # deleted meanwhile (the comparison finished)
            continue
        seen += 1
        if needs_rewrite(text):
            tmp = private_file(path.with_name(path.name + ".rekey"))
            tmp.write_text(crypto.encrypt(crypto.decrypt(text)), encoding="ascii")
            os.replace(tmp, path)
            changed += 1
        if progress:
            progress(seen, changed)
    return seen, changed


def hukou_upload(*, actor, data: bytes, filename: str, delete_after: bool, run: bool = True) -> HukouCheck:
    """Keep the extract (encrypted) and queue its comparison."""
    if not scope_of(actor).is_county_admin:
        raise NotFound()
    if not data:
        raise ServiceError("文件是空的", field="file")
    check = HukouCheck(created_by=actor, filename=filename[:255], delete_after=delete_after)
    check.stored = store_encrypted(data, f"{check.uid}{Path(filename).suffix.lower()[:6]}.enc")
    check.save()
    if run:
        compare_hukou.enqueue(check.pk)
    return check


@task()
def compare_hukou(check_id: int) -> str:
    return hukou_compare(HukouCheck.objects.get(pk=check_id)).status


def hukou_compare(check: HukouCheck, *, today: date | None = None) -> HukouCheck:
    today = today or timezone.localdate()
    HukouCheck.objects.filter(pk=check.pk).update(status=HukouCheck.Status.RUNNING)
    try:
        people = _read(check)
        _compare(check, people, today)
    except SheetError as e:
        _finish(check, HukouCheck.Status.FAILED, e.message)
    except Exception:
        log.exception("hukou comparison failed: %s", check.uid)
        _finish(check, HukouCheck.Status.FAILED, "比对时发生内部错误，未写入任何结果。请把文件交给系统管理员排查。")
    return check


def _finish(check: HukouCheck, status: str, message: str = "") -> None:
    check.status, check.message, check.finished_at = status, message, timezone.now()
    check.save()
    if check.delete_after or status == HukouCheck.Status.FAILED:
        hukou_delete_file(check)


def hukou_delete_file(check: HukouCheck) -> None:
    """Delete the stored extract (the lists found stay)."""
    if check.stored:
        (Path(settings.MEDIA_ROOT) / check.stored).unlink(missing_ok=True)
        check.stored, check.file_deleted_at = "", timezone.now()
        HukouCheck.objects.filter(pk=check.pk).update(stored="", file_deleted_at=check.file_deleted_at)


def _read(check: HukouCheck) -> list[H.Person]:
    if not check.stored:
        raise SheetError("户籍数据文件已删除，请重新上传")
    tmp = private_dir(Path(settings.MEDIA_ROOT) / "tmp")
    fd, name = tempfile.mkstemp(dir=tmp, suffix=Path(check.filename).suffix.lower()[:6] or ".csv")
    try:
        os.write(fd, read_encrypted(check.stored))
        os.close(fd)
        sheet = open_sheet(name, max_bytes=settings.SHOUHU["IMPORT_MAX_BYTES"], layout=LAYOUT,
                           memory=settings.SHOUHU["SHEET_MEMORY_MB"] << 20, seconds=settings.SHOUHU["SHEET_SECONDS"])
    finally:
        Path(name).unlink(missing_ok=True)  # the child has read it: the rows are in its spool
    with sheet:
        fields = {i: H.BY_HEADER[normalise_header(h)] for i, h in sheet.columns.items()}
        if "id_number" not in fields.values():
            raise SheetError("户籍数据缺少“公民身份号码”列：没有身份号码无法比对")
        people = []
        for row_no, cells in sheet.rows:
            v = {f: (cells[i] if i < len(cells) else None) for i, f in fields.items()}
            people.append(_person(row_no, v))
    return people


def _person(row_no: int, v: dict) -> H.Person:
    number = text_of(v.get("id_number")).replace(" ", "").upper()
    try:
        birth = parse_date(v.get("birth_date")) if text_of(v.get("birth_date")) else None
    except CellError:
        birth = None
    sex = text_of(v.get("sex"))
    if number and (birth is None or not sex):  # a police extract always has the number: it gives the rest
        try:
            info = parse_id(number)
            birth, sex = birth or info.birth_date, sex or info.sex
        except IdNumberError:
            pass
    return H.Person(row_no, text_of(v.get("name"))[:32], number[:18], {"男性": "男", "女性": "女"}.get(sex, sex)[:2], birth,
                    text_of(v.get("address"))[:128])


def _villages() -> tuple[H.Villages, dict[str, str]]:
    townships, villages, names = {}, {}, {}
    for r in Region.objects.filter(level__in=(4, 5)).values("code", "name", "short_name", "level"):
        names[r["code"]] = r["short_name"] or r["name"]
        for n in {r["name"], r["short_name"]} - {""}:
            if r["level"] == 4:
                townships[n] = r["code"]
            else:
                villages[(r["code"][:9], n)] = r["code"]
    return H.Villages(townships, villages), names


def _compare(check: HukouCheck, people: list[H.Person], today: date) -> None:
    villages, names = _villages()
    children = Child.objects.filter(merged_into__isnull=True).values(
        "id", "name", "sex", "birth_date", "id_number", "village_code", "status", "hukou_registered")
    result = H.compare(children, people, villages, today=today, village_names=names)
    with transaction.atomic():
        HukouCandidate.objects.bulk_create(
            [HukouCandidate(check_run=check, row_no=p.row_no, name=p.name, id_number=p.id_number, sex=p.sex, birth_date=p.birth_date,
                            address=p.address, village_code=vcode) for p, vcode in result.unregistered], batch_size=CHUNK)
        _apply(result.matched, result.findings, codes={H.CODE}, today=today)
        check.rows_total, check.matched_count, check.mismatch_count = len(people), len(result.matched), len(result.findings)
        check.outside_count, check.older_count, check.missing_ids = result.outside, result.older, result.missing
        _finish(check, HukouCheck.Status.DONE)


# -- reads ----------------------------------------------------------------------------------------
def checks_visible_to(actor):
    """The county admin's comparisons (the extract is the county's whole 户籍); nobody else's."""
    if not scope_of(actor).is_county_admin:
        return HukouCheck.objects.none()
    return HukouCheck.objects.all()


def check_for(actor, uid) -> HukouCheck:
    try:
        return checks_visible_to(actor).get(uid=uid)
    except (HukouCheck.DoesNotExist, ValueError, ValidationError):  # a malformed id is a missing one
        raise NotFound("未找到该比对") from None


def candidates_of(check: HukouCheck, *, village: str = ""):
    """户籍 children under 16 with no record, of one village or all (the page's and the API's list)."""
    qs = check.candidates.all()
    return qs.filter(village_code=village) if village else qs


def missing_for(actor, check: HukouCheck, *, village: str = ""):
    """Registered children the extract lacks, those the actor may see (the page's and the API's list)."""
    qs = children_visible_to(actor).filter(pk__in=check.missing_ids, merged_into__isnull=True).select_related("village")
    if village:
        qs = qs.filter(village_code=village)
    return qs.order_by("village_code", "name_pinyin", "id")


def missing_children(check: HukouCheck):
    return (Child.objects.filter(pk__in=check.missing_ids, merged_into__isnull=True).select_related("village")
            .order_by("village_code", "name_pinyin", "id"))
