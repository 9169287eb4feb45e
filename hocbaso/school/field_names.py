"""A correction's changes as a reader says them: "Điểm kiểm tra định kì cuối năm
môn Toán: 6 → 7", never a raw path such as ``results.subjects[TOAN].test_score``.

The data's fields are an assessment row's keys (Circular 27/2020, Art. 7 for
primary: the level reached and the periodic test at the end of term I and of
the year; Circular 22/2021, Art. 6 for lower secondary: regular, mid-term and
end-of-term assessments), the results' those of ``hocbaso.assessment``'s output
(docs/glossary.md). Each name is a whole sentence to translate, not words put
together, so the Vietnamese reads in its own order.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hocbaso.records.models import SchoolLevel
from hocbaso.web.labels import path_name, subject_name

# (level, key, term) → the data field's name; level None: either level.
_DATA = {
    ("primary", "level", "hk1"): gettext_noop(
        "Level reached at the end of term I in %(subject)s"
    ),
    ("primary", "level", "hk2"): gettext_noop(
        "Level reached at the end of the year in %(subject)s"
    ),
    ("primary", "score", "hk1"): gettext_noop(
        "End-of-term-I periodic test score in %(subject)s"
    ),
    ("primary", "score", "hk2"): gettext_noop(
        "End-of-year periodic test score in %(subject)s"
    ),
    ("secondary", "tx", "hk1"): gettext_noop(
        "Regular assessments of term I in %(subject)s"
    ),
    ("secondary", "tx", "hk2"): gettext_noop(
        "Regular assessments of term II in %(subject)s"
    ),
    ("secondary", "gk", "hk1"): gettext_noop(
        "Mid-term assessment of term I in %(subject)s"
    ),
    ("secondary", "gk", "hk2"): gettext_noop(
        "Mid-term assessment of term II in %(subject)s"
    ),
    ("secondary", "ck", "hk1"): gettext_noop(
        "End-of-term assessment of term I in %(subject)s"
    ),
    ("secondary", "ck", "hk2"): gettext_noop(
        "End-of-term assessment of term II in %(subject)s"
    ),
    (None, "comment", "hk1"): gettext_noop("Comment of term I in %(subject)s"),
    (None, "comment", "hk2"): gettext_noop("Comment of term II in %(subject)s"),
    (None, "exempt", "hk1"): gettext_noop("Exempt in term I from %(subject)s"),
    (None, "exempt", "hk2"): gettext_noop("Exempt in term II from %(subject)s"),
}
# results path → name; "*" is a subject's code.
_RESULTS = {
    ("result",): gettext_noop("Year's educational result"),
    ("completed",): gettext_noop("Completed the grade's programme"),
    ("title",): gettext_noop("Title or commendation"),
    ("promotion",): gettext_noop("Promotion to the next grade"),
    ("learning", "hk1"): gettext_noop("Learning result of term I"),
    ("learning", "hk2"): gettext_noop("Learning result of term II"),
    ("learning", "year"): gettext_noop("Learning result of the year"),
    ("conduct", "hk1"): gettext_noop("Conduct result of term I"),
    ("conduct", "hk2"): gettext_noop("Conduct result of term II"),
    ("conduct", "year"): gettext_noop("Conduct result of the year"),
    ("subjects", "*", "hk1"): gettext_noop("Result of term I in %(subject)s"),
    ("subjects", "*", "hk2"): gettext_noop("Result of term II in %(subject)s"),
    ("subjects", "*", "year"): gettext_noop("Result of the year in %(subject)s"),
}
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def data_field(level: str, subject: str, term: str, key: str) -> str:
    """The name of one value of an assessment row."""
    level = "primary" if level == SchoolLevel.PRIMARY else "secondary"
    for wanted in ((level, key, term), (None, key, term)):
        if wanted in _DATA:
            return _(_DATA[wanted]) % {"subject": subject_name(subject)}
    return path_name(f"{subject} {term} {key}")


def result_field(path: tuple[str, ...]) -> str:
    """The name of one result; a path the table lacks by its words' names."""
    key = tuple(
        "*" if i == 1 and path[0] == "subjects" else p for i, p in enumerate(path)
    )
    if key in _RESULTS:
        subject = path[1] if path[0] == "subjects" else ""
        return _(_RESULTS[key]) % {"subject": subject_name(subject)}
    return path_name(".".join(path))


def shown_result(path: tuple[str, ...], value: Any) -> str:
    """A result's value; promotion by its words, not its code."""
    if path == ("promotion",) and isinstance(value, str):
        from hocbaso.school.review import promotion_label

        return promotion_label(value)
    return shown(value)


def same(before: Any, after: Any) -> bool:
    """Whether two values mean the same: "6.0", 6.0 and "6" are one score."""
    return _normal(before) == _normal(after)


def _normal(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip()
    if _NUMBER.match(text):
        return Decimal(text).normalize()
    return text


def shown(value: Any) -> str:
    """A value as a reader writes it: "6,5", "8, 7, 9", "có", "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(shown(v) for v in value)
    text = str(value)
    if isinstance(value, int | float | Decimal) or _NUMBER.match(text):
        try:
            number = Decimal(text)
        except InvalidOperation:
            return text
        return str(number).replace(".", ",")
    return text
