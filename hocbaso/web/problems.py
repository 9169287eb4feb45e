"""The assessment rules' problems in the reader's language.

The rules (``hocbaso.assessment``) report a problem as a stable code with
parameters and an English template (``Problem``). Here, at the boundary,
the template is translated first and filled in after, so a sentence with
values (``missing, a compulsory subject of grade %(grade)s``) still finds
its translation; the subject codes and field names of ``where`` become the
names a clerk knows (``TV`` → Tiếng Việt, ``hk1`` → học kỳ I).
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from hocbaso.assessment import Problem, Term
from hocbaso.assessment.curriculum import (
    COMPETENCIES,
    PRIMARY_SUBJECT_NAMES,
    QUALITIES,
    SECONDARY_SUBJECT_NAMES,
)

# The names of the format's fields and terms a problem's ``where`` uses.
FIELDS = {
    "hk1": gettext_noop("term I"),
    "hk2": gettext_noop("term II"),
    "grade": gettext_noop("grade"),
    "subjects": gettext_noop("subjects"),
    "conduct": gettext_noop("conduct"),
    "absences": gettext_noop("absences"),
    "retest": gettext_noop("re-test"),
    "summer_conduct": gettext_noop("summer conduct training"),
    "qualities": gettext_noop("qualities"),
    "competencies": gettext_noop("competencies"),
    "class_recognition": gettext_noop("class recognition"),
    "level": gettext_noop("school level"),
    "input": gettext_noop("input"),
}
NAMES = {
    **PRIMARY_SUBJECT_NAMES,
    **SECONDARY_SUBJECT_NAMES,
    **QUALITIES,
    **COMPETENCIES,
}


def describe(problem: Problem | str) -> str:
    """``where: message`` in the active language."""
    if not isinstance(problem, Problem):
        return str(problem)  # a line of a caller's own, already in words
    message = message_of(problem)
    where = place_of(problem.where)
    return f"{where}: {message}" if where else message


def message_of(problem: Problem) -> str:
    """The problem's sentence: the template translated, then filled in."""
    values = {
        key: gettext(value) if isinstance(value, Term) else value
        for key, value in problem.params
    }
    template = gettext(problem.template)
    return template % values if problem.params else template


def place_of(where: str) -> str:
    """``NV hk1`` as ``Ngữ văn, học kỳ I``: each known word by its name."""
    parts = []
    for word in where.split(" "):
        if word in FIELDS:
            parts.append(gettext(FIELDS[word]))
        else:
            parts.append(NAMES.get(word, word))
    return ", ".join(parts)
