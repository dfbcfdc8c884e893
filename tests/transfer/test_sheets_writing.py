"""The one spreadsheet writer (geo.transfer.sheets): text that could start a formula stays text in .xlsx and .csv, and
no module in geo/ or api/ writes spreadsheet cells any other way (so the next export cannot forget it)."""

import ast
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from geo.transfer.sheets import append_row, looks_like_formula, new_workbook, read_table, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
HELPER = ROOT / "geo" / "transfer" / "sheets.py"
PAYLOADS = (
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "\n=1",
    " =1",
    "＝1",
    "＋1",
    "－1",
    "＠1",
)


@pytest.mark.parametrize("value", PAYLOADS)
def test_formula_starts_are_recognised(value):
    assert looks_like_formula(value)


@pytest.mark.parametrize("value", ["威海", "a=b", "", " ", "1-2", -2, -2.5, Decimal("-3"), None, dt.date(2026, 1, 1)])
def test_plain_text_and_numbers_are_not_formulas(value):
    assert not looks_like_formula(value)


def test_xlsx_cells_are_text_numbers_stay_numbers():
    extra = [["plain", Decimal("-1.5")], ["#N/A", dt.date(2026, 1, 1)]]
    content = write_xlsx({"表": (["名称", "=header"], [[p, -2] for p in PAYLOADS] + extra)})
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows())
    assert (rows[0][1].data_type, rows[0][1].quotePrefix, rows[0][1].font.b) == ("s", True, True)
    for row, payload in zip(rows[1:], PAYLOADS, strict=False):
        assert (row[0].value, row[0].data_type, row[0].quotePrefix) == (payload.replace("\r", "\n"), "s", True)
        assert (row[1].value, row[1].data_type) == (-2, "n")
    assert (rows[-2][0].quotePrefix, rows[-2][1].value, rows[-2][1].data_type) == (False, -1.5, "n")
    assert (rows[-1][0].value, rows[-1][0].data_type, rows[-1][1].is_date) == ("#N/A", "s", True)


def test_control_characters_xml_cannot_hold_become_a_visible_mark_not_a_failed_workbook():
    # One \x01 pasted into a name made openpyxl refuse the whole export (a 500 the API fuzzer found).
    content = write_xlsx({"表": (["名\x03称"], [["甲\x01乙", "=x\x00"], [["列\x02", "表"], "tab\tand\nline"]])})
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(content)).active.iter_rows()]
    assert rows == [["名\ufffd称", None], ["甲\ufffd乙", "=x\ufffd"], ["列\ufffd、表", "tab\tand\nline"]]


def test_append_row_on_a_styled_workbook():
    book = new_workbook()
    append_row(book.active, ["=1+1", 3, None, "ok"])
    out = io.BytesIO()
    book.save(out)
    row = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [(c.value, c.data_type, c.quotePrefix) for c in row] == [
        ("=1+1", "s", True),
        (3, "n", False),
        (None, "n", False),
        ("ok", "s", False),
    ]


def test_csv_cells_get_a_leading_quote_numbers_do_not():
    content = write_csv(["名称", "数"], [[p, -2] for p in PAYLOADS] + [["a=b", Decimal("-1.5")]])
    assert content.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8 Chinese
    table = read_table(content, "x.csv")
    assert table.headers == ["名称", "数"]
    for (_, row), payload in zip(table.rows, PAYLOADS, strict=False):
        assert row == ["'" + payload, "-2"]
    assert table.rows[-1][1] == ["a=b", "-1.5"]


