"""Import of the register sheet: upload → check (preview, nothing written) → confirm (one
transaction) or cancel. The web page and `shouhu import-register` run exactly these functions.

Checking reads the sheet twice: a first cheap pass over the ID and archive-number columns finds
numbers used twice in the sheet (both rows are reported), the second validates row by row in
chunks, matching each row to an existing child (ID number, then 档案编号, then — for children
without an ID — name + birth date + village) and comparing cell by cell, as the export would
write it: equal text means unchanged, so an export imports back as "nothing to do"."""
import gc
import logging
import os
import shutil
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Max, Q
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_init, pre_init
from django.utils import timezone
from django_tasks import task

from shouhu.accounts.scope import scope_of
from shouhu.core import bulk, progress
from shouhu.core.cells import format_grade, text_of
from shouhu.core.crypto import blind
from shouhu.core.errors import Conflict, ErrorCode, Forbidden, ServiceError
from shouhu.core.files import private_dir, private_file
from shouhu.core.sheets import SheetError, open_sheet
from shouhu.regions.models import Region, School, SchoolClass
from shouhu.registry.models import Child
from shouhu.registry.services import children_bulk_write, refresh_counts_for

from .models import ImportBatch, ImportRow
from .sheet import COLUMNS, LAYOUT, Places, Row, check_row, columns_present, format_cell, parse_row, readings

log = logging.getLogger(__name__)
CHUNK = 2000
DATE_FIELDS = {c.field for c in COLUMNS if c.kind in ("date", "since")} | {"father_birth_date", "mother_birth_date"}
FK_FIELDS = ("village", "school", "school_class")
CHILD_FIELDS = [f.name for f in Child._meta.concrete_fields]
FOOTER_PREFIX = "导出："


class ImportConflict(Exception):
    pass


# -- places and names ----------------------------------------------------------------------------
class Directory:
    """Places by name (for reading rows) and names by id (for showing differences)."""

    def __init__(self) -> None:
        self.places = Places()
        self.village_name: dict[int, str] = {}
        self.village_code: dict[int, str] = {}
        self.township_name: dict[str, str] = {}
        self.school_name: dict[int, str] = {}
        self.class_label: dict[int, tuple[int, str]] = {}
        p = self.places
        for r in Region.objects.filter(level__in=(4, 5)).values("id", "code", "name", "short_name", "level"):
            if r["level"] == 4:
                self.township_name[r["code"]] = r["short_name"] or r["name"]
                for n in {r["name"], r["short_name"]} - {""}:
                    p.townships.setdefault(n, r["code"])
            else:
                t = r["code"][:9]
                self.village_name[r["id"]] = r["short_name"] or r["name"]
                self.village_code[r["id"]] = r["code"]
                for n in {r["name"], r["short_name"]} - {""}:
                    p.villages[(t, n)] = (r["id"], r["code"])
        for s in School.objects.values("id", "name", "region_code"):
            p.schools.setdefault(s["name"], []).append(s["id"])
            p.school_township[s["id"]] = s["region_code"][:9]
            self.school_name[s["id"]] = s["name"]
        for c in SchoolClass.objects.values("id", "school_id", "grade", "name"):
            p.classes[(c["school_id"], c["grade"], c["name"])] = c["id"]
            self.class_label[c["id"]] = (c["grade"], c["name"])
        p.barred_carers = frozenset(
            x.upper() for x in Child.objects.filter(carer_barred=True).exclude(carer_id_number="").values_list("carer_id_number", flat=True)
        )

    def names(self, values: dict) -> dict:
        vid, cid = values.get("village"), values.get("school_class")
        code = self.village_code.get(vid, "")
        grade, cname = self.class_label.get(cid, (None, ""))
        return {
            "village": self.village_name.get(vid, ""), "township": self.township_name.get(code[:9], ""),
            "school": self.school_name.get(values.get("school"), ""), "class": cname, "grade": format_grade(grade) if cid else "",
        }


def child_defaults() -> dict:
    out = {}
    for f in Child._meta.concrete_fields:
        if f.name in ("id", "uid") or f.name in FK_FIELDS:
            continue
        out[f.name] = f.get_default()
    return out


