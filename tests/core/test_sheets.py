"""The shared sheet reader against hostile files: whatever the file, the caller gets rows or a
SheetError with a Chinese sentence, and the calling process (task worker, web worker, CLI)
lives on. None of these tests allocates more than a few megabytes."""
import os
import pickle
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.core import sheets
from shouhu.core.sheets import Layout, SheetError, open_sheet, sniff
from shouhu.intake.sheet import LAYOUT
from tests.intake_util import boy, sheet_row, write_csv, write_xlsx
from tests.sheet_util import declare_unpacked_size, far_cell_xlsx

MB = 1 << 20


def test_one_cell_at_xfd1048576_is_refused_by_its_declared_range(tmp_path):
    """Reproduces the finding: a 1.6 KB workbook with one cell at XFD1048576 made calamine ask for
    549 GB and abort the process (exit 134). The declared <dimension> is refused before parsing."""
    path = far_cell_xlsx(tmp_path / "a.xlsx")
    assert path.stat().st_size < 2000
    with pytest.raises(SheetError) as e:
        open_sheet(path, max_bytes=60 * MB, layout=LAYOUT)
    assert "表格范围异常" in e.value.message and "A1:XFD1048576" in e.value.message and "1,048,576 行" in e.value.message


def test_the_same_cell_without_a_dimension_kills_only_the_child(tmp_path):
    """No <dimension> to check: calamine really asks for 549 GB. It does so in the child, whose
    address-space limit refuses the allocation at once (nothing is allocated); the child aborts,
    this process gets a SheetError."""
    path = far_cell_xlsx(tmp_path / "a.xlsx", dimension=False)
    with pytest.raises(SheetError) as e:
        open_sheet(path, max_bytes=60 * MB, layout=LAYOUT, memory=512 * MB)
    assert "文件过大或表格范围异常" in e.value.message and "512 MB" in e.value.message  # and this process is still here


def test_a_range_too_wide_without_a_dimension_is_refused_after_opening(tmp_path):
    """Small enough to fit in memory (2 rows × 210 columns) but wider than any register sheet."""
    path = far_cell_xlsx(tmp_path / "a.xlsx", far="HB2", dimension=False)
    with pytest.raises(SheetError) as e:
        open_sheet(path, max_bytes=60 * MB, layout=LAYOUT)
    assert "表格范围异常" in e.value.message and "210 列" in e.value.message


