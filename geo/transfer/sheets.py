"""Spreadsheets in and out: CSV (UTF-8 or GBK) and Excel (.xlsx) tables with Chinese headers, via openpyxl."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from geo.errors import InvalidInput
from geo.settings import get_settings
from geo.transfer.archives import ArchiveLimits, open_zip

EXCEL_TYPES = (".xlsx", ".xlsm")
CSV_TYPES = (".csv", ".txt", ".tsv")
_PROLOG = 4096  # XML declaration, comments and a DTD come before the root element


@dataclass
class Table:
    """A sheet: its headers and its data rows, each with the row number a spreadsheet user sees."""

    headers: list[str]
    rows: list[tuple[int, list]]


def normalise_header(header) -> str:
    """Compare headers loosely: full-width to half-width (（）→()), no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", str(header or "")).split()).lower()


def find_columns(headers: Sequence[str], aliases: dict[str, Iterable[str]]) -> dict[str, int]:
    """Index of the first header matching each field's aliases (loosely compared)."""
    normalised = [normalise_header(h) for h in headers]
    found = {}
    for field, names in aliases.items():
        for name in names:
            key = normalise_header(name)
            if key in normalised:
                found[field] = normalised.index(key)
                break
    return found


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK; gb18030 is its superset
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("CSV 文件编码无法识别,请另存为 UTF-8 / the CSV is neither UTF-8 nor GBK")


def _read_csv(data: bytes) -> list[list]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _check_xlsx(data: bytes, name: str, limits: ArchiveLimits) -> None:
    """An .xlsx is a zip of XML: sizes checked before unpacking, and no member may carry a DTD (entities)."""
    archive = open_zip(data, name=name, limits=limits)
    for member in archive.infolist():
        if member.is_dir():
            continue
        with archive.open(member) as f:
            problem = _prolog_problem(f)
        if problem:
            raise _xml_refused(name, member.filename, problem)


def _prolog_problem(stream) -> str | None:
    """'DTD' when the XML prolog (before the root element: declaration, comments, processing instructions) holds a
    <!DOCTYPE or <!ENTITY, 'UTF-16/32 XML' when it is not in a byte-compatible encoding; read only as far as needed."""
    buffer, pos = stream.read(_PROLOG), 0
    if buffer.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or buffer[:2] in (b"<\x00", b"\x00<"):
        return "UTF-16/32 XML"
    while True:
        while pos < len(buffer) and buffer[pos : pos + 1] in b" \t\r\n\xef\xbb\xbf":
            pos += 1
        rest = buffer[pos:]
        if len(rest) < 4 and (more := stream.read(_PROLOG)):
            buffer += more
            continue
        end = {b"<?": b"?>", b"<!--": b"-->"}.get(rest[:2] if rest[:2] == b"<?" else rest[:4])
        if end is None:
            return "DTD" if rest[:2] == b"<!" else None  # the root element (or not XML: openpyxl says so)
        close = buffer.find(end, pos + 2)
        if close < 0:
            more = stream.read(_PROLOG)
            if not more:
                return None
            buffer += more
            continue
        pos = close + len(end)


def _xml_refused(name: str, member: str, what: str) -> InvalidInput:
    return InvalidInput(
        f"Excel 文件“{name}”的 {member} 含 {what},不予读取(请在 Excel 中另存为 .xlsx)/ {member} in {name!r} has "
        f"a {what}, which is refused: save the workbook again from Excel",
        errors=[{"field": "file", "member": member, "message": what}],
    )