def row_of_child(values: dict, names: dict, columns) -> list[str]:
    """The sheet row a child's values produce (also the import's yardstick for "unchanged")."""
    return [format_cell(c, values, names) for c in columns]


# -- upload ---------------------------------------------------------------------------------------
def import_create(*, actor, path: str | Path, filename: str, run: bool = True) -> ImportBatch:
    """Keep the uploaded file and queue its check (`run=False`: the caller runs `import_check`)."""
    batch = ImportBatch(created_by=actor, filename=filename[:255])
    with open(path, "rb") as f:
        batch.file.save(f"{batch.uid}{Path(filename).suffix.lower()[:6]}", File(f), save=False)
    batch.save()
    if run:
        check_import.enqueue(batch.pk)
    return batch


@task()
def check_import(batch_id: int) -> str:
    """`import_check` on the background worker (Django Tasks)."""
    return import_check(ImportBatch.objects.get(pk=batch_id)).status


def _actor(batch: ImportBatch):
    return batch.created_by  # None = the command line, county-wide


def import_check(batch: ImportBatch) -> ImportBatch:
    """Check every row and store the preview. Never writes a child."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.READING)
    batch.status = ImportBatch.Status.READING
    try:
        with few_collections():
            _check(batch)
    except SheetError as e:
        _fail(batch, e.message)
    except Exception:
        log.exception("import check failed: batch %s", batch.uid)
        _fail(batch, "检查时发生内部错误，数据库没有任何改变。请把文件交给县级管理员排查。")
    return batch


@contextmanager
def few_collections():
    """No cyclic garbage collection during an import step. Each time a generation fills up the
    collector walks the live objects, and an import keeps hundreds of thousands alive (rows,
    children, their history rows) while making almost no reference cycles: at 100,000 rows the
    walks took about 8 s of a 55 s import. Reference counting still frees everything else; the
    collector runs again as usual afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _fail(batch: ImportBatch, message: str) -> None:
    ImportRow.objects.filter(batch=batch).delete()
    batch.status, batch.message, batch.finished_at = ImportBatch.Status.FAILED, message, timezone.now()
    batch.save()
    _drop_file(batch)


class Seen:
    """Numbers met so far in the sheet. A repeat is reported on the later row at once and on the
    first row afterwards (`_reject_first_occurrences`), so the sheet is read only once."""

    def __init__(self) -> None:
        self.first: dict[tuple[str, str], int] = {}  # (column, value) -> first row number
        self.later: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))  # first row -> column -> later rows

    def check(self, row: Row, header: str, value: str, what: str) -> None:
        if not value:
            return
        first = self.first.setdefault((header, value), row.row_no)
        if first != row.row_no:
            row.problem(header, f"同一{what}在本表中出现多次（另见第{first}行）")
            self.later[first][header].append(row.row_no)


def _reject_first_occurrences(batch: ImportBatch, sheet, seen: Seen, counts: dict) -> None:
    if not seen.later:
        return
    stored = {r.row_no: r for r in ImportRow.objects.filter(batch=batch, row_no__in=list(seen.later))}
    cells = _cells_of_rows(sheet, set(seen.later))
    what = {"公民身份号码": "身份证号码", "档案编号": "档案编号"}
    fresh, updated = [], []
    for row_no, by_header in seen.later.items():
        problems = [[h, f"同一{what[h]}在本表中出现多次（另见第{'、'.join(map(str, rows))}行）"] for h, rows in by_header.items()]
        r = stored.get(row_no)
        if r is None:  # was unchanged
            counts["unchanged"] -= 1
            r = ImportRow(batch=batch, row_no=row_no, kind=ImportRow.Kind.REJECTED, name=_name_in(cells.get(row_no), batch.headers),
                          cells=cells.get(row_no, []), problems=problems)
            fresh.append(r)
            counts["rejected"] += 1
        else:
            if r.kind != ImportRow.Kind.REJECTED:
                counts[r.kind] -= 1
                counts["rejected"] += 1
                r.kind, r.values, r.diff, r.child_id, r.cells = ImportRow.Kind.REJECTED, {}, [], None, cells.get(row_no, [])
            r.problems = r.problems + problems
            updated.append(r)
        counts["problems"] += len(problems)
    if updated:  # rewritten whole: one delete and one insert instead of an UPDATE each (or CASE … WHEN for each field)
        ImportRow.objects.filter(pk__in=[r.pk for r in updated]).delete()
        for r in updated:
            r.pk = None
    bulk.insert(ImportRow, updated + fresh)