@pytest.mark.parametrize("ref, ok", [
    ("A1:BH200000", True),  # 60 columns, 200,000 rows: the largest register sheet
    ("B3", True),
    ("A1:GR10", True),  # 200 columns
    ("A1:GS10", False),  # 201 columns
    (f"A1:A{sheets.MAX_SHEET_ROWS + 1}", False),
    ("A1:GR100000", False),  # 20 million cells
])
def test_declared_range_limits(tmp_path, ref, ok):
    path = far_cell_xlsx(tmp_path / "a.xlsx", far="A2")
    data = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").replace(b'ref="A1:A2"', f'ref="{ref}"'.encode())
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet
    with zipfile.ZipFile(path, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    assert data != path.read_bytes()
    if ok:
        assert sniff(path) == "xlsx"
    else:
        with pytest.raises(SheetError, match="表格范围异常"):
            sniff(path)


def test_zip_bomb_declared_size_is_refused(tmp_path):
    """A member claiming 4 GB unpacked is refused from the zip's directory, before any unpacking."""
    path = declare_unpacked_size(far_cell_xlsx(tmp_path / "a.xlsx", far="B2"), "xl/worksheets/sheet1.xml", 0xFFFF0000)
    with pytest.raises(SheetError) as e:
        open_sheet(path, max_bytes=60 * MB, layout=LAYOUT)
    assert "文件过大" in e.value.message and "解压" in e.value.message


def test_too_many_zip_members_are_refused(tmp_path):
    path = far_cell_xlsx(tmp_path / "a.xlsx", far="B2", extra_members=sheets.MAX_MEMBERS)
    with pytest.raises(SheetError, match="文件过大"):
        open_sheet(path, max_bytes=60 * MB, layout=LAYOUT)


def test_a_child_over_its_time_is_stopped(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [sheet_row()])
    with pytest.raises(SheetError, match="秒仍未完成"):
        open_sheet(path, max_bytes=60 * MB, layout=LAYOUT, seconds=0.001)


def test_a_normal_sheet_reads_through_the_child(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [sheet_row(), boy()])
    with open_sheet(path, max_bytes=60 * MB, layout=LAYOUT) as sheet:
        assert sheet.kind == "xlsx" and sheet.header_row == 1 and "姓名" in sheet.columns.values()
        rows = list(sheet.rows)
        assert [n for n, _ in rows] == [2, 3]
        name = sheet.headers.index("姓名")
        assert [c[name] for _, c in rows] == ["陆金兰", "陈小虎"]
        assert [n for n, _ in sheet.again()] == [2, 3]  # read once more, from the spool
    assert sheet.spool.closed


def test_many_chunks_come_back_as_written(tmp_path):
    """The spool holds one pickle per SPOOL_CHUNK rows; rows past the first chunk once came back
    with cells of earlier rows (an unpickler's memo reused across chunks)."""
    rows = [sheet_row(**{"姓名": f"童{i}", "详细地址": f"{i}组", "学校": ("", "金星小学")[i % 2], "填报人": ""}) for i in range(2 * sheets.SPOOL_CHUNK + 5)]
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    direct = list(sheets._read_in_place(path, LAYOUT).rows)  # a benign file: safe to parse in place
    assert len(direct) == len(rows)
    with open_sheet(path, max_bytes=60 * MB, layout=LAYOUT) as sheet:
        assert list(sheet.rows) == direct
        assert list(sheet.again()) == direct


def test_chunks_are_unpickled_each_on_its_own():
    """Reproduces a bug met on the 10,000-row benchmark sheet: one unpickler for all chunks kept its
    memo, so a repeated cell in a later chunk came back as a cell of an earlier chunk."""
    import io

    spool = io.BytesIO()
    a, b = "甲村", "乙村"
    for item in ([(2, [a, a])], [(3, [b, b])], {"error": "超过"}):
        pickle.dump(item, spool, protocol=pickle.HIGHEST_PROTOCOL)
    assert list(sheets._spooled_rows(spool, 0)) == [(2, ["甲村", "甲村"]), (3, ["乙村", "乙村"])]
    with pytest.raises(SheetError, match="超过"):
        list(sheets._spooled_rows(spool, 0, raise_end=True))


def test_csv_reads_through_the_child(tmp_path):
    path = write_csv(tmp_path / "a.csv", [sheet_row(), boy()])
    with open_sheet(path, max_bytes=60 * MB, layout=LAYOUT) as sheet:
        assert sheet.kind == "csv" and len(list(sheet.rows)) == 2


def test_kinds_a_layout_does_not_take_are_refused(tmp_path):
    path = write_csv(tmp_path / "a.csv", [sheet_row()])
    layout = Layout(LAYOUT.known, LAYOUT.required, kinds=("xlsx", "xls"), template="本页的模板")
    with pytest.raises(SheetError, match="请上传Excel文件"):
        open_sheet(path, max_bytes=60 * MB, layout=layout)


def test_the_spool_yields_only_plain_values():
    """Even a subverted child cannot hand the caller an object: only datetime classes unpickle."""
    import io

    payload = pickle.dumps(os.system)
    with pytest.raises(pickle.UnpicklingError):
        sheets._SpoolReader(io.BytesIO(payload)).load()
    from datetime import date

    assert sheets._SpoolReader(io.BytesIO(pickle.dumps([(2, ["a", 1.5, date(2020, 1, 2), None])]))).load()[0][1][2] == date(2020, 1, 2)


# -- choices written with a box before each (附件1's 监护类型) ----------------------------------------------
@pytest.mark.parametrize("mark", ["☑", "■", "√", "✓", "✔", "●", "是"])
def test_a_box_ticked_any_way_reads_as_its_choice(mark):
    assert sheets.ticked(f"□无人监护 {mark}监护情况一般 □监护情况较好") == "监护情况一般"
    assert sheets.ticked(f"□无人监护 {mark} 监护情况一般") == "监护情况一般"


@pytest.mark.parametrize(("text", "read"), [
    ("□无人监护 □监护情况一般", ""),  # nothing ticked: the import asks for it
    ("☑无人监护 ☑监护情况一般", "无人监护、监护情况一般"),  # two: the one-choice field reports it
    ("☒无人监护 □监护情况一般", None),  # a crossed box is not read either way
    ("□是 ☑否", "否"), ("是否 □x", None), ("监护情况一般", None), ("我是监护人 □x", None),
    ("健康（ ）残疾（√）患病（ ）", "残疾"),
])
def test_boxes_are_read_only_when_the_cell_is_boxes(text, read):
    assert sheets.ticked(text) == read


@given(st.lists(st.booleans(), min_size=2, max_size=5), st.sampled_from(["☑", "■", "√", "✓", "是"]))
def test_any_boxes_read_back_as_the_ticked_choices(ticks, mark):
    choices = ["无人监护", "父或母无监护能力", "受委托监护人监护能力不足", "监护情况一般", "监护情况较好"][:len(ticks)]
    text = " ".join(f"{mark if t else '□'}{c}" for c, t in zip(choices, ticks, strict=True))
    assert sheets.ticked(text) == "、".join(c for c, t in zip(choices, ticks, strict=True) if t)
