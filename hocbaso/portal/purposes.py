"""The purposes the system itself writes into the access audit, and their labels.

An access event's ``purpose`` is free text when a person gives it (a
lookup's purpose, a share code's recipient) and a stable code when a page
of the system reads a transcript (``school:class-review``). The code is
also put in the event's ``detail`` under ``purpose``, which no person
types: an event is shown with the label of its code only when both agree,
so a lookup whose stated purpose happens to be a code is shown as typed.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

CLASS_REVIEW = "school:class-review"
RECORD_REVIEW = "school:record-review"
ADMIN = "admin:view"
MARK_BOOK = "school:mark-book"
SUBJECT_REVIEW = "school:subject-review"
SUBJECT_ACCESS = "citizen:subject-access"
FAMILY_READ = "citizen:family-read"

LABELS = {
    CLASS_REVIEW: gettext_lazy("school class review"),
    RECORD_REVIEW: gettext_lazy("school record review"),
    ADMIN: gettext_lazy("read in the administration site"),
    MARK_BOOK: gettext_lazy("school mark book"),
    SUBJECT_REVIEW: gettext_lazy("school subject review"),
    SUBJECT_ACCESS: gettext_lazy("download of all data held, asked by the family"),
    FAMILY_READ: gettext_lazy("read on screen by the student or the family"),
}


def purpose_label(purpose: str, detail: dict[str, Any] | None) -> str:
    """What the audit trail and the access list show as the purpose."""
    code = (detail or {}).get("purpose") if isinstance(detail, dict) else None
    if code == purpose and code in LABELS:
        return str(LABELS[code])
    return purpose