def _name_in(cells: list | None, headers: list[str]) -> str:
    return (cells[headers.index("姓名")] if cells and "姓名" in headers and headers.index("姓名") < len(cells) else "")[:64]


def _cells_of_rows(sheet, wanted: set[int]) -> dict[int, list[str]]:
    """The typed cells of a few rows, from the sheet already in memory (only when a repeat needs them)."""
    out = {}
    for row_no, cells in sheet.again():
        if row_no in wanted:
            out[row_no] = ([text_of(c) for c in cells] + [""] * len(sheet.headers))[: len(sheet.headers)]
            if len(out) == len(wanted):
                break
    return out


def _is_footer(cells: list) -> bool:
    """The export's last line (who took it, when): its first cell only."""
    first = cells[0] if cells else None
    return isinstance(first, str) and first.startswith(FOOTER_PREFIX) and not any(text_of(c) for c in cells[1:])


def _check(batch: ImportBatch) -> None:
    max_bytes = settings.SHOUHU["IMPORT_MAX_BYTES"]
    path = batch.file.path
    progress.report(batch.uid, done=0, total=0, phase="正在读取文件")
    sheet = open_sheet(path, max_bytes=max_bytes, layout=LAYOUT, memory=settings.SHOUHU["SHEET_MEMORY_MB"] << 20,
                       seconds=settings.SHOUHU["SHEET_SECONDS"])
    with sheet:
        _check_rows(batch, sheet)


def _check_rows(batch: ImportBatch, sheet) -> None:
    batch.headers, batch.header_row, batch.unknown_columns = sheet.headers, sheet.header_row, sheet.unknown
    batch.mapped_columns = readings(sheet.mapped, set(sheet.columns.values()))
    seen = Seen()
    directory = Directory()
    actor = _actor(batch)
    scope = scope_of(actor) if actor is not None else None
    today = timezone.localdate()
    defaults = child_defaults()
    present = columns_present(sheet.columns.values())
    ImportRow.objects.filter(batch=batch).delete()
    counts = dict.fromkeys(("new", "changed", "unchanged", "rejected", "problems", "rows"), 0)
    memo: dict = {}  # parsed cells of the few-valued columns, for the whole sheet

    for chunk in _chunks(sheet.rows):
        _check_chunk(batch, _parse_chunk(chunk, sheet, directory.places, memo), sheet, present, directory, scope, today, defaults,
                     seen, counts)
        progress.report(batch.uid, done=counts["rows"], total=max(sheet.total, counts["rows"]), phase="正在检查")
    if counts["rows"] == 0:
        raise SheetError("表头下面没有任何数据行")
    _reject_first_occurrences(batch, sheet, seen, counts)
    batch.rows_total = counts["rows"]
    batch.new_count, batch.changed_count = counts["new"], counts["changed"]
    batch.unchanged_count, batch.rejected_count, batch.problem_count = counts["unchanged"], counts["rejected"], counts["problems"]
    batch.status = ImportBatch.Status.PREVIEW
    batch.message = ""
    batch.save()
    progress.report(batch.uid, done=counts["rows"], total=counts["rows"], phase="检查完成")


def _chunks(sheet_rows) -> Iterator[list[tuple[int, list]]]:
    chunk: list[tuple[int, list]] = []
    for row_no, cells in sheet_rows:
        if _is_footer(cells):
            continue
        chunk.append((row_no, cells))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parse_chunk(chunk: list[tuple[int, list]], sheet, places: Places, memo: dict) -> list[tuple[Row, list]]:
    """Cells → Row (values and problems) for each row of the chunk; no database."""
    rows: list[tuple[Row, list]] = []
    columns = list(sheet.columns.items())
    width = max(sheet.columns) + 1 if sheet.columns else 0
    bad_cells = sheet.bad_cells
    for row_no, cells in chunk:
        padded = cells if len(cells) >= width else cells + [None] * (width - len(cells))
        known = {h: padded[i] for i, h in columns}
        rows.append((parse_row(row_no, known, places, bad_cells=bad_cells.get(row_no), memo=memo), cells))
    return rows


