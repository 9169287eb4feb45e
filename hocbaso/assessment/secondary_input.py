"""Reading a lower-secondary student-year from the interchange format (§10).

Checks, all reported in one pass: the grade; the subjects against the grade's
curriculum; per subject and term (Circular 22, Art. 7) exactly the required
number of regular assessments, one mid-term and one end-of-term, scores 0-10
with at most one decimal or comments Đ / CĐ; the conduct of each term
T / K / Đ / CĐ (Art. 8); the absences; the summer results when given
(Art. 12-15). Whether the summer results apply at all is checked by
``summer.summer_problems`` once the June results are known.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from typing import Any, TypeVar, cast

from hocbaso.assessment._values import (
    check_fields,
    choices,
    code_of,
    curriculum_subjects,
    grade_of,
    is_exempt,
    name,
    object_of,
    plain_object,
    score_of,
    show,
    whole_of,
)
from hocbaso.assessment.averages import CommentTerm, ScoredTerm
from hocbaso.assessment.codes import Comment, Rank
from hocbaso.assessment.curriculum import Form, Level, SubjectSpec, curriculum
from hocbaso.assessment.errors import Problems, Term
from hocbaso.assessment.learning import Mark
from hocbaso.assessment.secondary import SecondaryYear
from hocbaso.assessment.subjects import (
    CommentSubject,
    ExemptSubject,
    ScoredSubject,
    SecondarySubject,
)
from hocbaso.assessment.summer import Summer

FIELDS = frozenset(
    {"level", "grade", "subjects", "conduct", "absences", "retest", "summer_conduct"}
)
_SUBJECT_FIELDS = frozenset({"hk1", "hk2", "exempt"})
_TERM_FIELDS = frozenset({"tx", "gk", "ck"})
_TERMS = ("hk1", "hk2")
_CONDUCT_FIELDS = frozenset(_TERMS)
_SEQUENCES = (list, tuple)
_TERMS_ONLY = frozenset(_TERMS)  # a subject's fields but "exempt"
_M = TypeVar("_M", Decimal, Comment)
_COMMENTS = {comment.value: comment for comment in Comment}
_SCORE_RULE = Term("a number from 0 to 10 with at most one decimal")


def secondary_year_from_dict(data: Mapping[str, Any]) -> SecondaryYear:
    """A validated ``SecondaryYear`` from one student-year in the §10 format.

    Raises ``AssessmentInputError`` listing every problem found.
    """
    problems = Problems()
    top = object_of(data, "input", problems)
    if top is None:
        raise problems.error()
    check_fields(top, FIELDS, "input", problems)
    grade = grade_of(top.get("grade"), 6, 9, Level.SECONDARY.value, problems)
    if grade is None:
        raise problems.error()
    specs = curriculum(Level.SECONDARY, grade)
    given = curriculum_subjects(top.get("subjects"), specs, grade, problems)
    subjects = [_subject(spec, value, problems) for spec, value in given]
    conduct = _conduct(top.get("conduct"), problems)
    absences = _absences(top.get("absences"), problems)
    summer = _summer(top, [spec for spec, _ in given], problems)
    if problems or conduct is None or absences is None:
        raise problems.error()
    return SecondaryYear(
        grade=grade,
        subjects=tuple(s for s in subjects if s is not None),
        conduct_hk1=conduct[0],
        conduct_hk2=conduct[1],
        absences=absences,
        optional=frozenset(spec.code for spec, _ in given if spec.optional),
        summer=summer,
    )


def _subject(
    spec: SubjectSpec, value: object, problems: Problems
) -> SecondarySubject | None:
    plain = _plain_subject(spec, value)
    if plain is not None:
        return plain
    obj = object_of(value, spec.code, problems)
    if obj is None:
        return None
    if is_exempt(obj, spec.code, problems):
        return ExemptSubject(spec.code)
    check_fields(obj, _SUBJECT_FIELDS, spec.code, problems)
    if spec.form is Form.COMMENT:
        hk1, hk2 = (_comment_term(spec, obj.get(t), t, problems) for t in _TERMS)
        return (
            None if hk1 is None or hk2 is None else CommentSubject(spec.code, hk1, hk2)
        )
    s1, s2 = (_scored_term(spec, obj.get(t), t, problems) for t in _TERMS)
    return None if s1 is None or s2 is None else ScoredSubject(spec.code, s1, s2)


def _plain_subject(spec: SubjectSpec, value: object) -> SecondarySubject | None:
    """The fast path of ``_subject``: a subject written plainly, every mark valid.

    None when anything is unusual (an exempt flag, an unknown field, a bad or
    missing mark…): ``_subject`` then reads it again and reports every problem.
    """
    obj = plain_object(value, _TERMS_ONLY)
    if obj is None:
        return None
    if spec.form is Form.SCORE:
        s1 = _plain_marks(spec, obj.get("hk1"), score_of)
        s2 = _plain_marks(spec, obj.get("hk2"), score_of)
        if s1 is None or s2 is None:
            return None
        return ScoredSubject(
            spec.code,
            ScoredTerm(tuple(s1[:-2]), s1[-2], s1[-1]),
            ScoredTerm(tuple(s2[:-2]), s2[-2], s2[-1]),
        )
    c1 = _plain_marks(spec, obj.get("hk1"), _comment_of)
    c2 = _plain_marks(spec, obj.get("hk2"), _comment_of)
    if c1 is None or c2 is None:
        return None
    return CommentSubject(
        spec.code,
        CommentTerm(tuple(c1[:-2]), c1[-2], c1[-1]),
        CommentTerm(tuple(c2[:-2]), c2[-2], c2[-1]),
    )


def _plain_marks(
    spec: SubjectSpec, value: object, read: Callable[[object], _M | None]
) -> list[_M] | None:
    """A plainly written term's marks, as ``_term_marks`` reads them; else None."""
    if type(value) is not dict:
        return None
    obj = plain_object(value, _TERM_FIELDS)
    regular = None if obj is None else obj.get("tx")
    if type(regular) is not list or len(regular) != spec.regular_count:
        return None
    marks = list(map(read, regular))
    marks.append(read(value.get("gk")))
    marks.append(read(value.get("ck")))
    if _any_none(marks):
        return None
    return cast("list[_M]", marks)


