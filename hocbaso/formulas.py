"""Text that leaves the system in a spreadsheet or a CSV file never runs there.

A stored text (a comment, a name, a school's name) starting with "=", "+", "-",
"@", a tab or a CR, or their full-width forms, is read by Excel and LibreOffice as
a formula or a DDE call (OWASP, CSV injection): "=HYPERLINK(...)" sends the
neighbouring cells away when clicked. openpyxl itself writes a text starting with
"=" as a live formula.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_STARTS


def keep_as_text(book: Any) -> None:
    """Every formula-like text cell of an openpyxl workbook written as a string
    with Excel's quote prefix: shown and read back unchanged, never evaluated,
    not even when the cell is edited."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if is_formula_like(cell.value):
                    value = cell.value
                    cell.value = None  # assigning text again would re-detect "="
                    cell._value, cell.data_type = value, "s"
                    cell.quotePrefix = True


def csv_text(value: str) -> str:
    """A CSV value, formula-like ones behind an apostrophe (shown as text)."""
    return f"'{value}" if is_formula_like(value) else value
