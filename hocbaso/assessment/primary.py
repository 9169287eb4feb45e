"""Primary end-of-year assessment: Circular 27/2020/TT-BGDĐT.

Steps, in the order the Circular takes them:

1. Art. 9: the year result HTXS / HTT / HT / CHT from the subject and activity
   levels, the 15 qualities and competencies and the end-of-year test scores.
2. Art. 11, 13: the grade programme is completed iff the result is HT or
   better; the titles Học sinh Xuất sắc and Học sinh Tiêu biểu.

An exempt subject (code M) is left out of every condition [decision
``EXEMPT_SUBJECTS_LEFT_OUT_OF_CONDITIONS``].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hocbaso.assessment import decisions
from hocbaso.assessment.codes import PrimaryResult, QualityLevel, SubjectLevel, Title


@dataclass(frozen=True, slots=True)
class PrimarySubject:
    """One subject or activity of a primary student's year.

    ``level`` is None when the student is exempt (M). ``score`` is the
    end-of-year test score (a whole number 1-10) for a tested subject, else
    None.
    """

    code: str
    level: SubjectLevel | None
    score: int | None = None

    @property
    def exempt(self) -> bool:
        return self.level is None


@dataclass(frozen=True, slots=True)
class PrimaryYear:
    """One primary student-year, validated.

    ``ratings`` holds the qualities and competencies together, by code
    (``qualities`` and ``competencies`` share no code).
    """

    grade: int
    subjects: tuple[PrimarySubject, ...]
    ratings: Mapping[str, QualityLevel]
    class_recognition: bool = False


@dataclass(frozen=True, slots=True)
class PrimaryOutcome:
    """The end-of-year result, completion and title of a primary student-year."""

    result: PrimaryResult
    completed: bool
    title: Title | None


# Art. 9: per result, the subject levels and rating levels allowed and the
# lowest end-of-year test score; the first row the student meets wins.
_RESULT_TABLE: tuple[
    tuple[PrimaryResult, frozenset[SubjectLevel], frozenset[QualityLevel], int], ...
] = (
    (
        PrimaryResult.HTXS,
        frozenset({SubjectLevel.T}),
        frozenset({QualityLevel.T}),
        9,
    ),
    (
        PrimaryResult.HTT,
        frozenset({SubjectLevel.T}),
        frozenset({QualityLevel.T}),
        7,
    ),
    (
        PrimaryResult.HT,
        frozenset({SubjectLevel.T, SubjectLevel.H}),
        frozenset({QualityLevel.T, QualityLevel.D}),
        5,
    ),
)


def _counted(subjects: tuple[PrimarySubject, ...]) -> list[PrimarySubject]:
    # §3.4 [decision]: an exempt subject is left out of every condition.
    if decisions.EXEMPT_SUBJECTS_LEFT_OUT_OF_CONDITIONS:
        return [subject for subject in subjects if not subject.exempt]
    return list(subjects)


def year_result(year: PrimaryYear) -> PrimaryResult:
    """The end-of-year result of Circular 27, Art. 9.

    HTXS: every subject T, all 15 ratings T, every test score ≥ 9; HTT: the
    same with scores ≥ 7; HT: subjects T or H, ratings T or Đ, scores ≥ 5;
    otherwise CHT.
    """
    subjects = _counted(year.subjects)
    scores = [s.score for s in subjects if s.score is not None]
    for result, subject_levels, rating_levels, lowest_score in _RESULT_TABLE:
        if (
            all(s.level in subject_levels for s in subjects)
            and all(r in rating_levels for r in year.ratings.values())
            and all(score >= lowest_score for score in scores)
        ):
            return result
    return PrimaryResult.CHT


def is_completed(result: PrimaryResult) -> bool:
    """Whether the grade programme is completed (Circular 27, Art. 11, 13).

    A CHT student gets a supplementary assessment over the summer instead;
    promotion after it is the principal's decision, outside these rules.
    """
    return result is not PrimaryResult.CHT


def primary_title(result: PrimaryResult, class_recognition: bool) -> Title | None:
    """The commendation title (Circular 27, Art. 11, 13).

    Học sinh Xuất sắc for HTXS; Học sinh Tiêu biểu for HTT when the class
    recognised an outstanding subject or clear progress (a human decision).
    """
    if result is PrimaryResult.HTXS:
        return Title.HSXS
    if result is PrimaryResult.HTT and class_recognition:
        return Title.HSTB
    return None


def assess_primary(year: PrimaryYear) -> PrimaryOutcome:
    """Result, completion and title of one validated primary student-year."""
    result = year_result(year)
    return PrimaryOutcome(
        result=result,
        completed=is_completed(result),
        title=primary_title(result, year.class_recognition),
    )