def _comment_of(value: object) -> Comment | None:
    if type(value) is str and value in _COMMENTS:
        return _COMMENTS[value]
    return code_of(value, Comment)


def _scored_term(
    spec: SubjectSpec, value: object, term: str, problems: Problems
) -> ScoredTerm | None:
    marks = _term_marks(spec, value, term, problems)
    if marks is None:
        return None
    scores = cast("list[Decimal]", marks)  # a scored subject's marks are scores
    return ScoredTerm(tuple(scores[:-2]), scores[-2], scores[-1])


def _comment_term(
    spec: SubjectSpec, value: object, term: str, problems: Problems
) -> CommentTerm | None:
    marks = _term_marks(spec, value, term, problems)
    if marks is None:
        return None
    comments = cast("list[Comment]", marks)  # a comment subject's marks are Đ / CĐ
    return CommentTerm(tuple(comments[:-2]), comments[-2], comments[-1])


def _term_marks(
    spec: SubjectSpec, value: object, term: str, problems: Problems
) -> list[Mark] | None:
    """The regular, mid-term and end-of-term marks of a term, in that order.

    None when the term is unusable or one of its marks is invalid.
    Circular 22, Art. 7 [decision MISSING_ASSESSMENT_IS_ERROR]: exactly the
    required number of regular assessments, one mid-term, one end-of-term.
    """
    where = f"{spec.code} {term}"
    if value is None:
        problems.add(where, "TERM_MISSING", "required: tx, gk and ck")
        return None
    obj = object_of(value, where, problems)
    if obj is None:
        return None
    check_fields(obj, _TERM_FIELDS, where, problems)
    regular = _regular_marks(spec, obj.get("tx"), where, problems)
    midterm = _mark(spec, obj.get("gk"), "mid-term", where, problems)
    final = _mark(spec, obj.get("ck"), "end-of-term", where, problems)
    if regular is None or midterm is None or final is None or _any_none(regular):
        return None
    return [*cast("list[Mark]", regular), midterm, final]


def _regular_marks(
    spec: SubjectSpec, value: object, where: str, problems: Problems
) -> list[Mark | None] | None:
    kind = Term("scores" if spec.form is Form.SCORE else "assessments")
    if not isinstance(value, _SEQUENCES):
        problems.add(
            where,
            "REGULAR_NOT_LIST",
            "tx must be a list of regular %(kind)s, got %(value)s",
            kind=kind,
            value=show(value),
        )
        return None
    if len(value) != spec.regular_count:
        problems.add(
            where,
            "REGULAR_COUNT",
            "%(count)s regular %(kind)s required, %(given)s given",
            count=spec.regular_count,
            kind=kind,
            given=len(value),
        )
    marks: list[Mark | None]
    if spec.form is Form.SCORE:
        marks = [score_of(item) for item in value]
    else:
        marks = [code_of(item, Comment) for item in value]
    if _any_none(marks):
        for number, (item, mark) in enumerate(zip(value, marks, strict=True), 1):
            if mark is None:
                _mark_problem(spec, item, "regular", where, problems, number)
    return marks