def _check_chunk(batch, rows: list[tuple[Row, list]], sheet, present, directory: Directory, scope, today, defaults, seen: Seen,
                 counts) -> None:
    existing = _existing(rows)

    def check(item: tuple[Row, list]) -> Preview | None:
        """One row → what the preview keeps of it (None: unchanged). Runs as the rows before it
        stream into the database."""
        row, cells = item
        counts["rows"] += 1
        v = row.values
        number = (v.get("id_number") or "").upper()
        arch = v.get("archive_no") or ""
        seen.check(row, "公民身份号码", number, "身份证号码")
        seen.check(row, "档案编号", arch, "档案编号")
        old = _match(row, existing)
        if old is not None and "conflict" in old:
            row.problem("档案编号", old["conflict"])
            old = None
        if row.village_code and scope is not None and not scope.can_edit_village(row.village_code):
            row.problem("村（社区）", "该村（社区）不在您的管辖范围内")
        if old is not None and scope is not None and not scope.can_edit_village(old["village_code"]):
            row.problem("公民身份号码" if number else "姓名", "该儿童已在本县其他村（社区）登记，不在您的管辖范围内；如需迁入请联系乡镇或县级管理员")
        record = {**defaults, **(old or {}), **v}
        diff = None
        if old is not None and not row.problems:
            old_names, new_names = directory.names(old), directory.names(record)
            diff = []
            for col in present:
                a, b = format_cell(col, old, old_names), format_cell(col, record, new_names)
                if a != b:
                    diff.append([col.header, a, b])
            if not diff:
                # What the registry holds comes back as nothing to do, even when a rule made
                # since finds fault with it: that is a quality issue on the record (the county
                # check lists it with its legal basis), not a reason to refuse the sheet.
                counts["unchanged"] += 1
                return None
        if not row.problems:
            check_row(row, record, today=today, places=directory.places)
            if old is not None and row.problems:
                # A changed row is refused only for what the change brings, not for a fault the
                # stored record already had (the same rule, the same message).
                before = Row(row.row_no)
                check_row(before, {**defaults, **old}, today=today, places=directory.places)
                row.problems = [p for p in row.problems if p not in before.problems]
        if row.problems:
            counts["rejected"] += 1
            counts["problems"] += len(row.problems)
            texts = [text_of(c) for c in cells] + [""] * max(0, len(sheet.headers) - len(cells))
            return Preview(batch.pk, row.row_no, ImportRow.Kind.REJECTED, text_of(v.get("name", ""))[:64],
                           problems=[list(p) for p in row.problems], cells=texts[: len(sheet.headers)])
        if old is None:
            counts["new"] += 1
            return Preview(batch.pk, row.row_no, ImportRow.Kind.NEW, v["name"][:64], values=_serialise({**v, "village_code": row.village_code}))
        counts["changed"] += 1
        return Preview(batch.pk, row.row_no, ImportRow.Kind.CHANGED, v["name"][:64], child_id=old["id"],
                       child_updated_at=old["updated_at"], diff=diff, values=_serialise({**v, "village_code": row.village_code}))

    bulk.insert(ImportRow, rows, prepare=check)


class Preview:
    """An ImportRow to insert, as a light object (bulk.insert takes any object with the fields)."""

    __slots__ = ("batch_id", "row_no", "kind", "name", "child_id", "child_updated_at", "values", "diff", "problems", "cells")

    def __init__(self, batch_id, row_no, kind, name, *, child_id=None, child_updated_at=None, values=None, diff=None,
                 problems=None, cells=None) -> None:
        self.batch_id, self.row_no, self.kind, self.name = batch_id, row_no, kind, name
        self.child_id, self.child_updated_at = child_id, child_updated_at
        self.values = {} if values is None else values
        self.diff = [] if diff is None else diff
        self.problems = [] if problems is None else problems
        self.cells = [] if cells is None else cells


