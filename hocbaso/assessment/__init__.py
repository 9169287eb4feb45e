"""The assessment rules of Circular 27/2020 (primary) and 22/2021 (lower secondary).

Pure Python: imports nothing from Django. ``assess`` is the entry point for
one student-year in the interchange format (domain.md §10); the typed
functions beneath it apply one rule each.
"""

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
from hocbaso.assessment.errors import AssessmentError, AssessmentInputError
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
