"""An import's staging rows hold every ID number of the sheet and stay after the import: encrypted."""
from django.db import connection

from shouhu.intake.models import ImportRow
from shouhu.intake.services import import_check, import_create
from tests.intake_util import boy, sheet_row, write_xlsx


def test_import_rows_hold_no_clear_id_number(world, tmp_path):
    """Reproduces the clear numbers in intake_importrow.values/diff/cells after a preview."""
    good, other = sheet_row(), boy()
    bad = sheet_row(**{"姓名": ""})  # rejected: its cells are kept as typed
    path = write_xlsx(tmp_path / "光荣村.xlsx", [good, other, bad])
    batch = import_check(import_create(actor=world.zhuren, path=path, filename=path.name, run=False))
    with connection.cursor() as cur:
        cur.execute('SELECT "values", diff, cells FROM intake_importrow')
        text = repr(cur.fetchall())
    numbers = [r.get(k) for r in (good, other, bad) for k in ("公民身份号码", "父亲身份号码", "母亲身份号码", "委托照护人身份号码")]
    assert [n for n in numbers if n] and not [n for n in numbers if n and n in text]
    row = batch.rows.get(kind=ImportRow.Kind.NEW, row_no=2)
    assert row.values["id_number"] == good["公民身份号码"]  # read back whole through the model
    assert batch.rows.get(kind=ImportRow.Kind.REJECTED).cells  # the cells as typed, for the error sheet
