"""Opening an uploaded sheet (the register sheet, a school roster): .xlsx/.xls (python-calamine) or .csv (UTF-8 or GBK).

Whatever the file is, the result is either a `SheetFile` (header found, rows to iterate with
the row numbers the user sees in Excel) or a `SheetError` with a Chinese sentence; nothing here
touches the database. Blank rows (a sheet "formatted" 50,000 rows down) cost nothing.

An uploaded file is hostile until read. calamine builds a sheet as one rectangle from A1 to its
furthest cell, and aborts the whole process (SIGABRT: no exception to catch) when that
rectangle does not fit in memory: one cell at XFD1048576 asks for 549 GB. So `open_sheet` never
parses in the calling process (the task worker, a web worker, the CLI): a child process
(`python -m shouhu.core.sheets`) checks the zip (members, unpacked size) and the worksheet's
declared <dimension> first, then parses under an address-space limit and a time limit, and
spools the rows to an unnamed temporary file the caller reads back lazily. A child that dies or
overruns becomes a `SheetError`, like any other unreadable file.
"""
import codecs
import csv
import io
import json
import logging
import os
import pickle
import re
import resource
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import python_calamine

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 20
MAX_ROWS = 200_000
MAX_UNZIPPED = 1 << 30  # a zip bomb stops here
MAX_MEMBERS = 1000  # an .xlsx from Excel or WPS has a few dozen parts, a few hundred with pictures
# The rectangle calamine allocates (about 32 bytes a cell, held twice while converted). The
# register sheet is 60 columns wide with our own columns; 200,000 children with a title above
# the header fit in these with room to spare.
MAX_COLUMNS = 200
MAX_SHEET_ROWS = MAX_ROWS + 50_000
MAX_CELLS = 16_000_000
# The child's limits (settings.SHOUHU SHEET_MEMORY_MB / SHEET_SECONDS override them per call):
# a 200,000-row register sheet peaks well under this; a progress bar is stale after 120 s.
CHILD_MEMORY = 3 << 30
CHILD_SECONDS = 100
SPOOL_CHUNK = 1000
BLANK = ("", None)


@dataclass(frozen=True)
class Layout:
    """What a kind of sheet's header looks like: the header row is the first of the first
    HEADER_SCAN_ROWS rows holding "姓名" and at least three known headers."""
    known: frozenset[str]  # normalised header texts the sheet may have
    required: tuple[str, ...]  # headers it must have
    ignored: frozenset[str] = frozenset()  # headers read past without a word (序号, 备注 …)
    example: str = "“姓名”"  # headers named when none is found
    template: str = "标准模板"  # named in the messages: which template to use
    what: str = "登记表"  # what the sheet is called in the messages
    kinds: tuple[str, ...] = ("xlsx", "xls", "csv")  # kinds of file accepted
    # Other names of known headers (a province's or the national form's wording) -> the known one.
    # A header met under another name is reported in `SheetFile.mapped`, never taken silently.
    aliases: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    # Known headers that name one choice of a column split into one column per choice (a "√" under
    # "小学"). A header row followed by a row of such names is a two-row header: the lower row names
    # the columns, each as "<the group above>（<choice>）" when that is known, else as written.
    subheads: frozenset[str] = frozenset()
    # A workbook of one-record forms (one per worksheet, a label cell followed by its value): the
    # labels read (each a header name, or one of `form_shared` that takes the person named earlier
    # in its row: "出生日期" after "祖父姓名" is "祖父出生日期"), and the people such labels may name.
    form_labels: frozenset[str] = frozenset()
    form_shared: frozenset[str] = frozenset()
    form_people: tuple[str, ...] = ()
    form_title: str = ""


