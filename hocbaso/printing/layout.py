"""The official form's layout as plain values, for pages that show the form in HTML.

The PDF and the registry's pages lay out the same form (docs/printing.md): this is
the public door to the values the typst templates print, so the portal builds its
pages without reaching into printing's private modules.

    marks = Marks(read.marks)
    year = year_page(read.snapshot, marks)       # one yearly record's page
    who = identity(latest_snapshot, marks)       # the identity page
    rows = history(level, snapshots, all_marks)  # the study-history table
"""

from __future__ import annotations

from typing import Any

from hocbaso.packet import RecordLevel, RecordSnapshot
from hocbaso.printing import _primary, _secondary
from hocbaso.printing._format import VIETNAM, date_text, time_text
from hocbaso.printing._model import Marks, history, identity

__all__ = [
    "VIETNAM",
    "Marks",
    "date_text",
    "history",
    "identity",
    "time_text",
    "year_page",
]


def year_page(snapshot: RecordSnapshot, marks: Marks) -> dict[str, Any]:
    """One yearly record's page of the form, for its level (forms.md §2, §3)."""
    if snapshot.level is RecordLevel.PRIMARY:
        return _primary.year_page(snapshot, marks)
    return _secondary.year_page(snapshot, marks)
