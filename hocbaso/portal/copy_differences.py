"""Field by field: where a copy's snapshot differs from the registry's
(docs/portal.md, "Verification"; docs/security.md).

Only the field and the copy's own value are named, never the registry's value: a
forged packet carrying someone's lookup code must learn no more than the copy
already holds. A list item is named by the copy's own key (a subject's code, a
year), else by its position.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocbaso.web.labels import path_name

# The identity page's fields by name, for "họ và tên khác với bản đăng ký".
STUDENT_FIELDS = {
    "full_name": gettext_lazy("full name"),
    "personal_id": gettext_lazy("personal identification number"),
    "student_code": gettext_lazy("student code"),
    "sex": gettext_lazy("sex"),
    "birth_date": gettext_lazy("date of birth"),
    "birthplace": gettext_lazy("place of birth"),
    "ethnicity": gettext_lazy("ethnicity"),
    "nationality": gettext_lazy("nationality"),
    "home_town": gettext_lazy("home town"),
    "address": gettext_lazy("address"),
    "father_name": gettext_lazy("father's name"),
    "father_occupation": gettext_lazy("father's occupation"),
    "mother_name": gettext_lazy("mother's name"),
    "mother_occupation": gettext_lazy("mother's occupation"),
    "guardian_name": gettext_lazy("guardian's name"),
    "guardian_occupation": gettext_lazy("guardian's occupation"),
    "policy_category": gettext_lazy("policy category"),
}


@dataclass(frozen=True)
class Difference:
    """A field whose value in the copy is not the registry's; the registry's
    value is never carried."""

    field: str
    copy: str

    @property
    def sentence(self) -> str:
        return _("%(field)s differs from the registry's record") % {
            "field": field_label(self.field)
        }


def differences(copy: Any, registry: Any, path: str = "") -> list[Difference]:
    """The fields whose values differ between two snapshots, by dotted path."""
    if dataclasses.is_dataclass(copy) and type(copy) is type(registry):
        found = []
        for f in dataclasses.fields(copy):
            found += differences(
                getattr(copy, f.name),
                getattr(registry, f.name),
                f"{path}.{f.name}" if path else f.name,
            )
        return found
    if isinstance(copy, tuple) and isinstance(registry, tuple):
        found = []
        for i in range(max(len(copy), len(registry))):
            a = copy[i] if i < len(copy) else None
            b = registry[i] if i < len(registry) else None
            label = _item_label(a, b, i)
            found += differences(a, b, f"{path}[{label}]")
        return found
    if copy != registry:
        return [Difference(path, _text(copy))]
    return []


def _item_label(a: Any, b: Any, index: int) -> str:
    """The copy's own name for a list item (a subject's code, a year); a row the
    copy lacks is named by its position, never by the registry's content."""
    for name in ("code", "school_year"):
        value = getattr(a, name, None)
        if value:
            return str(value)
    return str(index + 1)


def field_label(path: str) -> str:
    """A field's name in words (the identity page's), else its dotted path."""
    head, _dot, rest = path.partition(".")
    if head == "student" and rest in STUDENT_FIELDS:
        return str(STUDENT_FIELDS[rest])
    return path_name(path)


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if dataclasses.is_dataclass(value):
        parts = (getattr(value, f.name) for f in dataclasses.fields(value))
        return ", ".join(_text(part) for part in parts)
    return str(value)
