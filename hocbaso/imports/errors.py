"""Errors of the spreadsheet import; each message is a translated sentence.

Nothing is imported when one of them is raised: a refused file is never read
past the check that refused it, and rows with problems stop the whole import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of one cell or row: where it is, what was there, what is wrong."""

    sheet: str
    row: int | None
    column: str  # the column's letter and header, "C (Số định danh cá nhân)"
    value: str
    message: str

    def __str__(self) -> str:
        where = [f"[{self.sheet}]"]
        if self.row is not None:
            where.append(f"{self.row}")
        if self.column:
            where.append(self.column)
        shown = f" “{self.value}”" if self.value else ""
        return f"{' '.join(where)}{shown}: {self.message}"


class SpreadsheetError(Exception):
    """Base of the import's errors: the import was refused and nothing changed."""


class RefusedFileError(SpreadsheetError):
    """The file is not a spreadsheet the import will read (size, macros, formulas…)."""


class ImportNotAllowedError(SpreadsheetError):
    """The user may not import into this school."""


class InvalidRowsError(SpreadsheetError):
    """Rows of the file have problems; ``problems`` lists every one of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
