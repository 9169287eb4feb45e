"""The assessment rules of Circular 27/2020 (primary) and 22/2021 (lower secondary).

Pure Python: imports nothing from Django. ``assess`` is the entry point for
one student-year in the interchange format (domain.md §10); the typed
functions beneath it apply one rule each.
"""

from typing import TYPE_CHECKING, Any

# Eager: the packet needs it anyway, and the function ``curriculum`` must win over
# the submodule of the same name, as it does when this import binds it last.
from hocbaso.assessment.curriculum import (
    COMPETENCIES,
    QUALITIES,
    CurriculumError,
    Form,
    Level,
    SubjectSpec,
    curriculum,
    level_of_grade,
)

if TYPE_CHECKING:
    from hocbaso.assessment.averages import (
        CommentTerm,
        ScoredTerm,
        comment_term,
        comment_year,
        round_average,
        subject_year_average,
        term_average,
        year_average,
    )
    from hocbaso.assessment.codes import (
        Comment,
        PrimaryResult,
        Promotion,
        QualityLevel,
        Rank,
        SubjectLevel,
        Title,
    )
    from hocbaso.assessment.errors import (
        AssessmentError,
        AssessmentInputError,
        Problem,
        Term,
    )
    from hocbaso.assessment.interchange import (
        assess,
        level_of,
        primary_outcome_to_dict,
        secondary_outcome_to_dict,
    )
    from hocbaso.assessment.learning import (
        Mark,
        adjust_learning_level,
        blocking_subjects,
        learning_level,
        learning_result,
    )
    from hocbaso.assessment.primary import (
        PrimaryOutcome,
        PrimarySubject,
        PrimaryYear,
        assess_primary,
        is_completed,
        primary_title,
        year_result,
    )
    from hocbaso.assessment.primary_input import primary_year_from_dict
    from hocbaso.assessment.secondary import (
        Learning,
        SecondaryOutcome,
        SecondaryYear,
        assess_secondary,
        secondary_title,
        year_conduct,
    )
    from hocbaso.assessment.secondary_input import secondary_year_from_dict
    from hocbaso.assessment.subjects import (
        CommentSubject,
        ExemptSubject,
        ScoredSubject,
        SecondarySubject,
        SubjectResult,
        subject_result,
    )
    from hocbaso.assessment.summer import (
        Summer,
        is_promoted,
        may_retest,
        promotion,
        promotion_after_summer,
    )

# Each name is loaded from its module on first use (PEP 562): the packet's parser
# needs only the curriculum, and a verifier (docs/verifier.md) starts without the
# rules it never runs.
_LAZY = {
    "CommentTerm": "averages",
    "ScoredTerm": "averages",
    "comment_term": "averages",
    "comment_year": "averages",
    "round_average": "averages",
    "subject_year_average": "averages",
    "term_average": "averages",
    "year_average": "averages",
    "Comment": "codes",
    "PrimaryResult": "codes",
    "Promotion": "codes",
    "QualityLevel": "codes",
    "Rank": "codes",
    "SubjectLevel": "codes",
    "Title": "codes",
    "AssessmentError": "errors",
    "AssessmentInputError": "errors",
    "Problem": "errors",
    "Term": "errors",
    "assess": "interchange",
    "level_of": "interchange",
    "primary_outcome_to_dict": "interchange",
    "secondary_outcome_to_dict": "interchange",
    "Mark": "learning",
    "adjust_learning_level": "learning",
    "blocking_subjects": "learning",
    "learning_level": "learning",
    "learning_result": "learning",
    "PrimaryOutcome": "primary",
    "PrimarySubject": "primary",
    "PrimaryYear": "primary",
    "assess_primary": "primary",
    "is_completed": "primary",
    "primary_title": "primary",
    "year_result": "primary",
    "primary_year_from_dict": "primary_input",
    "Learning": "secondary",
    "SecondaryOutcome": "secondary",
    "SecondaryYear": "secondary",
    "assess_secondary": "secondary",
    "secondary_title": "secondary",
    "year_conduct": "secondary",
    "secondary_year_from_dict": "secondary_input",
    "CommentSubject": "subjects",
    "ExemptSubject": "subjects",
    "ScoredSubject": "subjects",
    "SecondarySubject": "subjects",
    "SubjectResult": "subjects",
    "subject_result": "subjects",
    "Summer": "summer",
    "is_promoted": "summer",
    "may_retest": "summer",
    "promotion": "summer",
    "promotion_after_summer": "summer",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "COMPETENCIES",
    "QUALITIES",
    "AssessmentError",
    "AssessmentInputError",
    "Comment",
    "CommentSubject",
    "CommentTerm",
    "CurriculumError",
    "ExemptSubject",
    "Form",
    "Learning",
    "Level",
    "Mark",
    "PrimaryOutcome",
    "PrimaryResult",
    "PrimarySubject",
    "PrimaryYear",
    "Problem",
    "Promotion",
    "QualityLevel",
    "Rank",
    "ScoredSubject",
    "ScoredTerm",
    "SecondaryOutcome",
    "SecondarySubject",
    "SecondaryYear",
    "SubjectLevel",
    "SubjectResult",
    "SubjectSpec",
    "Summer",
    "Term",
    "Title",
    "adjust_learning_level",
    "assess",
    "assess_primary",
    "assess_secondary",
    "blocking_subjects",
    "comment_term",
    "comment_year",
    "curriculum",
    "is_completed",
    "is_promoted",
    "learning_level",
    "learning_result",
    "level_of",
    "level_of_grade",
    "may_retest",
    "primary_outcome_to_dict",
    "primary_title",
    "primary_year_from_dict",
    "promotion",
    "promotion_after_summer",
    "round_average",
    "secondary_outcome_to_dict",
    "secondary_title",
    "secondary_year_from_dict",
    "subject_result",
    "subject_year_average",
    "term_average",
    "year_average",
    "year_conduct",
    "year_result",
]
