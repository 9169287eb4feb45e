"""The names a reader knows for the codes of the data: subjects and fields.

The interchange format (docs/architecture.md, "Data") names subjects by code
(``TV``, ``TOAN``) and values by short keys (``tx``, ``gk``, ``ck``,
``level``); pages show the subject's name and the value's name instead,
so ``results.subjects[TV].test_score`` reads "Tiếng Việt — điểm kiểm tra".
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext, gettext_noop, pgettext

from hocbaso.signing import in_language
from hocbaso.web.problems import FIELDS, NAMES

# The keys of an assessment's values and of a subject's results.
VALUES = {
    "tx": gettext_noop("regular assessments"),
    "gk": gettext_noop("mid-term assessment"),
    "ck": gettext_noop("end-of-term assessment"),
    "score": gettext_noop("test score"),
    "test_score": gettext_noop("test score"),
    "scores": gettext_noop("test scores"),
    "year": gettext_noop("whole year"),
    "comment": gettext_noop("comment"),
    "result": gettext_noop("result"),
    "exempt": gettext_noop("exempt"),
    "regular": gettext_noop("regular assessments"),
    "learning": gettext_noop("learning"),
    "title": gettext_noop("title"),
    "promotion": gettext_noop("promotion"),
    "completed": gettext_noop("completed"),
}
# The checks of hocbaso.signing, printing and the portal, by the names they report.
CHECK_NAMES = {
    "integrity": gettext_noop("integrity of the signed data"),
    "structure": gettext_noop("structure of the signature"),
    "schema": gettext_noop("data format"),
    "chain": gettext_noop("certificate chain"),
    "validity": gettext_noop("certificate validity"),
    "revocation": gettext_noop("certificate revocation"),
    "key_usage": gettext_noop("certificate key usage"),
    "role_binding": gettext_noop("signer's role"),
    "timestamp": gettext_noop("timestamp"),
    "document_timestamp": gettext_noop("document timestamp"),
    "coverage": gettext_noop("signed coverage"),
    "order": gettext_noop("order of signatures"),
    "complete": gettext_noop("required signatures"),
    "ledger": gettext_noop("registry ledger"),
    "registry": gettext_noop("registry"),
}
STATUS_NAMES = {
    "valid": gettext_noop("valid"),
    "invalid": gettext_noop("invalid"),
    "indeterminate": gettext_noop("cannot be determined"),
}
# Containers of a path that add nothing a reader needs.
_CONTAINERS = {"results", "subjects", "assessments", "data"}
_TOKEN = re.compile(r"[^.\[\]\s:]+")


def subject_name(code: str) -> str:
    """``TV`` as ``Tiếng Việt``; a code the curriculum lacks stays as it is."""
    return NAMES.get(code, code)


def value_name(key: str) -> str:
    """A value's key (``tx``, ``hk1``, ``level``) by its name."""
    if key == "level":
        # in an assessment, ``level`` is the level reached, not the school level
        return pgettext("assessment", "level reached")
    if key in VALUES:
        return gettext(VALUES[key])
    if key in FIELDS:
        return gettext(FIELDS[key])
    return key


def path_name(path: str) -> str:
    """``results.subjects[TV].test_score`` as ``Tiếng Việt — điểm kiểm tra``."""
    subject, words = "", []
    for token in _TOKEN.findall(str(path)):
        if token in _CONTAINERS:
            continue
        if token in NAMES and not subject:
            subject = NAMES[token]
        else:
            words.append(value_name(token))
    rest = ", ".join(words)
    if subject and rest:
        return f"{subject} — {rest}"
    return subject or rest or str(path)


def check_name(name: str) -> str:
    """A check's name (``integrity``, ``chain``) in words; an unknown one as is."""
    return gettext(CHECK_NAMES[name]) if name in CHECK_NAMES else name


def reason_text(reason: str) -> str:
    """A check's reason in words: its template translated, then filled in."""
    return in_language(reason, gettext)


def status_name(status: Any) -> str:
    """``valid``, ``invalid``, ``indeterminate`` (or a ``Status``) in words."""
    value = str(getattr(status, "value", status))
    return gettext(STATUS_NAMES[value]) if value in STATUS_NAMES else value


def value_text(value: Any) -> str:
    """A stored value as a reader writes it: lists comma-separated."""
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value)
    return str(value)