def _existing(rows: list[tuple[Row, list]]) -> dict:
    ids = {r.values["id_number"].upper() for r, _ in rows if r.values.get("id_number")}
    archs = {r.values["archive_no"] for r, _ in rows if r.values.get("archive_no")}
    bare = {r.values.get("name") for r, _ in rows if not r.values.get("id_number") and not r.values.get("archive_no") and r.values.get("name")}
    q = Q(pk__in=[])
    if ids:  # numbers are encrypted: matched through their blind index (core.crypto)
        q |= _one_of("id_number_index", {blind(n) for n in ids})
    if archs:
        q |= _one_of("archive_no", archs)
    if bare:
        q |= Q(id_number__isnull=True) & _one_of("name", bare)
    found = list(Child.objects.filter(q).values(*CHILD_FIELDS)) if (ids or archs or bare) else []
    return {
        "id": {c["id_number"]: c for c in found if c["id_number"]},
        "arch": {c["archive_no"]: c for c in found if c["archive_no"]},
        # a merged duplicate and its kept record can share this key: the kept one (later in the sort) wins
        "bare": {(c["name"], c["birth_date"], c["village"]): c
                 for c in sorted(found, key=lambda c: c["merged_into"] is None) if not c["id_number"]},
    }


def _one_of(field: str, values: set[str]) -> Q:
    """`field__in=values`; on PostgreSQL `= ANY(array)`: one parameter instead of thousands for
    Django and psycopg to handle one by one."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": values})
    column = f"{connection.ops.quote_name(Child._meta.db_table)}.{connection.ops.quote_name(Child._meta.get_field(field).column)}"
    return Q(RawSQL(f"{column} = ANY(%s)", (sorted(values),), output_field=BooleanField()))


MERGED = {"conflict": "这一行对应的是一份已合并的重复档案；请在保留的档案上更新（打开该档案可见“已合并”提示和链接）"}


def _match(row: Row, existing: dict) -> dict | None:
    found = _match_any(row, existing)
    if found is not None and found.get("merged_into"):  # a row must not write into a merged duplicate
        return MERGED
    return found


def _match_any(row: Row, existing: dict) -> dict | None:
    v = row.values
    number, arch = (v.get("id_number") or "").upper(), v.get("archive_no") or ""
    by_id = existing["id"].get(number) if number else None
    by_arch = existing["arch"].get(arch) if arch else None
    if by_id is not None:
        if by_arch is not None and by_arch["id"] != by_id["id"]:
            return {"conflict": "该档案编号已属于另一名儿童（与本行身份证号码对应的儿童不同）"}
        return by_id
    if by_arch is not None:
        if number and by_arch["id_number"]:
            return {"conflict": "该档案编号已属于另一名儿童（身份证号码不同）"}
        return by_arch
    if not number and not arch:
        return existing["bare"].get((v.get("name"), v.get("birth_date"), v.get("village")))
    return None


def _serialise(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def _deserialise(values: dict) -> dict:
    out = dict(values)
    for k in DATE_FIELDS & out.keys():
        if out[k]:
            out[k] = date.fromisoformat(out[k])
    return out


# -- confirm, write, cancel -----------------------------------------------------------------------
def import_confirm(*, actor, batch: ImportBatch, run: bool = True) -> ImportBatch:
    if batch.status != ImportBatch.Status.PREVIEW:
        raise Conflict("该导入不在待确认状态", code=ErrorCode.WRONG_STATE)
    if batch.created_by_id != getattr(actor, "pk", None):
        raise Forbidden("只能确认自己上传的导入")
    if not ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).update(
            status=ImportBatch.Status.CONFIRMED, updated_at=timezone.now()):
        raise Conflict("该导入不在待确认状态", code=ErrorCode.WRONG_STATE)  # confirmed twice at once (double tap)
    batch.status = ImportBatch.Status.CONFIRMED
    if run:
        write_import.enqueue(batch.pk)
    return batch


@task()
def write_import(batch_id: int) -> str:
    """`import_write` on the background worker (Django Tasks)."""
    return import_write(ImportBatch.objects.get(pk=batch_id)).status


def import_write(batch: ImportBatch) -> ImportBatch:
    """Write every accepted row in one transaction; on any failure nothing is written and the
    batch goes back to the preview with the reason."""
    # Only a confirmed batch is written, and only once: the status flips before the transaction
    # opens (so a killed worker is seen as an interrupted write) and back with the data.
    if not ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CONFIRMED).update(
            status=ImportBatch.Status.WRITING, updated_at=timezone.now()):
        batch.refresh_from_db()
        return batch
    batch.status = ImportBatch.Status.WRITING
    actor = _actor(batch)
    reason = f"导入登记表：{batch.filename}"[:100]
    total = batch.accepted_count
    done = 0
    progress.report(batch.uid, done=0, total=total, phase="正在写入")

    def tick(n: int) -> None:
        progress.report(batch.uid, done=done + n, total=total, phase="正在写入")

    try:
        with few_collections(), transaction.atomic():
            villages: set[str] = set()
            qs = ImportRow.objects.filter(batch=batch, kind__in=(ImportRow.Kind.NEW, ImportRow.Kind.CHANGED)).order_by("row_no")
            last = qs.aggregate(last=Max("row_no"))["last"] or 0
            make = NewChild()
            # In windows of row numbers, not "the next CHUNK rows after": that LIMIT made the
            # database sort every remaining row (values and all) for each chunk.
            for start in range(0, last, CHUNK):
                rows = [Stored(*r) for r in qs.filter(row_no__gt=start, row_no__lte=start + CHUNK).values_list(*Stored._fields)]
                if not rows:
                    continue
                new, changed = _children_for(rows, make)
                villages |= children_bulk_write(actor=actor, new=new, changed=changed, reason=reason, progress=tick, refresh_counts=False)
                done += len(rows)
            refresh_counts_for(villages)
            batch.status, batch.finished_at, batch.message = ImportBatch.Status.DONE, timezone.now(), ""
            batch.save()
    except (ImportConflict, IntegrityError) as e:
        msg = str(e) if isinstance(e, ImportConflict) else "预览之后有儿童已被他人登记"
        _back_to_preview(batch, f"{msg}；为避免覆盖，本次没有写入任何数据。请重新上传文件检查。")
    except ServiceError as e:
        _back_to_preview(batch, f"{e.message}；本次没有写入任何数据。")
    except PermissionDenied as e:  # the registry's older error, until it raises ServiceErrors itself
        _back_to_preview(batch, f"{e}；本次没有写入任何数据。")
    except Exception:
        log.exception("import write failed: batch %s", batch.uid)
        _back_to_preview(batch, "写入时发生内部错误，本次没有写入任何数据。可以再次确认导入，或把文件交给县级管理员排查。")
    else:
        _drop_file(batch)
    return batch


def _back_to_preview(batch: ImportBatch, message: str) -> None:
    batch.refresh_from_db()
    batch.status, batch.message = ImportBatch.Status.PREVIEW, message
    batch.save(update_fields=["status", "message", "updated_at"])


class Stored(NamedTuple):
    """An accepted row as stored by the check (read back without building ImportRow instances)."""

    row_no: int
    kind: str
    child_id: int | None
    child_updated_at: object
    name: str
    values: dict


class NewChild:
    """`Child(**values)` for many rows: the same instance (defaults, fresh uid and lists, unsaved
    state) without Model.__init__'s per-field work, which cost more than deriving the child's
    categories. Falls back to Child(**values) if anything listens to the init signals."""

    def __init__(self) -> None:
        self.fixed: dict = {}
        self.fresh: list = []  # (attname, callable default): uid, JSON lists
        for f in Child._meta.concrete_fields:
            if f.has_default() and callable(f.default):
                self.fresh.append((f.attname, f.default))
            else:
                self.fixed[f.attname] = f.get_default()
        self.known = frozenset(self.fixed) | {a for a, _ in self.fresh}
        self.plain = not (pre_init.has_listeners(Child) or post_init.has_listeners(Child))

    def __call__(self, values: dict, fk: dict) -> Child:
        if not self.plain:
            return Child(**values, **fk)
        unknown = values.keys() - self.known
        if unknown:
            raise TypeError(f"Child() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
        child = Child.__new__(Child)
        d = child.__dict__
        d.update(self.fixed)
        for attname, make in self.fresh:
            d[attname] = make()
        d.update(values)
        d.update(fk)
        child._state = ModelState()
        return child


def _children_for(rows: list[Stored], make: NewChild) -> tuple[list, list]:
    changed_rows = [r for r in rows if r.kind == ImportRow.Kind.CHANGED]
    current = Child.objects.select_for_update().in_bulk([r.child_id for r in changed_rows]) if changed_rows else {}
    new, changed = [], []
    for r in rows:
        values = _deserialise(r.values)
        code = values.pop("village_code")
        fk = {f"{f}_id": values.pop(f) for f in FK_FIELDS if f in values}
        if r.kind == ImportRow.Kind.NEW:
            new.append((make(values, fk), code))
            continue
        child = current.get(r.child_id)
        if child is None or child.updated_at != r.child_updated_at:
            raise ImportConflict(f"第{r.row_no}行的儿童（{r.name}）在预览之后被他人修改或删除")
        fields = []
        for k, v in {**values, **fk}.items():
            if getattr(child, k) != v:
                setattr(child, k, v)
                fields.append(k)
        changed.append((child, code, fields))
    return new, changed


def import_cancel(*, actor, batch: ImportBatch) -> ImportBatch:
    if batch.status not in (ImportBatch.Status.PREVIEW, ImportBatch.Status.FAILED, ImportBatch.Status.QUEUED):
        raise Conflict("正在写入或已完成的导入不能取消", code=ErrorCode.WRONG_STATE)
    batch.rows.all().delete()
    batch.status, batch.finished_at = ImportBatch.Status.CANCELLED, timezone.now()
    batch.save()
    _drop_file(batch)
    return batch


def _drop_file(batch: ImportBatch) -> None:
    """The uploaded sheet holds children's data: keep it no longer than the job needs it."""
    if batch.file:
        batch.file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="")


