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
from hocbaso.assessment.errors import Problems, Term
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


def _add_no_summer(
    problems: Problems, where: str, absences: int, what: str, level: Rank
) -> None:
    """A summer result given where no summer path applies, and why not."""
    applies = (
        "no re-test applies"
        if what == "learning"
        else ("no summer conduct training applies")
    )
    if _too_many_absences(absences):
        limit = decisions.MAX_ABSENCES_FOR_PROMOTION
        problems.add(
            where,
            "SUMMER_TOO_MANY_ABSENCES",
            applies + ": %(absences)s absences exceed %(limit)s, no summer path",
            absences=absences,
            limit=limit,
        )
    else:
        problems.add(
            where,
            "SUMMER_NOT_DUE",
            applies + f": year {what} is %(level)s",
            level=level.value,
        )


_Found = tuple[str, str, dict[str, object]]


def _retest_problem(result: SubjectResult | None, mark: Mark) -> _Found | None:
    if result is None:
        return "RETEST_NOT_A_SUBJECT", "not a subject of this year", {}
    if result.year is None:
        exempt = "may not be re-tested: the student is exempt (M)"
        return "RETEST_EXEMPT", exempt, {}
    if isinstance(mark, Decimal) != isinstance(result.year, Decimal):
        kind = Term("a score" if isinstance(result.year, Decimal) else "Đ or CĐ")
        form = "the re-test result must be %(kind)s"
        return "RETEST_WRONG_FORM", form, {"kind": kind}
    if may_retest(result):
        return None
    if isinstance(result.year, Decimal):
        passed = "may not be re-tested: year average %(year)s is not below 5.0"
        return "RETEST_NOT_DUE", passed, {"year": str(result.year)}
    passed = "may not be re-tested: year result is %(year)s"
    return "RETEST_NOT_DUE", passed, {"year": result.year.value}


def _check_retest(
    problems: Problems, retest: Mapping[str, Mark], results: tuple[SubjectResult, ...]
) -> None:
    by_code = {result.code: result for result in results}
    for code in sorted(retest):
        found = _retest_problem(by_code.get(code), retest[code])
        if found:
            problems.add(f"retest {code}", found[0], found[1], **found[2])


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
        _add_no_summer(problems, "retest", absences, "learning", learning)
    elif summer.retest is not None:
        _check_retest(problems, summer.retest, results)
    elif june in _RETEST_DUE and decisions.SUMMER_RESULTS_MUST_BE_COMPLETE:
        problems.add(
            "retest",
            "RETEST_MISSING",
            "required after the summer, year learning is CĐ"
            " (write {} when no subject was re-tested)",
        )
    if summer.conduct is not None and june not in _TRAINING_DUE:
        _add_no_summer(problems, "summer_conduct", absences, "conduct", conduct)
    elif summer.conduct is None and june in _TRAINING_DUE:
        if decisions.SUMMER_RESULTS_MUST_BE_COMPLETE:
            problems.add(
                "summer_conduct",
                "SUMMER_CONDUCT_MISSING",
                "required after the summer, year conduct is CĐ",
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
