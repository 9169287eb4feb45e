"""The assessment rules of Circular 27/2020 (primary) and 22/2021 (lower secondary).

Pure Python: imports nothing from Django.
"""

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

__all__ = [
    "COMPETENCIES",
    "QUALITIES",
    "CurriculumError",
    "Form",
    "Level",
    "SubjectSpec",
    "curriculum",
    "level_of_grade",
]