def purge_uploads(*, before) -> int:
    """Nightly (`shouhu purge-exports`): uploaded sheets whose check ended before `before`. Only the
    check reads the file (the preview, the write and the error sheet use the stored rows), so a
    preview left unconfirmed does not keep a copy of the sheet on disk. Returns how many."""
    running = (ImportBatch.Status.QUEUED, ImportBatch.Status.READING)
    n = 0
    for batch in ImportBatch.objects.exclude(file="").exclude(status__in=running).filter(updated_at__lt=before):
        _drop_file(batch)
        n += 1
    return n


def notice_interrupted(batch: ImportBatch) -> ImportBatch:
    """A job whose worker died (killed, machine restarted) says so instead of spinning forever.
    The write is one transaction, so an interrupted write left the database as it was. Reading
    the file reports no progress while the child parses it, which is why the child's time limit
    (SHEET_SECONDS) stays under progress.STALE_SECONDS."""
    if batch.status in (ImportBatch.Status.READING, ImportBatch.Status.WRITING) and progress.is_stale(batch.uid, batch.updated_at.timestamp()):
        if batch.status == ImportBatch.Status.WRITING:
            _back_to_preview(batch, "上次写入被中断（服务进程停止），数据库没有任何改变。可以再次确认导入。")
        else:
            _fail(batch, "检查被中断（服务进程停止），请重新上传。")
    return batch


def fail_stuck_imports(*, created_by=None) -> int:
    """`notice_interrupted` for every check or write in progress (of one user, or all: the nightly
    `shouhu fail-stuck-jobs`): a batch whose worker died stops showing 正在检查 and its file,
    which holds children's data, is deleted. Returns how many were stuck."""
    qs = ImportBatch.objects.filter(status__in=(ImportBatch.Status.READING, ImportBatch.Status.WRITING))
    if created_by is not None:
        qs = qs.filter(created_by=created_by)
    return sum(notice_interrupted(b).status not in (ImportBatch.Status.READING, ImportBatch.Status.WRITING) for b in qs)


# -- command line ---------------------------------------------------------------------------------
def copy_for_upload(src: str | Path) -> Path:
    """The CLI hands a path; the batch keeps its own copy like an upload."""
    tmp = private_dir(Path(settings.MEDIA_ROOT) / "tmp")
    dst = private_file(tmp / f"{os.getpid()}-{time.time_ns()}{Path(src).suffix}")  # copyfile keeps the 0600
    shutil.copyfile(src, dst)
    return dst