# --- the guard: every writer goes through geo/transfer/sheets.py ---------------------------------------------------
# Rules, on the syntax tree of every module in geo/ and api/ except the helper:
#   1. no csv.writer / csv.DictWriter, no xlsxwriter, no pandas .to_excel / .to_csv (they write cells unchecked);
#   2. no openpyxl Workbook or cell objects (new_workbook() and write_xlsx() make workbooks, append_row() cells);
#   3. no worksheet.cell(…, value=…) (or with a third positional argument, the value);
#   4. a module holding a workbook (it imports openpyxl or calls new_workbook) has no .append( (rows go through
#      append_row), no `x.value = …` and no `x[…] = …` (cells are not set one by one).
# Styling (fonts, fills, widths, freeze_panes) stays free.  If a rule is wrong for a new need, change the helper.
_BANNED_NAMES = {"Workbook", "WriteOnlyCell", "Cell", "DictWriter", "writer"}


def bypasses(source: str) -> list[str]:
    """Where a module writes spreadsheet cells without geo.transfer.sheets (line: reason)."""
    tree = ast.parse(source)
    found = []
    holds_workbook = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "xlsxwriter":
                    found.append(f"{node.lineno}: imports xlsxwriter")
                holds_workbook |= alias.name.split(".")[0] == "openpyxl"
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            holds_workbook |= top == "openpyxl"
            if top == "xlsxwriter" or (top in ("openpyxl", "csv") and {a.name for a in node.names} & _BANNED_NAMES):
                found.append(f"{node.lineno}: imports a writer from {node.module}")
        elif isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and (node.value.id, node.attr) in {
                ("csv", "writer"),
                ("csv", "DictWriter"),
                ("openpyxl", "Workbook"),
            }:
                found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in ("to_excel", "to_csv"):
                found.append(f"{node.lineno}: .{name}()")
            if name == "cell" and (len(node.args) >= 3 or any(k.arg == "value" for k in node.keywords)):
                found.append(f"{node.lineno}: .cell(…, value=…)")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "new_workbook":
            holds_workbook = True
    if holds_workbook:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append":
                found.append(f"{node.lineno}: .append() in a module that holds a workbook (use append_row)")
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in (t for tt in targets for t in (tt.elts if isinstance(tt, ast.Tuple) else [tt])):
                if isinstance(target, ast.Subscript) or (isinstance(target, ast.Attribute) and target.attr == "value"):
                    found.append(f"{target.lineno}: sets a cell directly (use append_row)")
    return found


@pytest.mark.parametrize(
    "snippet",
    [
        "import csv\nw = csv.writer(out)",
        "from csv import DictWriter",
        "import xlsxwriter",
        "from openpyxl import Workbook\nbook = Workbook()",
        "import openpyxl\nbook = openpyxl.Workbook()",
        "from openpyxl.cell import WriteOnlyCell",
        "ws.cell(row=1, column=1, value=name)",
        "ws.cell(1, 1, name)",
        "frame.to_excel(path)",
        "frame.to_csv(path)",
        "wb = new_workbook()\nwb.active.append([name])",
        "wb = new_workbook()\nwb.active['A1'] = name",
        "from openpyxl.styles import Font\nws['A1'].value = name",
    ],
)
def test_the_guard_sees_a_bypass(snippet):
    assert bypasses(snippet)


def test_the_guard_allows_styling_and_the_helper():
    allowed = (
        "from openpyxl.styles import Font\nfrom geo.transfer.sheets import append_row, new_workbook\n"
        "wb = new_workbook()\nws = wb.active\nappend_row(ws, [name])\nws['A1'].font = Font(bold=True)\n"
        "ws.column_dimensions['A'].width = 20\nws.cell(ws.max_row, 1).alignment = None\n"
    )
    assert bypasses(allowed) == []


def test_every_spreadsheet_export_goes_through_the_helper():
    sources = [p for folder in ("geo", "api") for p in sorted((ROOT / folder).rglob("*.py")) if p != HELPER]
    assert len(sources) > 50  # the scan sees the code base
    found = [f"{p.relative_to(ROOT)}:{line}" for p in sources for line in bypasses(p.read_text(encoding="utf-8"))]
    assert found == [], (
        "write spreadsheets with geo.transfer.sheets (write_xlsx, write_csv, append_row):\n" + "\n".join(found)
    )