class SheetError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class SheetFile:
    kind: str  # xlsx | xls | csv
    header_row: int  # as numbered in Excel (1 = first row)
    headers: list[str]  # every header cell, normalised, in order
    columns: dict[int, str]  # position -> known header
    unknown: list[str]
    total: int  # rows after the header, blank ones included (for progress)
    rows: Iterator[tuple[int, list]] = field(repr=False, default=iter(()))
    bad_cells: dict[int, dict[str, str]] = field(default_factory=dict)  # row number -> {header: message}
    again: Callable[[], Iterator[tuple[int, list]]] | None = field(repr=False, default=None)  # the rows once more, unparsed again
    spool: object = field(repr=False, default=None)  # the child's output the rows are read from (closed with the SheetFile)
    mapped: list[tuple[str, str]] = field(default_factory=list)  # (header as written, known header it was read as)

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()

    def __enter__(self) -> "SheetFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def normalise_header(h) -> str:
    s = re.sub(r"\s+", "", str(h or ""))
    s = s.replace("(", "（").replace(")", "）").strip("*＊")
    return s


def col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def sniff(path: Path) -> str:
    """The kind of file; for an .xlsx also the checks that need no parsing (zip bomb, extent)."""
    with open(path, "rb") as f:
        head = f.read(4096)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                infos = z.infolist()
                if len(infos) > MAX_MEMBERS:
                    raise SheetError(f"文件过大：压缩包内有 {len(infos):,} 个部件（上限 {MAX_MEMBERS:,}），不像是登记表；请在Excel中另存为新的 .xlsx 后再上传")
                if "xl/workbook.xml" not in {i.filename for i in infos}:
                    raise SheetError("这不是Excel表格（可能是Word文档或压缩包），请上传 .xlsx、.xls 或 .csv 文件")
                if sum(i.file_size for i in infos) > MAX_UNZIPPED:
                    raise SheetError("文件过大：表格解压后超过 1 GB，无法导入；请按乡镇拆分后分别导入")
                _check_dimension(z)
        except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
            raise SheetError("文件已损坏，无法打开；请在Excel中重新保存后再上传") from None
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if not head.strip():
        raise SheetError("文件是空的")
    if b"\x00" in head or head.startswith(b"%PDF"):
        raise SheetError("无法识别的文件类型，请上传 .xlsx、.xls 或 .csv 文件")
    return "csv"


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"')
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def _check_dimension(z: zipfile.ZipFile) -> None:
    """Refuse a first worksheet whose declared range (<dimension ref="A1:XFD1048576"/>, written
    by Excel, WPS and most tools near the top of the sheet's XML) is beyond any register sheet,
    before calamine allocates it. Only the first 64 KB are unpacked. A file that lies about its
    range or has none is stopped by the child's memory limit instead."""
    target = _first_sheet_path(z)
    if target is None:
        return
    with z.open(target) as f:
        head = f.read(1 << 16)
    m = _DIMENSION.search(head)
    if not m:
        return
    ref = m.group(1).decode("ascii", "replace")
    ends = [_REF.match(part) for part in ref.split(":")]
    if not all(ends):
        return  # unreadable: calamine ignores it too, the memory limit still holds
    rows = max(int(e.group(2)) for e in ends)
    cols = max(_col_index(e.group(1)) + 1 for e in ends)
    if rows > MAX_SHEET_ROWS or cols > MAX_COLUMNS or rows * cols > MAX_CELLS:
        raise SheetError(extent_message(ref, rows, cols))


