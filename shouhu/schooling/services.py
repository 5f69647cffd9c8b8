"""Writes of the school roster: an upload replaces the school's entries in one transaction, and
after the commit says which children's roster entries changed (`registry.signals.cross_line_changed`),
so that the checks comparing the registry with the roster run again."""
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from shouhu.core.cells import format_grade
from shouhu.core.errors import ErrorCode, NotFound, ServiceError
from shouhu.core.sheets import SheetError
from shouhu.regions.models import School, SchoolClass
from shouhu.registry.models import Child
from shouhu.registry.signals import cross_line_changed

from . import selectors
from .models import Roster, RosterEntry
from .sheet import HEADER, parse_row, read_roster


def roster_upload(*, actor, school: School, file: str | Path | UploadedFile, file_name: str | None = None) -> Roster:
    """Read a roster (.xlsx/.xls; `file` a path or an uploaded file) for `school` and make it the
    school's roster: valid rows replace the previous entries, every other row is reported in
    `Roster.problems` with its row number and reason. An unusable file raises a ServiceError on
    `file` and changes nothing. NotFound unless the actor may upload for the school."""
    if not selectors.can_upload(actor, school):
        raise NotFound("未找到该学校")
    name = file_name or getattr(file, "name", None) or Path(str(file)).name
    if hasattr(file, "chunks"):  # an UploadedFile: calamine reads from a path
        with tempfile.NamedTemporaryFile(suffix=Path(name).suffix or ".xlsx") as tmp:
            for chunk in file.chunks():
                tmp.write(chunk)
            tmp.flush()
            return _upload(actor, school, tmp.name, name)
    return _upload(actor, school, file, name)


def _upload(actor, school: School, path, name: str) -> Roster:
    today = timezone.localdate()
    try:
        sheet = read_roster(path, max_bytes=settings.SHOUHU["IMPORT_MAX_BYTES"], memory=settings.SHOUHU["SHEET_MEMORY_MB"] << 20,
                            seconds=settings.SHOUHU["SHEET_SECONDS"])
        parsed = [parse_row(row_no, cells, today=today) for row_no, cells in sheet.rows]
    except SheetError as e:
        raise ServiceError(e.message, field="file") from None
    if not parsed:
        raise ServiceError("表格中只有表头，没有学生", code=ErrorCode.REQUIRED, field="file")
    classes = {(c.grade, c.name): c.pk for c in SchoolClass.objects.filter(school=school)}
    problems: list[dict] = []
    if sheet.unknown:
        problems.append({"row": sheet.header_row, "column": "表头", "kept": True,
                         "message": f"未识别的列已忽略：{'、'.join(sheet.unknown)}"})
    entries, seen = [], {}
    for p in parsed:
        v = p.values
        if v.get("id_number") and not p.problems:
            if v["id_number"] in seen:
                p.problem("id_number", f"与第{seen[v['id_number']]}行的身份证号相同（同一学生出现两次）")
            else:
                seen[v["id_number"]] = p.row_no
        if p.problems:
            problems += [{"row": p.row_no, "column": col, "message": msg, "kept": False} for col, msg in p.problems]
            continue
        problems += [{"row": p.row_no, "column": col, "message": msg, "kept": True} for col, msg in p.remarks]
        class_id = classes.get((v["grade"], v["class_name"])) if v["grade"] is not None and v["class_name"] else None
        if class_id is None and (v["grade"] is not None or v["class_name"]):

            problems.append({"row": p.row_no, "column": HEADER["class_name"], "kept": True,
                             "message": f"本校没有“{format_grade(v['grade'])}{v['class_name']}”这个班级，已导入但未关联班级（请先在“学校班级”中建立）"})
        entries.append(RosterEntry(school=school, school_class_id=class_id, row_no=p.row_no, **v))
    rejected = sum(1 for p in parsed if p.problems)
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=school.pk).first()  # one upload per school at a time
        before = selectors.children_matched(RosterEntry.objects.filter(school=school).values("id_number", "school_id", "name", "birth_date"))
        roster = Roster.objects.create(school=school, uploaded_by=actor, file_name=name[:255], rows_total=len(parsed),
                                       rows_stored=len(entries), rows_rejected=rejected, problems=problems)
        RosterEntry.objects.filter(school=school).delete()
        for e in entries:
            e.roster = roster
        RosterEntry.objects.bulk_create(entries, batch_size=1000)
        ids = before | selectors.children_matched(entries) | set(Child.objects.filter(school=school).values_list("id", flat=True))
        transaction.on_commit(lambda: cross_line_changed.send(sender=Roster, child_ids=sorted(ids)))
    return roster
