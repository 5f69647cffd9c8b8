"""Opening an uploaded sheet (the register sheet, a school roster): .xlsx/.xls (python-calamine) or .csv (UTF-8 or GBK).

Whatever the file is, the result is either a `SheetFile` (header found, rows to iterate with
the row numbers the user sees in Excel) or a `SheetError` with a Chinese sentence; nothing here
touches the database. Rows are yielded lazily so a 100,000-row sheet is never held as Python
objects all at once, and blank rows (a sheet "formatted" 50,000 rows down) cost nothing.
"""
import codecs
import csv
import io
import re
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

HEADER_SCAN_ROWS = 20
MAX_ROWS = 200_000
MAX_UNZIPPED = 1 << 30  # a zip bomb stops here
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
    with open(path, "rb") as f:
        head = f.read(4096)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                if "xl/workbook.xml" not in names:
                    raise SheetError("这不是Excel表格（可能是Word文档或压缩包），请上传 .xlsx、.xls 或 .csv 文件")
                if sum(i.file_size for i in z.infolist()) > MAX_UNZIPPED:
                    raise SheetError("表格解压后过大，无法导入；请按乡镇拆分后分别导入")
        except zipfile.BadZipFile:
            raise SheetError("文件已损坏，无法打开；请在Excel中重新保存后再上传") from None
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if not head.strip():
        raise SheetError("文件是空的")
    if b"\x00" in head or head.startswith(b"%PDF"):
        raise SheetError("无法识别的文件类型，请上传 .xlsx、.xls 或 .csv 文件")
    return "csv"


def open_sheet(path: str | Path, *, max_bytes: int, layout: Layout) -> SheetFile:
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise SheetError(f"文件大小 {size / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.0f} MB；请按乡镇拆分后分别导入")
    kind = sniff(path)
    if kind == "csv":
        return _open_csv(path, layout)
    return _open_excel(path, kind, layout)


def _find_header(rows: list[tuple[int, list]], layout: Layout) -> tuple[int, list[str]]:
    for row_no, cells in rows:
        names = [normalise_header(c) for c in cells]
        if "姓名" in names and sum(n in layout.known for n in names) >= 3:
            return row_no, names
    raise SheetError(f"找不到表头行：前{HEADER_SCAN_ROWS}行中没有包含{layout.example}等列名的一行。请使用{layout.template}")


def _columns(names: list[str], layout: Layout) -> tuple[dict[int, str], list[str]]:
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    unknown = []
    for i, n in enumerate(names):
        if not n or n in layout.ignored:
            continue
        if n in seen:
            raise SheetError(f"表头“{n}”出现了两次（第{col_letter(seen[n])}列和第{col_letter(i)}列），请删除其中一列")
        seen[n] = i
        if n in layout.known:
            columns[i] = n
        else:
            unknown.append(n)
    missing = [h for h in layout.required if h not in seen]
    if missing:
        raise SheetError(f"缺少表头列：{'、'.join(missing)}。请使用{layout.template}（本页可下载）")
    return columns, unknown


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
        raise SheetError("第一个工作表是空的；请把登记表放在第一个工作表")
    r0, c0 = sheet.start
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
    header_row, names = _find_header(head, layout)
    columns, unknown = _columns(names, layout)
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

    return SheetFile(kind, header_row, names, columns, unknown, total, _limit(data()), bad, again=rows)


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
    columns, unknown = _columns(names, layout)
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

    return SheetFile("csv", header_row, names, columns, unknown, max(total, 0), _limit(data()), again=again)
