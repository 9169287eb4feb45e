"""Reading the sheets of a checked workbook into raw rows keyed by column key.

``read_workbook`` runs after ``files.check_file``. It refuses a workbook with
formulas (a cell that computes its value is refused, not evaluated), reads each
sheet's identity (hidden row 1) and column keys (hidden row 2), and returns the
data rows from row 4 with their Excel row numbers, so every problem can name
the row the clerk sees.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from hocbaso.imports import cells, sheets
from hocbaso.imports.errors import Problem, RefusedFileError

_SHOWN_FORMULAS = 5


@dataclass
class RawRow:
    number: int
    values: dict[str, object]

    def is_blank(self, keys: tuple[str, ...] | None = None) -> bool:
        return all(
            cells.is_blank(v)
            for k, v in self.values.items()
            if keys is None or k in keys
        )


@dataclass
class RawSheet:
    title: str
    kind: str
    meta: dict[str, str]
    columns: dict[str, int]  # key → column number
    headers: dict[str, str]  # key → the header row's text
    rows: list[RawRow] = field(default_factory=list)

    def where(self, key: str) -> str:
        """A column as problems name it: its letter and its header."""
        number = self.columns.get(key)
        if number is None:
            return key
        header = self.headers.get(key) or key
        return f"{get_column_letter(number)} ({header})"

    def problem(
        self, row: RawRow | None, key: str, message: str, value: object = None
    ) -> Problem:
        return Problem(
            sheet=self.title,
            row=None if row is None else row.number,
            column=self.where(key) if key else "",
            value=cells.show(value),
            message=message,
        )


def read_workbook(data: bytes) -> tuple[list[RawSheet], list[Problem]]:
    """The template sheets of a workbook, and the problems of its layout.

    Raises ``RefusedFileError`` when openpyxl cannot read it or a cell holds
    a formula.
    """
    found, problems, formulas = [], [], []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions
            book = load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
            try:
                # Read-only sheets are parsed while they are iterated: a damaged
                # or hostile part fails here, not in load_workbook.
                for worksheet in book.worksheets:
                    sheet = _read_sheet(worksheet, problems, formulas)
                    if sheet is not None:
                        found.append(sheet)
            finally:
                book.close()
    except Exception as exc:  # openpyxl and its XML parser raise many kinds
        raise RefusedFileError(
            _("The workbook cannot be read (%(error)s).") % {"error": _cause(exc)}
        ) from None
    if formulas:
        raise RefusedFileError(
            _(
                "The workbook has formulas (%(cells)s): the import reads values "
                "only. Copy the cells and paste them as values, then save."
            )
            % {"cells": ", ".join(formulas[:_SHOWN_FORMULAS])}
        )
    if not found and not problems:
        problems.append(
            Problem("", None, "", "", _("The workbook has no template sheet."))
        )
    return found, problems


def _cause(exc: BaseException) -> str:
    """The name of the first error in a chain (openpyxl wraps its parser's)."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return type(exc).__name__


def _read_sheet(worksheet, problems: list[Problem], formulas: list[str]):
    title = worksheet.title
    rows = worksheet.iter_rows()
    header_rows = []
    for _number in range(sheets.HEADER_ROW):
        header_rows.append(_values(next(rows, ()), title, formulas))
    meta_row, key_row, header_row = header_rows
    if not meta_row or meta_row[0] != sheets.MARKER:
        problems.append(
            Problem(
                title,
                None,
                "",
                "",
                _(
                    "This sheet is not from a template (its hidden first rows are "
                    "missing): copy its data into a downloaded template."
                ),
            )
        )
        _drain(rows, title, formulas)
        return None
    kind = str(meta_row[1]) if len(meta_row) > 1 else ""
    if kind not in sheets.KINDS or str(meta_row[2] if len(meta_row) > 2 else "") != (
        sheets.VERSION
    ):
        problems.append(
            Problem(title, None, "", kind, _("Unknown kind of sheet; use a template."))
        )
        _drain(rows, title, formulas)
        return None
    meta = _meta(meta_row[3:])
    columns, headers = _columns(title, key_row, header_row, problems)
    sheet = RawSheet(title, kind, meta, columns, headers)
    for number, row in enumerate(rows, start=sheets.FIRST_DATA_ROW):
        values = _values(row, title, formulas)
        raw = RawRow(
            number,
            {
                key: values[col - 1] if col <= len(values) else None
                for key, col in columns.items()
            },
        )
        if kind != sheets.INSTRUCTIONS and not raw.is_blank():
            sheet.rows.append(raw)
    return None if kind == sheets.INSTRUCTIONS else sheet


def _values(row, title: str, formulas: list[str]) -> list[object]:
    out = []
    for cell in row:
        if getattr(cell, "data_type", None) == "f":
            formulas.append(f"{title}!{cell.coordinate}")
        out.append(getattr(cell, "value", None))
    return out


def _drain(rows, title: str, formulas: list[str]) -> None:
    """Still look for formulas in a sheet that is not read."""
    for row in rows:
        _values(row, title, formulas)


def _meta(values: list[object]) -> dict[str, str]:
    pairs = [cells.show(v) for v in values]
    return {
        pairs[i]: pairs[i + 1]
        for i in range(0, len(pairs) - 1, 2)
        if pairs[i] and pairs[i + 1]
    }


def _columns(
    title: str, key_row: list[object], header_row: list[object], problems
) -> tuple[dict[str, int], dict[str, str]]:
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for number, key in enumerate(key_row, start=1):
        if cells.is_blank(key):
            continue
        key = str(key).strip()
        if key in columns:
            problems.append(
                Problem(
                    title,
                    sheets.KEY_ROW,
                    get_column_letter(number),
                    key,
                    _("This column appears twice."),
                )
            )
            continue
        columns[key] = number
        header = header_row[number - 1] if number <= len(header_row) else None
        headers[key] = cells.show(header) or key
    return columns, headers
