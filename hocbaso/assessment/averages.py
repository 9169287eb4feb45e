"""Lower-secondary subject results: Circular 22/2021/TT-BGDĐT, Art. 7 and 9.

Scored subject (Art. 9.2)::

    term average = (sum of regular scores + 2 × mid-term + 3 × end-of-term)
                   / (number of regular scores + 5)
    year average = (term I average + 2 × term II average) / 3

Every average is rounded to one decimal half up with ``decimal.Decimal``, and
the year average is computed from the rounded term averages [decisions
``AVERAGE_ROUNDING``, ``AVERAGE_PLACES``, ``YEAR_AVERAGE_FROM_ROUNDED_TERMS``].

Comment subject (Art. 7, 9): a term is Đ iff every assessment of the term is
Đ; the year is the result of term II.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat

from hocbaso.assessment import decisions
from hocbaso.assessment.codes import Comment

_STEP = Decimal(1).scaleb(-decisions.AVERAGE_PLACES)
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ScoredTerm:
    """The assessments of one term of a scored subject (Art. 7)."""

    regular: tuple[Decimal, ...]
    midterm: Decimal
    final: Decimal


@dataclass(frozen=True, slots=True)
class CommentTerm:
    """The assessments of one term of a comment-only subject (Art. 7)."""

    regular: tuple[Comment, ...]
    midterm: Comment
    final: Comment


def round_average(value: Decimal) -> Decimal:
    """Round an average to one decimal, half up (8.15 → 8.2, 8.149 → 8.1)."""
    return value.quantize(_STEP, rounding=decisions.AVERAGE_ROUNDING)


def _exact_term_average(term: ScoredTerm) -> Decimal:
    total = sum(term.regular, _ZERO) + 2 * term.midterm + 3 * term.final
    return total / (len(term.regular) + 5)


def term_average(term: ScoredTerm) -> Decimal:
    """The rounded term average of a scored subject (Art. 9.2)."""
    return round_average(_exact_term_average(term))


def year_average(hk1: Decimal, hk2: Decimal) -> Decimal:
    """The rounded year average from the two term averages (Art. 9.2).

    Pass the rounded term averages: the transcript prints those, and the year
    is computed from what it prints [decision].
    """
    return round_average((hk1 + 2 * hk2) / 3)


def subject_year_average(hk1: ScoredTerm, hk2: ScoredTerm) -> Decimal:
    """The year average of a scored subject from its two terms' assessments."""
    if decisions.YEAR_AVERAGE_FROM_ROUNDED_TERMS:
        return year_average(term_average(hk1), term_average(hk2))
    return year_average(_exact_term_average(hk1), _exact_term_average(hk2))


def comment_term(term: CommentTerm) -> Comment:
    """A comment subject's term result: Đ iff every assessment is Đ (Art. 9)."""
    marks: Iterable[Comment] = (*term.regular, term.midterm, term.final)
    all_d = all(map(operator.is_, marks, repeat(Comment.D)))
    return Comment.D if all_d else Comment.CD


def comment_year(hk1: Comment, hk2: Comment) -> Comment:
    """A comment subject's year result: that of term II (Art. 9).

    ``hk1`` is taken only to make the rule's inputs explicit.
    """
    del hk1
    return hk2
