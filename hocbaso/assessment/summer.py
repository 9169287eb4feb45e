"""Promotion and the summer paths: Circular 22/2021, Art. 12-15.

Steps:

1. June: promoted iff year conduct ≥ Đ, year learning ≥ Đ and absences ≤ 45
   sessions [decision ``MAX_ABSENCES_FOR_PROMOTION``]. More absences: repeat,
   with no summer path. Otherwise year learning CĐ sends the student to a
   re-test, year conduct CĐ to summer conduct training; both may apply.
2. Summer: each re-test result replaces that subject's year result; only a
   scored subject with a year average below 5.0 or a comment subject at CĐ
   may be re-tested. The homeroom teacher's summer conduct rating replaces
   the year conduct.
3. After the summer the learning level is computed again (with the Art. 9.3
   adjustment) and promotion applied again: promoted or repeat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from hocbaso.assessment import decisions
from hocbaso.assessment.codes import Comment, Promotion, Rank
from hocbaso.assessment.errors import Problems
from hocbaso.assessment.learning import Mark
from hocbaso.assessment.subjects import SubjectResult

# Art. 12-15: a scored subject may be re-tested when its year average is
# below this.
RETEST_BELOW = Decimal("5.0")

_RETEST_DUE = frozenset({Promotion.RETEST, Promotion.RETEST_AND_SUMMER_TRAINING})
_TRAINING_DUE = frozenset(
    {Promotion.SUMMER_TRAINING, Promotion.RETEST_AND_SUMMER_TRAINING}
)


@dataclass(frozen=True, slots=True)
class Summer:
    """The results of the summer.

    ``retest`` maps each re-tested subject to its re-test result (empty when
    the student re-tested nothing); None when no re-test result is given.
    ``conduct`` is the rating at the end of summer conduct training.
    """

    retest: Mapping[str, Mark] | None = None
    conduct: Rank | None = None


def is_promoted(learning: Rank, conduct: Rank, absences: int) -> bool:
    """Art. 12-15: conduct ≥ Đ, learning ≥ Đ and absences ≤ 45 sessions."""
    return (
        conduct.at_least(Rank.D)
        and learning.at_least(Rank.D)
        and not _too_many_absences(absences)
    )


def _too_many_absences(absences: int) -> bool:
    return absences > decisions.MAX_ABSENCES_FOR_PROMOTION


def promotion(learning: Rank, conduct: Rank, absences: int) -> Promotion:
    """The June decision: promoted, repeat, or the summer paths that apply."""
    if is_promoted(learning, conduct, absences):
        return Promotion.PROMOTED
    if _too_many_absences(absences):
        return Promotion.REPEAT  # no summer path
    if learning is Rank.CD and conduct is Rank.CD:
        return Promotion.RETEST_AND_SUMMER_TRAINING
    if learning is Rank.CD:
        return Promotion.RETEST
    return Promotion.SUMMER_TRAINING


def promotion_after_summer(learning: Rank, conduct: Rank, absences: int) -> Promotion:
    """The decision after the summer: promoted, or repeat the grade."""
    if is_promoted(learning, conduct, absences):
        return Promotion.PROMOTED
    return Promotion.REPEAT


def may_retest(result: SubjectResult) -> bool:
    """Whether a subject may be re-tested: year average < 5.0 or comment CĐ."""
    if isinstance(result.year, Decimal):
        return result.year < RETEST_BELOW
    return result.year is Comment.CD


def _why_no_summer(absences: int, what: str, level: Rank) -> str:
    if _too_many_absences(absences):
        limit = decisions.MAX_ABSENCES_FOR_PROMOTION
        return f"{absences} absences exceed {limit}, no summer path"
    return f"year {what} is {level.value}"


def _retest_problem(result: SubjectResult | None, mark: Mark) -> str | None:
    if result is None:
        return "not a subject of this year"
    if result.year is None:
        return "may not be re-tested: the student is exempt (M)"
    if isinstance(mark, Decimal) != isinstance(result.year, Decimal):
        kind = "a score" if isinstance(result.year, Decimal) else "Đ or CĐ"
        return f"the re-test result must be {kind}"
    if may_retest(result):
        return None
    if isinstance(result.year, Decimal):
        return f"may not be re-tested: year average {result.year} is not below 5.0"
    return f"may not be re-tested: year result is {result.year.value}"


def _check_retest(
    problems: Problems, retest: Mapping[str, Mark], results: tuple[SubjectResult, ...]
) -> None:
    by_code = {result.code: result for result in results}
    for code in sorted(retest):
        problem = _retest_problem(by_code.get(code), retest[code])
        if problem:
            problems.add(f"retest {code}", problem)


def summer_problems(
    summer: Summer,
    results: tuple[SubjectResult, ...],
    *,
    learning: Rank,
    conduct: Rank,
    absences: int,
) -> Problems:
    """Every way the summer results do not fit the June results.

    A re-test given when no re-test applies, or in a subject that may not be
    re-tested; summer conduct given when no training applies; and, by
    [decision ``SUMMER_RESULTS_MUST_BE_COMPLETE``], a path that applies but
    has no result.
    """
    problems = Problems()
    june = promotion(learning, conduct, absences)
    if summer.retest is not None and june not in _RETEST_DUE:
        why = _why_no_summer(absences, "learning", learning)
        problems.add("retest", f"no re-test applies: {why}")
    elif summer.retest is not None:
        _check_retest(problems, summer.retest, results)
    elif june in _RETEST_DUE and decisions.SUMMER_RESULTS_MUST_BE_COMPLETE:
        problems.add(
            "retest",
            "required after the summer, year learning is CĐ"
            " (write {} when no subject was re-tested)",
        )
    if summer.conduct is not None and june not in _TRAINING_DUE:
        why = _why_no_summer(absences, "conduct", conduct)
        problems.add("summer_conduct", f"no summer conduct training applies: {why}")
    elif summer.conduct is None and june in _TRAINING_DUE:
        if decisions.SUMMER_RESULTS_MUST_BE_COMPLETE:
            problems.add(
                "summer_conduct", "required after the summer, year conduct is CĐ"
            )
    return problems


def apply_summer(
    summer: Summer, results: tuple[SubjectResult, ...]
) -> tuple[SubjectResult, ...]:
    """The subject results with each re-test result in place (Art. 12-15)."""
    retest = summer.retest or {}
    return tuple(
        replace(result, retest=retest[result.code]) if result.code in retest else result
        for result in results
    )
