"""Lower-secondary learning level (kết quả học tập): Circular 22, Art. 9.

Steps:

1. Art. 9.2: the level T / K / Đ / CĐ from the subjects' results (term
   averages for a term, year averages for the year), by the table below.
2. Art. 9.3: the adjustment. When the level is two or more below T or K
   solely because of one subject, it is raised by one level. Procedure
   [decision ``ADJUSTMENT_TARGETS``]: for target T then K, count the subjects
   that alone keep the student from the target (putting just that subject at
   the target's floor, or at Đ, reaches the target); if exactly one does and
   the level is at least two below the target, raise it by one.

A subject's result is a ``Decimal`` (scored subject) or a ``Comment``
(comment-only subject); exempt subjects are left out by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from hocbaso.assessment import decisions
from hocbaso.assessment.codes import Comment, Rank

Mark = Decimal | Comment


@dataclass(frozen=True, slots=True)
class _Rule:
    """One row of the Art. 9.2 table."""

    # Most comment subjects allowed at CĐ.
    comment_cd_allowed: int
    # Every scored subject at least this.
    floor: Decimal
    # At least ``count_needed`` scored subjects at ``count_threshold`` or more.
    count_threshold: Decimal
    count_needed: int


# Art. 9.2, from the best level down. Đ's "no scored subject below 3.5" is
# its floor.
_RULES: dict[Rank, _Rule] = {
    Rank.T: _Rule(0, Decimal("6.5"), Decimal("8.0"), 6),
    Rank.K: _Rule(0, Decimal("5.0"), Decimal("6.5"), 6),
    Rank.D: _Rule(1, Decimal("3.5"), Decimal("5.0"), 6),
}


def _meets(rule: _Rule, marks: Mapping[str, Mark]) -> bool:
    scores = [m for m in marks.values() if isinstance(m, Decimal)]
    comments_cd = sum(1 for m in marks.values() if m is Comment.CD)
    return _meets_with(rule, scores, comments_cd)


def _meets_with(rule: _Rule, scores: list[Decimal], comments_cd: int) -> bool:
    """``_meets`` from the scored results and the number of comments at CĐ."""
    return (
        comments_cd <= rule.comment_cd_allowed
        and all(score >= rule.floor for score in scores)
        and sum(1 for s in scores if s >= rule.count_threshold) >= rule.count_needed
    )


def learning_level(marks: Mapping[str, Mark]) -> Rank:
    """The learning level of Art. 9.2, before the adjustment of Art. 9.3.

    T: every comment subject Đ, every scored subject ≥ 6.5, at least 6 ≥ 8.0.
    K: every comment subject Đ, every scored subject ≥ 5.0, at least 6 ≥ 6.5.
    Đ: at most one comment subject CĐ, at least 6 scored ≥ 5.0, none < 3.5.
    CĐ: everything else.
    """
    scores = [m for m in marks.values() if isinstance(m, Decimal)]
    comments_cd = sum(1 for m in marks.values() if m is Comment.CD)
    for rank, rule in _RULES.items():
        if _meets_with(rule, scores, comments_cd):
            return rank
    return Rank.CD


def _lifted(mark: Mark, rule: _Rule) -> Mark:
    """The subject's result put just at what the target asks of it."""
    if isinstance(mark, Comment):
        return Comment.D
    return max(mark, rule.floor)


def blocking_subjects(marks: Mapping[str, Mark], target: Rank) -> list[str]:
    """The subjects that alone keep the student from ``target`` (Art. 9.3).

    A subject blocks when it misses the target's own demand on it (a scored
    subject under the floor, a comment subject at CĐ) and putting just that
    subject at the floor, or at Đ, reaches the target.
    """
    rule = _RULES[target]
    # What _meets would find in {**marks, code: lifted}, without building it.
    scores = [m for m in marks.values() if isinstance(m, Decimal)]
    comments_cd = sum(1 for m in marks.values() if m is Comment.CD)
    blockers = []
    position = 0  # in ``scores``, of the next scored subject
    for code, mark in marks.items():
        lifted = _lifted(mark, rule)
        if isinstance(mark, Decimal):
            position += 1
            if lifted != mark:
                trial = scores.copy()
                trial[position - 1] = cast(Decimal, lifted)
                if _meets_with(rule, trial, comments_cd):
                    blockers.append(code)
        elif isinstance(mark, Comment):
            # lifted is Đ, so mark is CĐ when they differ
            if lifted != mark and _meets_with(rule, scores, comments_cd - 1):
                blockers.append(code)
        elif lifted != mark and _meets(rule, {**marks, code: lifted}):
            blockers.append(code)
    return sorted(blockers)


def adjust_learning_level(computed: Rank, marks: Mapping[str, Mark]) -> Rank:
    """Apply the adjustment of Art. 9.3 to a computed learning level.

    Raised by one level when, for target T and then K, exactly one subject
    blocks the target and ``computed`` is two or more levels below it.
    """
    for target in map(_rank, decisions.ADJUSTMENT_TARGETS):
        if target.order - computed.order < 2:
            continue
        if len(blocking_subjects(marks, target)) == 1:
            return computed.raised()
    return computed


_RANK_OF = {rank.value: rank for rank in Rank}


def _rank(code: str) -> Rank:
    """``Rank(code)``, faster for the codes themselves."""
    if type(code) is str and code in _RANK_OF:
        return _RANK_OF[code]
    return Rank(code)


def learning_result(marks: Mapping[str, Mark]) -> Rank:
    """The learning level of Art. 9, adjustment included."""
    return adjust_learning_level(learning_level(marks), marks)
