"""Lower-secondary subjects and their results: Circular 22/2021, Art. 7 and 9.

A subject is scored (0-10), comment-only (Đ / CĐ) or exempt (M). Its result
per term and for the year is a ``Decimal`` average or a ``Comment``; an exempt
subject has no result and is left out of every condition [decision
``EXEMPT_SUBJECTS_LEFT_OUT_OF_CONDITIONS``].
"""

from __future__ import annotations

from dataclasses import dataclass

from hocbaso.assessment import decisions
from hocbaso.assessment.averages import (
    CommentTerm,
    ScoredTerm,
    comment_term,
    comment_year,
    subject_year_average,
    term_average,
    year_average,
)
from hocbaso.assessment.learning import Mark


@dataclass(frozen=True, slots=True)
class ScoredSubject:
    """A subject assessed with scores 0-10 (Art. 7)."""

    code: str
    hk1: ScoredTerm
    hk2: ScoredTerm


@dataclass(frozen=True, slots=True)
class CommentSubject:
    """A subject assessed by comment only, Đ / CĐ (Art. 7)."""

    code: str
    hk1: CommentTerm
    hk2: CommentTerm


@dataclass(frozen=True, slots=True)
class ExemptSubject:
    """A subject the student is exempt from (M)."""

    code: str


SecondarySubject = ScoredSubject | CommentSubject | ExemptSubject


@dataclass(frozen=True, slots=True)
class SubjectResult:
    """A subject's term and year results; all None when exempt (M).

    ``retest`` is the summer re-test result, which replaces the year result
    (Art. 12-15). ``counts`` says whether the subject enters the learning
    conditions [decision ``OPTIONAL_SUBJECTS_COUNT_FOR_LEARNING``].
    """

    code: str
    hk1: Mark | None
    hk2: Mark | None
    year: Mark | None
    retest: Mark | None = None
    counts: bool = True

    @property
    def exempt(self) -> bool:
        return self.year is None

    @property
    def final(self) -> Mark | None:
        """The year result after the summer: the re-test result if any."""
        return self.year if self.retest is None else self.retest


def subject_result(subject: SecondarySubject, counts: bool = True) -> SubjectResult:
    """A subject's term and year results (Art. 7, 9)."""
    if isinstance(subject, ScoredSubject):
        hk1_average, hk2_average = term_average(subject.hk1), term_average(subject.hk2)
        if decisions.YEAR_AVERAGE_FROM_ROUNDED_TERMS:
            # What subject_year_average computes, from the averages just made.
            year_mark = year_average(hk1_average, hk2_average)
        else:
            year_mark = subject_year_average(subject.hk1, subject.hk2)
        return SubjectResult(
            subject.code, hk1_average, hk2_average, year_mark, counts=counts
        )
    if isinstance(subject, CommentSubject):
        hk1, hk2 = comment_term(subject.hk1), comment_term(subject.hk2)
        year = comment_year(hk1, hk2)
        return SubjectResult(subject.code, hk1, hk2, year, counts=counts)
    return SubjectResult(subject.code, None, None, None, counts=counts)
