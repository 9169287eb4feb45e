"""Filling templates the way a clerk would: for the tests and the benchmark."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from hocbaso.imports import sheets


def load(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_of(book: Workbook, kind: str, subject: str | None = None) -> Worksheet:
    for ws in book.worksheets:
        meta = meta_of(ws)
        if meta.get("kind") == kind and subject in (None, meta.get("subject")):
            return ws
    raise LookupError(f"no {kind} sheet {subject or ''}")


def meta_of(ws: Worksheet) -> dict[str, str]:
    """The kind and identity pairs of a template sheet (hidden row 1)."""
    values = [c.value for c in ws[sheets.META_ROW] if c.value not in (None, "")]
    if values[:1] != [sheets.MARKER]:
        return {}
    pairs = values[3:]
    return {"kind": values[1], **dict(zip(pairs[::2], pairs[1::2], strict=False))}


def keys_of(ws: Worksheet) -> dict[str, int]:
    return {c.value: c.column for c in ws[sheets.KEY_ROW] if c.value not in (None, "")}


def add_rows(ws: Worksheet, rows: list[dict[str, Any]]) -> list[int]:
    """Write ``rows`` below the last filled row; their row numbers."""
    keys = keys_of(ws)
    start = max(ws.max_row + 1, sheets.FIRST_DATA_ROW)
    numbers = []
    for offset, values in enumerate(rows):
        for key, value in values.items():
            ws.cell(start + offset, keys[key]).value = value
        numbers.append(start + offset)
    return numbers


def set_student(ws: Worksheet, code: str, values: dict[str, Any]) -> int:
    """Fill the row of the student ``code`` listed by the template; its number."""
    keys = keys_of(ws)
    for row in range(sheets.FIRST_DATA_ROW, ws.max_row + 1):
        if ws.cell(row, keys["student_code"]).value == code:
            for key, value in values.items():
                ws.cell(row, keys[key]).value = value
            return row
    raise LookupError(code)
