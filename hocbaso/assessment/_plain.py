"""The fast path of ``assess``: a student-year written plainly, evaluated in tenths.

Nearly every student-year arrives well formed: the fields of the format and no
other, every mark exactly a code or a score, no summer results, no exempt
subject. Such an input is read here in one pass, against a plan made once per
grade, and evaluated with whole numbers of tenths instead of ``Decimal``: a
score with at most one decimal is an exact number of tenths, and an average
rounded half up to one decimal (Circular 22, Art. 9.2) is an integer division,
``(2 × total + n) // (2 × n)`` for ``total / n`` tenths. ``Decimal`` division
gives the same digits: its 28 significant digits cannot bring a quotient with
a denominator of at most 9 onto a rounding boundary it is not on.

Whatever this path does not read as plain (a summer result, an exempt subject,
a value with spaces, a bad mark…) returns None, and ``assess`` takes the full
path, which reads everything else and reports every problem. The thresholds
are the full path's own tables (``learning._RULES``, ``secondary._HSXS_AVERAGE``;
primary: ``_plain_primary``); ``tests/test_golden_corpus.py`` and
``tests/test_plain_path.py`` hold both paths to the same answers.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hocbaso.assessment import decisions, learning, secondary
from hocbaso.assessment._plain_primary import assess_plain_primary
from hocbaso.assessment._values import _remember, score_of
from hocbaso.assessment.averages import round_average
from hocbaso.assessment.codes import Comment, Rank
from hocbaso.assessment.curriculum import (
    Form,
    Level,
    curriculum,
)
from hocbaso.assessment.secondary_input import FIELDS as SECONDARY_FIELDS
from hocbaso.assessment.summer import promotion

# The averages of this path are those of the decisions it was written for; with
# any other rounding the full path computes them.
_TENTHS_EXACT = (
    decisions.AVERAGE_ROUNDING == ROUND_HALF_UP
    and decisions.AVERAGE_PLACES == 1
    and decisions.YEAR_AVERAGE_FROM_ROUNDED_TERMS
)
_TERMS = frozenset({"hk1", "hk2"})
_TERM_FIELDS = frozenset({"tx", "gk", "ck"})
_RANKS = {rank.value: rank for rank in Rank}
_COMMENTS = {comment.value: comment for comment in Comment}
_HSXS_TENTHS = int(secondary._HSXS_AVERAGE * 10)
# Art. 9.2, from the best level down: (rank, CĐ comments allowed, floor, count
# threshold, count needed), the scores in tenths.
_RULES = tuple(
    (
        rank,
        rule.comment_cd_allowed,
        int(rule.floor * 10),
        int(rule.count_threshold * 10),
        rule.count_needed,
    )
    for rank, rule in learning._RULES.items()
)
_RULE_OF = {row[0]: row for row in _RULES}
_TARGETS = tuple(Rank(code) for code in decisions.ADJUSTMENT_TARGETS)
# The output's text of an average, by tenths: what mark_text writes ("8.1").
_TEXT = tuple(str(round_average(Decimal(t) / 10)) for t in range(101))
_TENTHS_OF_TEXT: dict[str, int | None] = {}


def assess_plain(data: object) -> dict[str, Any] | None:
    """``assess(data)`` for plainly written input; None for anything else."""
    if type(data) is not dict:
        return None
    level = data.get("level")
    if level == "secondary" and type(level) is str:
        return _secondary(data) if _TENTHS_EXACT else None
    if level == "primary" and type(level) is str:
        return assess_plain_primary(data)
    return None


# --- lower secondary ---------------------------------------------------------

# Per grade: (code, scored, regular count, counts for learning) in curriculum
# order, the codes of the grade, the compulsory codes.
_Plan = tuple[tuple[tuple[str, bool, int, bool], ...], frozenset[str], frozenset[str]]


def _secondary_plan(grade: int) -> _Plan:
    specs = curriculum(Level.SECONDARY, grade)
    count_optional = decisions.OPTIONAL_SUBJECTS_COUNT_FOR_LEARNING
    return (
        tuple(
            (
                s.code,
                s.form is Form.SCORE,
                s.regular_count,
                count_optional or not s.optional,
            )
            for s in specs
        ),
        frozenset(s.code for s in specs),
        frozenset(s.code for s in specs if not s.optional),
    )


_SECONDARY_PLANS = {grade: _secondary_plan(grade) for grade in range(6, 10)}


def _secondary(top: dict[Any, Any]) -> dict[str, Any] | None:
    grade, absences = top.get("grade"), top.get("absences")
    if (
        type(grade) is not int
        or grade not in _SECONDARY_PLANS
        or type(absences) is not int
        or absences < 0
        or not top.keys() <= SECONDARY_FIELDS
        or top.get("retest") is not None
        or top.get("summer_conduct") is not None
    ):
        return None
    conduct = _conduct(top.get("conduct"))
    subjects = top.get("subjects")
    plan, codes, compulsory = _SECONDARY_PLANS[grade]
    if (
        conduct is None
        or type(subjects) is not dict
        or not compulsory <= subjects.keys() <= codes
    ):
        return None
    results = _subject_results(plan, subjects)
    if results is None:
        return None
    return _secondary_outcome(results, conduct, absences)


def _conduct(value: object) -> tuple[Rank, Rank] | None:
    if type(value) is not dict or value.keys() != _TERMS:
        return None
    first, second = value["hk1"], value["hk2"]
    if type(first) is not str or type(second) is not str:
        return None
    hk1, hk2 = _RANKS.get(first), _RANKS.get(second)
    return None if hk1 is None or hk2 is None else (hk1, hk2)


# One subject's results: (code, counts for learning, hk1, hk2, year), the
# results in tenths (scored subject) or as a Comment.
_Result = tuple[Any, ...]


def _subject_results(
    plan: tuple[tuple[str, bool, int, bool], ...], subjects: dict[Any, Any]
) -> list[_Result] | None:
    results: list[_Result] = []
    for code, scored, count, counts in plan:
        if code not in subjects:
            continue
        value = subjects[code]
        if type(value) is not dict or value.keys() != _TERMS:
            return None
        if scored:
            s1, s2 = (
                _scored_term(value["hk1"], count),
                _scored_term(value["hk2"], count),
            )
            if s1 is None or s2 is None:
                return None
            # Art. 9.2: the year average from the rounded term averages.
            results.append((code, counts, s1, s2, (2 * (s1 + 2 * s2) + 3) // 6))
        else:
            c1, c2 = (
                _comment_term(value["hk1"], count),
                _comment_term(value["hk2"], count),
            )
            if c1 is None or c2 is None:
                return None
            results.append((code, counts, c1, c2, c2))  # Art. 9: the year is term II
    return results


def _scored_term(term: object, count: int) -> int | None:
    """The rounded term average in tenths (Art. 9.2), or None if not plain."""
    marks = _term_marks(term, count)
    if marks is None:
        return None
    total = 0
    for mark in marks[0]:
        tenths = _tenths(mark)
        if tenths is None:
            return None
        total += tenths
    midterm, final = _tenths(marks[1]), _tenths(marks[2])
    if midterm is None or final is None:
        return None
    total += 2 * midterm + 3 * final
    weight = count + 5
    return (2 * total + weight) // (2 * weight)


def _comment_term(term: object, count: int) -> Comment | None:
    """Đ iff every assessment of the term is Đ (Art. 9), or None if not plain."""
    marks = _term_marks(term, count)
    if marks is None:
        return None
    all_d = True
    for mark in (*marks[0], marks[1], marks[2]):
        comment = _COMMENTS.get(mark) if type(mark) is str else None
        if comment is None:
            return None
        all_d = all_d and comment is Comment.D
    return Comment.D if all_d else Comment.CD


def _term_marks(term: object, count: int) -> tuple[list[Any], Any, Any] | None:
    if type(term) is not dict or term.keys() != _TERM_FIELDS:
        return None
    regular = term["tx"]
    if type(regular) is not list or len(regular) != count:
        return None
    return regular, term["gk"], term["ck"]


def _tenths(value: object) -> int | None:
    """A score (0-10, at most one decimal, Art. 7) in tenths, as score_of reads it."""
    if type(value) is int:
        return value * 10 if 0 <= value <= 10 else None
    if type(value) is str:
        if value in _TENTHS_OF_TEXT:
            return _TENTHS_OF_TEXT[value]
        tenths = _to_tenths(score_of(value))
        _remember(_TENTHS_OF_TEXT, value, tenths)
        return tenths
    return _to_tenths(score_of(value))


def _to_tenths(score: Decimal | None) -> int | None:
    return None if score is None else int(score.scaleb(1))


def _secondary_outcome(
    results: list[_Result], conduct: tuple[Rank, Rank], absences: int
) -> dict[str, Any]:
    """What assess_secondary and secondary_outcome_to_dict give before the summer."""
    adjust_terms = decisions.ADJUST_TERM_LEARNING_LEVELS
    hk1 = _learning(results, 2, adjust_terms)
    hk2 = _learning(results, 3, adjust_terms)
    year = _learning(results, 4, True)
    year_conduct = secondary.year_conduct(*conduct)
    title = None
    if year is Rank.T and year_conduct is Rank.T:
        excellent = sum(
            1 for r in results if r[1] and type(r[4]) is int and r[4] >= _HSXS_TENTHS
        )
        title = "HSXS" if excellent >= secondary._HSXS_SUBJECTS else "HSG"
    return {
        "subjects": {r[0]: _subject_output(r) for r in results},
        "learning": {"hk1": hk1.value, "hk2": hk2.value, "year": year.value},
        "conduct": {"year": year_conduct.value},
        "promotion": promotion(year, year_conduct, absences).value,
        "title": title,
    }


def _subject_output(result: _Result) -> dict[str, str]:
    if type(result[4]) is int:
        return {
            "hk1": _TEXT[result[2]],
            "hk2": _TEXT[result[3]],
            "year": _TEXT[result[4]],
        }
    return {"hk1": result[2].value, "hk2": result[3].value, "year": result[4].value}


def _learning(results: list[_Result], period: int, adjust: bool) -> Rank:
    """Art. 9.2 and, when adjust, Art. 9.3 for one period's results."""
    scores = [r[period] for r in results if r[1] and type(r[period]) is int]
    cds = sum(1 for r in results if r[1] and r[period] is Comment.CD)
    computed = _level(scores, cds)
    if not adjust:
        return computed
    for target in _TARGETS:
        if target.order - computed.order >= 2 and _blockers(target, scores, cds) == 1:
            return computed.raised()
    return computed


def _level(scores: list[int], cds: int) -> Rank:
    for rank, *rule in _RULES:
        if _meets(rule, scores, cds):
            return rank
    return Rank.CD


def _meets(rule: list[int], scores: list[int], cds: int) -> bool:
    allowed, floor, threshold, needed = rule
    return (
        cds <= allowed
        and min(scores, default=floor) >= floor
        and sum(1 for s in scores if s >= threshold) >= needed
    )


def _blockers(target: Rank, scores: list[int], cds: int) -> int:
    """How many subjects alone keep the student from target (Art. 9.3), as
    learning.blocking_subjects counts them."""
    rule = list(_RULE_OF[target][1:])
    floor = rule[1]
    count = 0
    for index, score in enumerate(scores):
        if score < floor:
            trial = scores.copy()
            trial[index] = floor
            count += _meets(rule, trial, cds)
    if cds and _meets(rule, scores, cds - 1):
        count += cds  # lifting any one of them gives the same counts
    return count