def extent_message(ref: str, rows: int, cols: int) -> str:
    return (f"表格范围异常：第一个工作表的范围是 {ref}（{rows:,} 行 × {cols:,} 列），超过上限（{MAX_SHEET_ROWS:,} 行、{MAX_COLUMNS} 列）。"
            "可能是远处某个单元格被误填或设置了格式；请把数据复制到新的工作表，另存为新的 .xlsx 后再上传")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def open_sheet(path: str | Path, *, max_bytes: int, layout: Layout, memory: int | None = None, seconds: float | None = None) -> SheetFile:
    """Read an uploaded sheet in a child process (see the module's docstring). `memory` (bytes)
    and `seconds` bound the child; the rows come back through an unnamed temporary file, which
    disappears with the returned SheetFile (and with this process, whatever happens)."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise SheetError(f"文件大小 {size / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.0f} MB；请按乡镇拆分后分别导入")
    memory = memory or CHILD_MEMORY
    seconds = seconds or CHILD_SECONDS
    spool = tempfile.TemporaryFile()
    try:
        job = pickle.dumps({"path": str(path.resolve()), "layout": layout, "memory": memory, "fd": spool.fileno()})
        env = {**os.environ, "RUST_BACKTRACE": "0"}  # a refused allocation: one line in the log, not a backtrace
        try:
            done = subprocess.run([sys.executable, "-m", __name__], input=job, capture_output=True, timeout=seconds,
                                  pass_fds=(spool.fileno(),), env=env, close_fds=True)
        except subprocess.TimeoutExpired:
            raise SheetError(f"读取表格超过 {seconds:.0f} 秒仍未完成，已停止；文件可能异常（范围过大或内容损坏），请另存为新的 .xlsx 或按乡镇拆分后再上传") from None
        if done.returncode == 1 and done.stdout:
            raise SheetError(json.loads(done.stdout)["error"])
        if done.returncode != 0:
            log.warning("sheet reader child ended with %s reading %s: %s", done.returncode, path.name, done.stderr[-2000:].decode("utf-8", "replace"))
            raise SheetError(f"文件过大或表格范围异常：读取时所需内存超过上限（{memory >> 20} MB），已停止。"
                             "可能是远处某个单元格被误填或设置了格式；请把数据复制到新的工作表，另存为新的 .xlsx 后再上传")
        spool.seek(0)
        meta = _SpoolReader(spool).load()
    except BaseException:
        spool.close()
        raise
    start = spool.tell()

    return SheetFile(meta["kind"], meta["header_row"], meta["headers"], meta["columns"], meta["unknown"], meta["total"],
                     _spooled_rows(spool, start, raise_end=True), meta["bad_cells"], again=lambda: _spooled_rows(spool, start), spool=spool,
                     mapped=[tuple(m) for m in meta["mapped"]])


def _spooled_rows(spool, start: int, *, raise_end: bool = False) -> Iterator[tuple[int, list]]:
    spool.seek(start)
    # one unpickler per chunk: each chunk was pickled on its own, and an unpickler keeps its
    # memo across load()s, so a second chunk's back-references would point into the first
    while isinstance(chunk := _SpoolReader(spool).load(), list):
        pos = spool.tell()
        yield from chunk
        spool.seek(pos)  # `again` may have read elsewhere in between
    if raise_end and chunk["error"]:  # e.g. too many rows: raised where the rows run out, as when read in place
        raise SheetError(chunk["error"])


class _SpoolReader(pickle.Unpickler):
    """The child writes plain values (text, numbers, dates) and nothing else: refuse any other
    class, so even a child subverted by a hostile file cannot hand this process an object."""

    ALLOWED = {("datetime", "date"): date, ("datetime", "datetime"): datetime, ("datetime", "time"): time,
               ("datetime", "timedelta"): timedelta}

    def find_class(self, module, name):
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not a sheet value") from None


def _read_in_place(path: Path, layout: Layout) -> SheetFile:
    """The parse itself; only ever run in the child."""
    kind = sniff(path)
    if kind not in layout.kinds:
        raise SheetError(f"请上传Excel文件（{'、'.join('.' + k for k in layout.kinds)}）；可先下载{layout.template}")
    if kind == "csv":
        return _open_csv(path, layout)
    return _open_excel(path, kind, layout)


def _child() -> None:
    """`python -m shouhu.core.sheets`: read the job from stdin, limit this process's address
    space, parse, and spool the header facts, the rows (lists of SPOOL_CHUNK), then {"error": …}
    ("" or why the rows stopped, e.g. too many). Exit 1 with {"error": …} on stdout: refused."""
    job = pickle.loads(sys.stdin.buffer.read())
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    memory = job["memory"] if hard == resource.RLIM_INFINITY else min(job["memory"], hard)  # may only go down
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    out = os.fdopen(job["fd"], "wb")
    try:
        sheet = _read_in_place(Path(job["path"]), job["layout"])
        meta = {"kind": sheet.kind, "header_row": sheet.header_row, "headers": sheet.headers, "columns": sheet.columns,
                "unknown": sheet.unknown, "total": sheet.total, "bad_cells": sheet.bad_cells,
                "mapped": sheet.mapped}
        pickle.dump(meta, out, protocol=pickle.HIGHEST_PROTOCOL)
        chunk: list = []
        end = {"error": ""}
        try:
            for row in sheet.rows:
                chunk.append(row)
                if len(chunk) >= SPOOL_CHUNK:
                    pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
                    chunk = []
        except SheetError as e:
            end["error"] = e.message
        if chunk:
            pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(end, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.close()
    except SheetError as e:
        _child_error(e.message)
    except MemoryError:
        os._exit(3)
    except Exception as e:  # a reader's own error while iterating (calamine raises its own types)
        _child_error(f"无法读取该文件（{type(e).__name__}）：文件可能已损坏或设有密码，请在Excel中另存为新的 .xlsx 后重试")


def _child_error(message: str) -> None:
    sys.stdout.write(json.dumps({"error": message}))
    sys.stdout.flush()
    os._exit(1)


def _known(name: str, layout: Layout) -> str | None:
    """The known header `name` stands for (itself or through an alias), or None."""
    name = layout.aliases.get(name, name)
    return name if name in layout.known else None


def _find_header(rows: list[tuple[int, list]], layout: Layout) -> tuple[int, list[str]]:
    for k, (row_no, cells) in enumerate(rows):
        names = [normalise_header(c) for c in cells]
        if "姓名" in names and sum(_known(n, layout) is not None for n in names) >= 3:
            if k + 1 < len(rows):
                below = _subheader(names, [normalise_header(c) for c in rows[k + 1][1]], layout)
                if below is not None:
                    return rows[k + 1][0], below
            return row_no, names
    raise SheetError(f"找不到表头行：前{HEADER_SCAN_ROWS}行中没有包含{layout.example}等列名的一行。请使用{layout.template}")


def _subheader(upper: list[str], lower: list[str], layout: Layout) -> list[str] | None:
    """The column names of a two-row header (a group merged over its choices), or None when the
    row below the header is not such a row (it is data: it has a name under 姓名, or fewer than
    two choice names)."""
    if not layout.subheads:
        return None
    width = max(len(upper), len(lower))
    upper, lower = upper + [""] * (width - len(upper)), lower + [""] * (width - len(lower))
    if lower[upper.index("姓名")]:
        return None
    names, group, hits, filled = [], "", 0, 0
    for up, low in zip(upper, lower, strict=True):
        group = up or group  # a merged group's text is in its first cell only
        if not low:
            names.append(up)
            continue
        joined = f"{group}（{low}）"
        name = joined if _known(joined, layout) else low
        filled += 1
        hits += (_known(name, layout) or "") in layout.subheads
        names.append(name)
    # nearly all of it choice names: a data row has names, dates and numbers in most of its cells
    return names if hits >= 2 and hits * 5 >= filled * 4 else None


def _columns(names: list[str], layout: Layout) -> tuple[dict[int, str], list[str], list[tuple[str, str]]]:
    columns: dict[int, str] = {}
    seen: dict[str, tuple[int, str]] = {}
    unknown = []
    mapped = []
    for i, n in enumerate(names):
        if not n or n in layout.ignored:
            continue
        known = _known(n, layout)
        key = known or n
        if key in seen:
            j, first = seen[key]
            same = f"“{n}”" if first == n else f"“{first}”和“{n}”（都对应“{key}”）"
            raise SheetError(f"表头{same}出现了两次（第{col_letter(j)}列和第{col_letter(i)}列），请删除其中一列")
        seen[key] = (i, n)
        if known:
            columns[i] = known
            if known != n:
                mapped.append((n, known))
        else:
            unknown.append(n)
    missing = [h for h in layout.required if h not in seen]
    if missing:
        raise SheetError(f"缺少表头列：{'、'.join(missing)}。请使用{layout.template}（本页可下载）")
    return columns, unknown, mapped


def _open_excel(path: Path, kind: str, layout: Layout) -> SheetFile:
    # The scan for formula cells reads the file a second time; it runs beside calamine's parse,
    # which releases the GIL, so the two take the time of the longer one.
    formulas = _Background(_formula_cells, path) if kind == "xlsx" else None
    try:
        return _read_excel(path, kind, formulas, layout)
    finally:
        if formulas is not None:
            formulas.join()


class _Background(threading.Thread):
    def __init__(self, fn, *args) -> None:
        super().__init__(daemon=True)
        self.fn, self.args, self.value, self.error = fn, args, None, None
        self.start()

    def run(self) -> None:
        try:
            self.value = self.fn(*self.args)
        except BaseException as e:  # handed to the caller by result()
            self.error = e

    def result(self):
        self.join()
        if self.error is not None:
            raise self.error
        return self.value


def _read_excel(path: Path, kind: str, formulas: _Background | None, layout: Layout) -> SheetFile:
    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = wb.get_sheet_by_index(0)
    except Exception as e:  # calamine raises its own error types for every kind of broken file
        raise SheetError(f"无法读取该Excel文件（{type(e).__name__}）：文件可能已损坏或设有密码，请另存为 .xlsx 后重试") from None
    if sheet.height == 0:
        raise SheetError(f"第一个工作表是空的；请把{layout.what}放在第一个工作表")
    r0, c0 = sheet.start
    rows_, cols_ = r0 + sheet.height, c0 + sheet.width
    if rows_ > MAX_SHEET_ROWS or cols_ > MAX_COLUMNS or rows_ * cols_ > MAX_CELLS:  # no <dimension>, but it fitted in memory
        raise SheetError(extent_message(f"A1:{col_letter(cols_ - 1)}{rows_}", rows_, cols_))
    pad = [""] * c0

    def rows() -> Iterator[tuple[int, list]]:
        for i, cells in enumerate(sheet.iter_rows()):
            yield r0 + i + 1, pad + cells if c0 else cells

    it = rows()
    head = []
    for row_no, cells in it:
        head.append((row_no, cells))
        if len(head) >= HEADER_SCAN_ROWS:
            break
    if layout.form_title and _is_form(head, layout):
        return _read_forms(wb, kind, layout)
    header_row, names = _find_header(head, layout)
    columns, unknown, mapped = _columns(names, layout)
    after = [(n, c) for n, c in head if n > header_row]
    bad: dict[int, dict[str, str]] = {}
    for (ra, ca), (rb, cb) in sheet.merged_cell_ranges or []:
        hit = [columns[c] for c in range(ca, cb + 1) if c in columns]
        if not hit or rb + 1 <= header_row:
            continue  # a merged title above the header is normal
        if ra + 1 <= header_row:
            raise SheetError(f"表头行有合并单元格（{col_letter(ca)}{ra + 1}），请取消合并，每列一个列名")
        for r in range(ra + 1, rb + 2):
            for h in hit:
                bad.setdefault(r, {})[h] = f"合并单元格（{col_letter(ca)}{ra + 1}:{col_letter(cb)}{rb + 1}），请取消合并并在每一行填写"
    if formulas is not None:
        for r, c in formulas.result():
            if r > header_row and c in columns:
                bad.setdefault(r, {})[columns[c]] = "单元格是公式，请改为数值（复制后“选择性粘贴—数值”）"
    total = max(0, r0 + sheet.height - header_row)

    def data() -> Iterator[tuple[int, list]]:
        yield from after
        yield from it

    return SheetFile(kind, header_row, names, columns, unknown, total, _limit(data()), bad, again=rows, mapped=mapped)


FORM_MAX = 2000  # worksheets: a township's forms, one child each
_TICK = re.compile(r"([^\s（()）、，,：:]+)\s*[（(]\s*([^（()）]*?)\s*[）)]")
TICKED = frozenset({"√", "✓", "✔", "☑", "●", "v", "V", "是", "1"})


def _label(cell) -> str:
    return normalise_header(cell).rstrip("：:")


def _is_form(head: list[tuple[int, list]], layout: Layout) -> bool:
    """A form has its title above the labels (a roster has its own title, or none)."""
    texts = [c for _, cells in head for c in cells if isinstance(c, str)]
    return any(layout.form_title in normalise_header(c) for c in texts) and len({_label(c) for c in texts} & layout.form_labels) >= 5


# A choice with a box before it ("□无人监护 ☑监护情况一般"): the box as printed (□ ☐ not ticked, ☑
# ticked) or as filled in by hand over it (■ √ ✓ ✔ ●, or 是 before a choice of two characters or
# more — "是否" stays a word). ☒ is not read: a crossed box means "ticked" to some, "no" to others.
_BOXES_OFF = "□☐"
_BOX = re.compile(r"([□☐☑■√✓✔●]|是(?=\s*[^\s□☐☑■√✓✔●]{2}))\s*([^\s□☐☑■√✓✔●☒、，,]+)")


def ticked(text: str) -> str | None:
    """"健康（ ）残疾（√）患病（ ）" or "□健康 ☑残疾 □患病" → "残疾" (several: joined with "、"; none:
    ""); None when the cell is not written as choices (two or more, and nothing else in the cell
    for boxes)."""
    found = _TICK.findall(text)
    if len(found) >= 2:
        return "、".join(label for label, mark in found if mark in TICKED)
    boxes = _BOX.findall(text)
    if len(boxes) >= 2 and not _BOX.sub("", text).strip(" \u3000、，,"):
        return "、".join(label for mark, label in boxes if mark not in _BOXES_OFF)
    return None


def form_values(rows: list[list], layout: Layout) -> dict[str, str]:
    """One form's {header: text}: each known label with the next cell to its right that is not a
    label itself; a label shared by several people (出生日期, 联系电话 …) takes the person named
    last before it in its row."""
    out: dict[str, str] = {}
    for cells in rows:
        person = ""
        texts = ["" if c in BLANK else (c if isinstance(c, str) else c) for c in cells]
        for i, c in enumerate(texts):
            if not isinstance(c, str) or not c:
                continue
            label = _label(c)
            head = next((p for p in layout.form_people if label.startswith(p)), "")
            if head:
                person = head
            if label in layout.form_shared and person:
                name = f"{person}{label}"
            elif label in layout.form_labels:
                name = label
            else:
                continue
            value = ""
            for v in texts[i + 1:]:
                if v == "" or v is None:
                    continue
                if isinstance(v, str) and (_label(v) in layout.form_labels or _label(v) in layout.form_shared):
                    break
                value = v
                break
            if isinstance(value, str):
                t = ticked(value)
                value = value if t is None else t
            out.setdefault(name, value)
    return out


def _read_forms(wb, kind: str, layout: Layout) -> SheetFile:
    """Each worksheet one record: the rows are the worksheets (row number = the worksheet's
    number), under the headers the labels named."""
    names = wb.sheet_names
    if len(names) > FORM_MAX:
        raise SheetError(f"工作簿有 {len(names):,} 个工作表，超过上限 {FORM_MAX:,}；请按村拆分后分别导入")
    forms = []
    for name in names:
        sheet = wb.get_sheet_by_name(name)
        if sheet.height == 0:
            continue
        r0, c0 = sheet.start
        if r0 + sheet.height > 200 or c0 + sheet.width > 60:
            raise SheetError(f"工作表“{name}”不像一份登记表（范围过大），请检查")
        forms.append(form_values(sheet.to_python(), layout))
    headers: list[str] = []
    for f in forms:
        headers += [h for h in f if h not in headers]
    columns, unknown, mapped = _columns(headers, layout)
    rows = [(i, [f.get(h, "") for h in headers]) for i, f in enumerate(forms, 1)]
    return SheetFile(kind, 0, headers, columns, unknown, len(rows), iter(rows), {}, again=lambda: iter(rows), mapped=mapped)


def _limit(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    n = 0
    for row_no, cells in rows:
        if all(c in BLANK for c in cells):
            continue
        n += 1
        if n > MAX_ROWS:
            raise SheetError(f"超过 {MAX_ROWS:,} 行，请按乡镇拆分后分别导入")
        yield row_no, cells


_SHEET_REF = re.compile(rb'<sheet\b[^>]*?r:id="([^"]+)"')
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _formula_cells(path: Path) -> list[tuple[int, int]]:
    """(row number, column index) of cells holding a formula in the first worksheet. A cheap
    scan for '<f' first: most sheets have none and are not parsed twice."""
    with zipfile.ZipFile(path) as z:
        target = _first_sheet_path(z)
        if target is None:
            return []
        found = False
        with z.open(target) as f:
            tail = b""
            while chunk := f.read(1 << 20):
                buf = tail + chunk
                if re.search(rb"<(?:\w+:)?f[ >/]", buf):
                    found = True
                    break
                tail = buf[-16:]
        if not found:
            return []
        from xml.etree.ElementTree import iterparse

        out = []
        with z.open(target) as f:
            for _, el in iterparse(f):
                tag = el.tag.rsplit("}", 1)[-1]
                if tag == "c":
                    if any(ch.tag.rsplit("}", 1)[-1] == "f" for ch in el):
                        m = _CELL_REF.match(el.get("r", ""))
                        if m:
                            col = 0
                            for ch in m.group(1):
                                col = col * 26 + ord(ch) - 64
                            out.append((int(m.group(2)), col - 1))
                    el.clear()
                elif tag == "row":
                    el.clear()
        return out


def _first_sheet_path(z: zipfile.ZipFile) -> str | None:
    wb = z.read("xl/workbook.xml")
    m = _SHEET_REF.search(wb)
    if not m:
        return None
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    rid = m.group(1).decode()
    for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = rel.group(0)
        if f'Id="{rid}"' in tag:
            t = re.search(r'Target="([^"]+)"', tag).group(1)
            return t.lstrip("/") if t.startswith("/") else "xl/" + t
    return None


def _decode(raw: bytes) -> str:
    try:
        return codecs.decode(raw, "utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")  # a superset of GBK: what Excel saves as "CSV" on Chinese Windows
    except UnicodeDecodeError:
        raise SheetError("无法识别文件编码：请在Excel中“另存为 CSV UTF-8”或保存为 .xlsx") from None


def _open_csv(path: Path, layout: Layout) -> SheetFile:
    text = _decode(path.read_bytes())
    first = text[:4096].split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list]]:
        # by record, not reader.line_num: a cell with a line break (Alt+Enter) is still one Excel row
        for n, cells in enumerate(reader, 1):
            yield n, cells

    it = rows()
    head = []
    try:
        for row_no, cells in it:
            head.append((row_no, cells))
            if len(head) >= HEADER_SCAN_ROWS:
                break
    except csv.Error as e:
        raise SheetError(f"CSV 格式错误：{e}") from None
    header_row, names = _find_header(head, layout)
    columns, unknown, mapped = _columns(names, layout)
    total = text.count("\n") + 1 - header_row
    after = [(n, c) for n, c in head if n > header_row]

    def data() -> Iterator[tuple[int, list]]:
        yield from after
        try:
            yield from it
        except csv.Error as e:
            raise SheetError(f"CSV 格式错误（文件第{reader.line_num}行附近）：{e}") from None

    def again() -> Iterator[tuple[int, list]]:
        return enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)

    return SheetFile("csv", header_row, names, columns, unknown, max(total, 0), _limit(data()), again=again, mapped=mapped)


if __name__ == "__main__":
    _child()