def _read_xlsx(data: bytes, name: str, limits: ArchiveLimits) -> list[list]:
    from openpyxl import load_workbook

    _check_xlsx(data, name, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            # read_only parses the sheet while iterating: its errors come from here, not from load_workbook
            return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    except Exception as exc:  # openpyxl raises many kinds on a damaged or non-xlsx file
        raise InvalidInput(f"无法读取 Excel 文件(请用 .xlsx 格式):{exc} / cannot read the Excel file") from None


def read_table(data: bytes, filename: str, *, limits: ArchiveLimits | None = None) -> Table:
    """Read a CSV or .xlsx upload; the first non-empty row is the header; empty rows are skipped."""
    name = (filename or "").lower()
    if name.endswith(EXCEL_TYPES) or data[:2] == b"PK":
        raw = _read_xlsx(data, filename or "upload.xlsx", limits or ArchiveLimits.of(get_settings()))
    elif name.endswith(CSV_TYPES) or not name:
        raw = _read_csv(data)
    elif name.endswith(".xls"):
        raise InvalidInput("不支持旧版 .xls,请在 Excel 中另存为 .xlsx / old .xls is not supported: save as .xlsx")
    else:
        raise InvalidInput(f"不支持的文件类型 {filename!r},请上传 .xlsx 或 .csv / upload .xlsx or .csv")
    numbered = [(i + 1, row) for i, row in enumerate(raw) if any(v not in (None, "") for v in row)]
    if not numbered:
        raise InvalidInput("文件是空的 / the file has no rows")
    (_, header), body = numbered[0], numbered[1:]
    headers = [str(h).strip() if h is not None else "" for h in header]
    width = len(headers)
    return Table(headers, [(n, (list(r) + [None] * width)[:width]) for n, r in body])


def cell_text(value) -> str:
    """A cell as trimmed text ('' for empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- writing: every .xlsx and .csv export builds its cells here (tests/transfer/test_sheets_writing.py keeps it so) ---
# A cell a spreadsheet may read as a formula: = + - @ (or their full-width forms, which Excel and WPS in a Chinese or
# Japanese locale may convert while parsing), or a leading tab, CR or LF, possibly after spaces.  OWASP's CSV
# injection list, slightly widened: a needless guard costs one invisible quote, a missing one runs the formula.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n")
_LEADING_SPACES = " \u00a0\u3000"


def looks_like_formula(value) -> bool:
    """Whether a spreadsheet could take this value for a formula (only strings can; numbers stay numbers)."""
    if not isinstance(value, str):
        return False
    first = value.lstrip(_LEADING_SPACES)[:1]
    return bool(first) and unicodedata.normalize("NFKC", first) in FORMULA_TRIGGERS


# Control characters XML 1.0 cannot carry: openpyxl refuses a cell holding one (IllegalCharacterError), so a single
# pasted or imported \x01 in a name would fail the whole workbook. Each shows as U+FFFD, so the cell says something
# was there.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _excel_value(value):
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return _NOT_IN_XML.sub("\ufffd", value)
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, dt.date, dt.datetime)):
        return value
    return _NOT_IN_XML.sub("\ufffd", str(value))


def _text_cell(sheet, value, font=None):
    from openpyxl.cell import WriteOnlyCell

    value = _excel_value(value)
    # openpyxl infers a formula from a str starting with '=' and an error from '#N/A' and the like; any other value it
    # stores as it is, so only those need a cell of their own (one per value would slow a 100,000-row export).
    if font is None and not (isinstance(value, str) and (looks_like_formula(value) or value.startswith("#"))):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text from a person is never a formula nor an error value
        if looks_like_formula(value):
            cell.quotePrefix = True  # Excel's own "'" marker: it stays text when someone edits the cell
    if font is not None:
        cell.font = font
    return cell


def append_row(sheet, values: Iterable, *, font=None) -> None:
    """Append one row to an openpyxl worksheet (normal or write-only): strings as text, never as formulas."""
    sheet.append([_text_cell(sheet, v, font) for v in values])


def new_workbook():
    """An empty openpyxl workbook for an export that styles its own sheets; write its rows with append_row."""
    from openpyxl import Workbook

    return Workbook()


def write_xlsx(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence]]]) -> bytes:
    """An .xlsx workbook with one sheet per entry (bold, frozen header row); lists become 、-joined text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, (headers, rows) in sheets.items():
        sheet = book.create_sheet(title[:31])
        sheet.freeze_panes = "A2"
        append_row(sheet, headers, font=bold)
        for row in rows:
            append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_text(value) -> str:
    value = _excel_value(value)
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value)
    return "'" + text if looks_like_formula(value) else text  # OWASP: a leading quote makes Excel read text


def write_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A CSV file (UTF-8 with BOM, so Excel reads the Chinese) whose text cells cannot start a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_csv_text(h) for h in headers])
    writer.writerows([_csv_text(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")
