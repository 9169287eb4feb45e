"""The frozen snapshot of one yearly transcript record: what is serialised and signed.

Plain values only (str, int, bool, date, Decimal, tuples), so a snapshot compares by
value and round-trips through the packet's XML unchanged. The records layer builds one
from its rows; the registry gets one back from the bytes it received (docs/packet.md).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from hocbaso.assessment.curriculum import COMPETENCIES, QUALITIES

# A lower-secondary mark: a score 0-10 with at most one decimal, or "Đ", "CĐ", "M".
Mark = Decimal | str


class Sex(enum.IntEnum):
    """QCVN 109:2017 (domain.md §5): 0 unknown, 1 male, 2 female."""

    UNKNOWN = 0
    MALE = 1
    FEMALE = 2


@dataclass(frozen=True, slots=True)
class Person:
    """A signer known by name and 12-digit personal identification number."""

    name: str
    personal_id: str


@dataclass(frozen=True, slots=True)
class Leader:
    """The principal, or a deputy signing on the principal's behalf, with the title."""

    name: str
    personal_id: str
    title: str


@dataclass(frozen=True, slots=True)
class Student:
    """The student's identity as the transcript's identity page prints it."""

    full_name: str
    personal_id: str
    student_code: str
    sex: Sex
    birth_date: date
    birthplace: str
    ethnicity: str
    nationality: str
    home_town: str | None = None
    address: str | None = None
    father_name: str | None = None
    father_occupation: str | None = None
    mother_name: str | None = None
    mother_occupation: str | None = None
    guardian_name: str | None = None
    guardian_occupation: str | None = None
    policy_category: str | None = None


@dataclass(frozen=True, slots=True)
class School:
    """The school that keeps the record, with its department (Sở) and address."""

    code: str
    name: str
    department_code: str
    department_name: str
    commune: str | None = None
    province: str | None = None


@dataclass(frozen=True, slots=True)
class PrimarySubject:
    """One primary subject or activity: level T/H/C (M exempt), test score, comment."""

    code: str
    name: str
    level: str
    test_score: Decimal | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Rating:
    """One primary quality or competency: its code, level T/Đ/C, and a comment."""

    code: str
    level: str
    comment: str | None = None


def _sorted_ratings(
    ratings: tuple[Rating, ...], order: list[str]
) -> tuple[Rating, ...]:
    rank = {code: i for i, code in enumerate(order)}
    return tuple(sorted(ratings, key=lambda r: rank.get(r.code, len(rank))))


@dataclass(frozen=True, slots=True)
class PrimaryResults:
    """The computed primary year (Circular 27/2020, Art. 9, 11, 13).

    Qualities and competencies are kept in the curriculum's order whatever order they
    were given in, so that two snapshots with the same ratings are equal.
    """

    subjects: tuple[PrimarySubject, ...]
    qualities: tuple[Rating, ...]
    competencies: tuple[Rating, ...]
    result: str
    completed: bool
    title: str | None = None
    promoted: bool | None = None

    def __post_init__(self) -> None:
        ordered_q = _sorted_ratings(self.qualities, list(QUALITIES))
        ordered_c = _sorted_ratings(self.competencies, list(COMPETENCIES))
        object.__setattr__(self, "qualities", ordered_q)
        object.__setattr__(self, "competencies", ordered_c)


@dataclass(frozen=True, slots=True)
class SecondarySubject:
    """One lower-secondary subject: term and year marks, re-test, comment, teacher."""

    code: str
    name: str
    term1: Mark
    term2: Mark
    year: Mark
    retest: Mark | None = None
    comment: str | None = None
    teacher: Person | None = None


@dataclass(frozen=True, slots=True)
class SecondaryResults:
    """The computed lower-secondary year (Circular 22/2021, Art. 8, 9, 12-15)."""

    subjects: tuple[SecondarySubject, ...]
    learning_term1: str
    learning_term2: str
    learning_year: str
    conduct_term1: str
    conduct_term2: str
    conduct_year: str
    retest_learning: str | None = None
    summer_conduct: str | None = None
    promoted: bool | None = None
    promotion_note: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One row of the study history (quá trình học tập)."""

    school_year: str
    class_name: str
    school_name: str
    province: str
    entry_date: date


@dataclass(frozen=True, slots=True)
class Issuance:
    """The issuance block the seal covers: number, date, place of the issuing line."""

    number: str
    date: date
    place: str


@dataclass(frozen=True, slots=True)
class Certificate:
    """A certificate (chứng chỉ) the form lists, with the date it was issued.

    Carried from packet version 1.1 (docs/packet.md, "Version 1.1")."""

    name: str
    issued_on: date | None = None


class RecordLevel(enum.StrEnum):
    """School level of the record; the value is the feed's level-group code."""

    PRIMARY = "02"
    SECONDARY = "03"


@dataclass(frozen=True, slots=True)
class RecordSnapshot:
    """One yearly record of one transcript, frozen at the moment it is packed."""

    lookup_code: str
    school_year: str
    grade: int
    class_name: str
    student: Student
    school: School
    results: PrimaryResults | SecondaryResults
    homeroom_teacher: Person
    leader: Leader
    absences_excused: int | None = None
    absences_unexcused: int | None = None
    absences_total: int | None = None
    commendation: str | None = None
    adhoc_commendation: str | None = None
    homeroom_comment: str | None = None
    register_number: str | None = None
    history: tuple[HistoryRow, ...] = field(default=())
    issuance: Issuance | None = None
    # Version 1.1 (docs/packet.md): a packet carrying none of these is written 1.0.
    height_cm: Decimal | None = None
    weight_kg: Decimal | None = None
    disability_not_assessed: bool | None = None
    contests: str | None = None
    certificates: tuple[Certificate, ...] = field(default=())

    @property
    def needs_version_1_1(self) -> bool:
        """Whether any field that version 1.0 cannot carry is present."""
        extra = (self.height_cm, self.weight_kg, self.disability_not_assessed)
        return any(v is not None for v in extra) or bool(
            self.contests or self.certificates
        )

    @property
    def level(self) -> RecordLevel:
        """Primary or lower secondary, from the kind of results."""
        if isinstance(self.results, PrimaryResults):
            return RecordLevel.PRIMARY
        return RecordLevel.SECONDARY

    def subject_teachers(self) -> tuple[Person, ...]:
        """The distinct subject teachers, in the order of their first subject."""
        if isinstance(self.results, PrimaryResults):
            return ()
        seen: dict[str, Person] = {}
        for subject in self.results.subjects:
            if subject.teacher is not None:
                seen.setdefault(subject.teacher.personal_id, subject.teacher)
        return tuple(seen.values())