def _any_none(marks: Sequence[object]) -> bool:
    # Not ``None in marks``: comparing a Decimal with None is slow.
    return any(map(operator.is_, marks, repeat(None)))


def _mark(
    spec: SubjectSpec,
    value: object,
    label: str,
    where: str,
    problems: Problems,
    position: int | None = None,
) -> Mark | None:
    """One score (scored subject) or one Đ / CĐ (comment subject)."""
    mark: Mark | None
    if spec.form is Form.SCORE:
        mark = score_of(value)
    else:
        mark = code_of(value, Comment)
    if mark is None:
        _mark_problem(spec, value, label, where, problems, position)
    return mark


def _mark_problem(
    spec: SubjectSpec,
    value: object,
    label: str,
    where: str,
    problems: Problems,
    position: int | None,
) -> None:
    """Record why ``value`` is not a mark of ``spec``."""
    if spec.form is Form.SCORE:
        noun, rule = Term(f"{label} score"), _SCORE_RULE
    else:
        noun, rule = Term(f"{label} assessment"), choices(Comment)
    at = "" if position is None else " (#%(position)s)"
    if value is None:
        problems.add(
            where,
            "MARK_MISSING",
            f"%(mark)s{at} required, %(rule)s",
            mark=noun,
            rule=rule,
            **({} if position is None else {"position": position}),
        )
    else:
        problems.add(
            where,
            "MARK_INVALID",
            f"%(mark)s %(value)s{at} must be %(rule)s",
            mark=noun,
            value=show(value),
            rule=rule,
            **({} if position is None else {"position": position}),
        )


def _conduct(value: object, problems: Problems) -> tuple[Rank, Rank] | None:
    # Circular 22, Art. 8: each term's conduct, T / K / Đ / CĐ.
    if value is None:
        problems.add("conduct", "CONDUCT_MISSING", "required, hk1 and hk2")
        return None
    obj = object_of(value, "conduct", problems)
    if obj is None:
        return None
    check_fields(obj, _CONDUCT_FIELDS, "conduct", problems)
    hk1, hk2 = (_rank(obj.get(term), f"conduct {term}", problems) for term in _TERMS)
    return None if hk1 is None or hk2 is None else (hk1, hk2)


def _rank(value: object, where: str, problems: Problems) -> Rank | None:
    rank = code_of(value, Rank)
    if value is None:
        problems.add(
            where, "RANK_MISSING", "required, %(choices)s", choices=choices(Rank)
        )
    elif rank is None:
        problems.add(
            where,
            "RANK_INVALID",
            "%(value)s must be %(choices)s",
            value=show(value),
            choices=choices(Rank),
        )
    return rank


def _absences(value: object, problems: Problems) -> int | None:
    absences = whole_of(value, 0, None)
    if value is None:
        problems.add(
            "absences", "ABSENCES_MISSING", "required, the number of sessions absent"
        )
    elif absences is None:
        problems.add(
            "absences",
            "ABSENCES_INVALID",
            "%(value)s must be a whole number from 0",
            value=show(value),
        )
    return absences


def _summer(
    top: Mapping[str, Any], specs: list[SubjectSpec], problems: Problems
) -> Summer | None:
    # Art. 12-15: "retest" and "summer_conduct" are present only after the
    # summer; a JSON null counts as absent.
    raw_retest, raw_conduct = top.get("retest"), top.get("summer_conduct")
    if raw_retest is None and raw_conduct is None:
        return None
    retest = None if raw_retest is None else _retest(raw_retest, specs, problems)
    conduct = None
    if raw_conduct is not None:
        conduct = _rank(raw_conduct, "summer_conduct", problems)
    return Summer(retest=retest, conduct=conduct)


def _retest(
    value: object, specs: list[SubjectSpec], problems: Problems
) -> dict[str, Mark]:
    obj = object_of(value, "retest", problems)
    by_code = {spec.code: spec for spec in specs}
    retest: dict[str, Mark] = {}
    for code, raw in sorted((obj or {}).items()):
        spec = by_code.get(code)
        if spec is None:
            problems.add(
                f"retest {name(code)}",
                "RETEST_NOT_A_SUBJECT",
                "not a subject of this year",
            )
            continue
        mark = _mark(spec, raw, "re-test", f"retest {code}", problems)
        if mark is not None:
            retest[code] = mark
    return retest
