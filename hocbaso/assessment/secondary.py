"""Lower-secondary year assessment: Circular 22/2021/TT-BGDĐT.

Steps, in the order the Circular takes them:

1. Art. 7, 9: each subject's term and year results (``subjects``).
2. Art. 9: the learning level of each term and of the year, with the
   adjustment of Art. 9.3 (``learning``).
3. Art. 8: the year conduct from the two terms' conduct.
4. Art. 12-15: promotion in June, or the summer paths (re-test, summer
   conduct training) and promotion applied again after the summer
   (``summer``).
5. Art. 15: the titles Học sinh Xuất sắc and Học sinh Giỏi, on the final
   results [decision ``TITLES_FROM_FINAL_RESULTS``].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from hocbaso.assessment import decisions
from hocbaso.assessment.codes import Promotion, Rank, Title
from hocbaso.assessment.learning import Mark, adjust_learning_level, learning_level
from hocbaso.assessment.subjects import SecondarySubject, SubjectResult, subject_result
from hocbaso.assessment.summer import (
    Summer,
    apply_summer,
    promotion,
    promotion_after_summer,
    summer_problems,
)


@dataclass(frozen=True, slots=True)
class SecondaryYear:
    """One lower-secondary student-year, validated.

    ``optional`` names the optional subjects among ``subjects`` (TDT, NN2).
    ``summer`` is None before the summer.
    """

    grade: int
    subjects: tuple[SecondarySubject, ...]
    conduct_hk1: Rank
    conduct_hk2: Rank
    absences: int
    optional: frozenset[str] = frozenset()
    summer: Summer | None = None


@dataclass(frozen=True, slots=True)
class Learning:
    """The learning level of each term and of the year (adjusted)."""

    hk1: Rank
    hk2: Rank
    year: Rank


@dataclass(frozen=True, slots=True)
class SecondaryOutcome:
    """Everything computed for one lower-secondary student-year.

    After the summer, ``learning.year``, ``conduct``, ``promotion`` and
    ``title`` are the final ones; ``june_promotion`` keeps the June decision.
    """

    subjects: tuple[SubjectResult, ...]
    learning: Learning
    conduct: Rank
    promotion: Promotion
    title: Title | None
    june_promotion: Promotion


# Art. 8: year conduct, by (term II, term I).
_CONDUCT_YEAR: dict[Rank, dict[Rank, Rank]] = {
    Rank.T: {Rank.T: Rank.T, Rank.K: Rank.T, Rank.D: Rank.K, Rank.CD: Rank.K},
    Rank.K: {Rank.T: Rank.K, Rank.K: Rank.K, Rank.D: Rank.K, Rank.CD: Rank.D},
    Rank.D: {Rank.T: Rank.K, Rank.K: Rank.D, Rank.D: Rank.D, Rank.CD: Rank.D},
    Rank.CD: {Rank.T: Rank.CD, Rank.K: Rank.CD, Rank.D: Rank.CD, Rank.CD: Rank.CD},
}

# Art. 15: Học sinh Xuất sắc needs this many scored subjects at this average.
_HSXS_SUBJECTS = 6
_HSXS_AVERAGE = Decimal("9.0")


def year_conduct(hk1: Rank, hk2: Rank) -> Rank:
    """The year conduct from the two terms' conduct (Art. 8, domain.md §4.4)."""
    return _CONDUCT_YEAR[hk2][hk1]


def marks_of(results: tuple[SubjectResult, ...], period: str) -> dict[str, Mark]:
    """The results that enter the learning conditions for ``period``.

    ``period`` is "hk1", "hk2", "year" (June) or "final" (after the summer).
    Exempt subjects are left out [decision
    ``EXEMPT_SUBJECTS_LEFT_OUT_OF_CONDITIONS``], and so are subjects that do
    not count (``SubjectResult.counts``).
    """
    marks: dict[str, Mark] = {}
    for result in results:
        mark: Mark | None = getattr(result, period)
        if mark is not None and result.counts:
            marks[result.code] = mark
    return marks


def _level(marks: Mapping[str, Mark], adjust: bool) -> Rank:
    computed = learning_level(marks)
    return adjust_learning_level(computed, marks) if adjust else computed


def learning_of(results: tuple[SubjectResult, ...], year_period: str) -> Learning:
    """The learning levels of both terms and of the year (Art. 9).

    The year level is always adjusted (Art. 9.3); the term levels too by
    [decision ``ADJUST_TERM_LEARNING_LEVELS``].
    """
    adjust_terms = decisions.ADJUST_TERM_LEARNING_LEVELS
    return Learning(
        hk1=_level(marks_of(results, "hk1"), adjust_terms),
        hk2=_level(marks_of(results, "hk2"), adjust_terms),
        year=_level(marks_of(results, year_period), adjust=True),
    )


def secondary_title(
    learning: Rank, conduct: Rank, year_marks: Mapping[str, Mark]
) -> Title | None:
    """The commendation title (Art. 15).

    Học sinh Xuất sắc: learning T, conduct T and at least 6 scored subjects
    with a year average ≥ 9.0. Học sinh Giỏi: learning T and conduct T, not
    Xuất sắc.
    """
    if learning is not Rank.T or conduct is not Rank.T:
        return None
    scores = [mark for mark in year_marks.values() if isinstance(mark, Decimal)]
    if sum(1 for score in scores if score >= _HSXS_AVERAGE) >= _HSXS_SUBJECTS:
        return Title.HSXS
    return Title.HSG


def subject_results(year: SecondaryYear) -> tuple[SubjectResult, ...]:
    """Every subject's results, with whether it counts for learning."""
    count_optional = decisions.OPTIONAL_SUBJECTS_COUNT_FOR_LEARNING
    return tuple(
        subject_result(s, counts=count_optional or s.code not in year.optional)
        for s in year.subjects
    )


def assess_secondary(year: SecondaryYear) -> SecondaryOutcome:
    """Results, learning, conduct, promotion and title of one student-year.

    Raises ``AssessmentInputError`` when summer results do not fit the June
    results: a re-test when the year learning is not CĐ, a re-test in a
    subject that may not be re-tested, summer conduct when the year conduct
    is not CĐ, or a summer path that applies left without its result.
    """
    results = subject_results(year)
    learning = learning_of(results, "year")
    conduct = year_conduct(year.conduct_hk1, year.conduct_hk2)
    june = promotion(learning.year, conduct, year.absences)
    title = secondary_title(learning.year, conduct, marks_of(results, "year"))
    summer = year.summer
    if summer is None:
        return SecondaryOutcome(results, learning, conduct, june, title, june)
    summer_problems(
        summer, results, learning=learning.year, conduct=conduct, absences=year.absences
    ).raise_if_any()
    results = apply_summer(summer, results)
    learning = learning_of(results, "final")
    conduct = conduct if summer.conduct is None else summer.conduct
    after = promotion_after_summer(learning.year, conduct, year.absences)
    if decisions.TITLES_FROM_FINAL_RESULTS:
        title = secondary_title(learning.year, conduct, marks_of(results, "final"))
    return SecondaryOutcome(results, learning, conduct, after, title, june)
