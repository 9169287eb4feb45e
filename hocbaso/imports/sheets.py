"""The sheets the import reads and the templates write: their kinds and columns.

Every template sheet has two hidden rows above the header the clerk sees:

- row 1, the sheet's identity: ``hocbaso | <kind> | 1 | school | <code> | year |
  <name> | class | <name> | subject | <code>`` (the pairs a kind needs);
- row 2, one stable machine key per column (``student_code``, ``hk1_tx1``…);
- row 3, the header in Vietnamese; data from row 4.

Columns are found by their key, so a clerk may reorder or hide columns; a key
the sheet's kind does not know is a problem, as is a missing required one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from hocbaso.assessment import (
    COMPETENCIES,
    QUALITIES,
    Comment,
    Form,
    QualityLevel,
    Rank,
    SubjectLevel,
    SubjectSpec,
)
from hocbaso.imports import cells
from hocbaso.records.models import Enrollment

MARKER = "hocbaso"
VERSION = "1"
META_ROW, KEY_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4

CLASSES, STUDENTS, SUBJECT, RECORD, INSTRUCTIONS = (
    "classes",
    "students",
    "subject",
    "record",
    "instructions",
)
KINDS = (CLASSES, STUDENTS, SUBJECT, RECORD, INSTRUCTIONS)
TERMS = ("hk1", "hk2")

SUBJECT_LEVELS = tuple(level.value for level in SubjectLevel)
QUALITY_LEVELS = tuple(level.value for level in QualityLevel)
COMMENTS = tuple(comment.value for comment in Comment)
RANKS = tuple(rank.value for rank in Rank)
ENROLLMENT_KINDS = (
    Enrollment.Kind.ENROLLED.value,
    Enrollment.Kind.TRANSFERRED_IN.value,
)
SEXES = ("Nam", "Nữ", "Không rõ")


@dataclass(frozen=True)
class Column:
    """One column: its machine key, its header, how a cell of it is read."""

    key: str
    header: Any  # a lazy translated string
    read: Callable[[object], Any] = cells.text
    required: bool = False
    choices: tuple[str, ...] = ()  # a drop-down list in the template
    validation: str = ""  # a key of workbooks._RANGES, or "date"
    width: int = 14
    as_text: bool = False  # the template formats the column as text ("@")


def _choice(allowed: tuple[str, ...]) -> Callable[[object], str]:
    return lambda value: cells.choice(value, allowed)


STUDENT_CODE = Column(
    "student_code", _("Student code"), cells.code, True, width=16, as_text=True
)
FULL_NAME = Column("full_name", _("Full name"), lambda v: cells.text(v, 200), width=26)
SCHOOL_YEAR = Column(
    "school_year", _("School year"), lambda v: cells.code(v, 9), True, as_text=True
)
CLASS_NAME = Column("class_name", _("Class"), cells.code, True, as_text=True)
GRADE = Column(
    "grade", _("Grade"), lambda v: cells.whole(v, 1, 9), True, validation="whole"
)

CLASS_COLUMNS = (CLASS_NAME, GRADE, SCHOOL_YEAR)


def _text(key: str, header, length: int = 300, width: int = 20) -> Column:
    return Column(key, header, lambda v: cells.text(v, length), width=width)


def _name(key: str, header) -> Column:
    return Column(key, header, cells.name, width=20)


STUDENT_COLUMNS = (
    STUDENT_CODE,
    Column(
        "personal_id",
        _("Personal identification number"),
        cells.personal_id,
        True,
        width=16,
        as_text=True,
    ),
    Column("full_name", _("Full name"), cells.name, True, width=26),
    Column("date_of_birth", _("Date of birth"), cells.date, True, validation="date"),
    Column("sex", _("Sex"), cells.sex, True, choices=SEXES, width=10),
    _text("ethnicity", _("Ethnicity"), 50, 12),
    _text("nationality", _("Nationality"), 50, 12),
    _text("place_of_birth", _("Place of birth")),
    _text("home_town", _("Home town")),
    _text("current_address", _("Current address"), width=30),
    _name("father_name", _("Father's name")),
    _text("father_occupation", _("Father's occupation"), 100),
    _name("mother_name", _("Mother's name")),
    _text("mother_occupation", _("Mother's occupation"), 100),
    _name("guardian_name", _("Guardian's name")),
    _text("guardian_occupation", _("Guardian's occupation"), 100),
    _text("policy_category", _("Policy category"), 100),
    SCHOOL_YEAR,
    CLASS_NAME,
    GRADE,
    Column("start_date", _("In the class from"), cells.date, validation="date"),
    Column(
        "kind",
        _("Enrollment (enrolled / transferred_in)"),
        _choice(ENROLLMENT_KINDS),
        choices=ENROLLMENT_KINDS,
        width=16,
    ),
    _text("source_school_name", _("Previous school (transfer in)"), 200),
    Column(
        "register_number",
        _("Register number"),
        lambda v: cells.text(v, 20),
        as_text=True,
    ),
)

EXEMPT = Column("exempt", _("Exempt (x)"), cells.flag, choices=("x",), width=9)


def _term_header(term: str, what, level: str = "secondary") -> str:
    # Primary keeps the end of term I and the end of the year (Circular 27,
    # Art. 6); lower secondary assesses each of the two terms (Circular 22).
    if level == "primary":
        label = _("End of term I") if term == "hk1" else _("End of year")
    else:
        label = _("Term I") if term == "hk1" else _("Term II")
    return f"{label} · {what}"


def subject_columns(spec: SubjectSpec) -> tuple[Column, ...]:
    """The columns of one subject's sheet, for the subject of one grade."""
    columns = [STUDENT_CODE, FULL_NAME, EXEMPT]
    for term in TERMS:
        if spec.form is Form.LEVEL:
            columns.extend(_primary_term(spec, term))
        else:
            columns.extend(_secondary_term(spec, term))
        level = "primary" if spec.form is Form.LEVEL else "secondary"
        columns.append(
            Column(
                f"{term}_comment",
                _term_header(term, _("Comment"), level),
                lambda v: cells.text(v, 1000),
                width=30,
            )
        )
    return tuple(columns)


def _primary_term(spec: SubjectSpec, term: str) -> list[Column]:
    # Circular 27, Art. 6-7: a level T / H / C; the tested subjects also write
    # the test score, a whole number 1-10.
    columns = [
        Column(
            f"{term}_level",
            _term_header(term, _("Level (T/H/C)"), "primary"),
            _choice(SUBJECT_LEVELS),
            choices=SUBJECT_LEVELS,
        )
    ]
    if spec.has_test:
        columns.append(
            Column(
                f"{term}_score",
                _term_header(term, _("Test score"), "primary"),
                lambda v: cells.whole(v, 1, 10),
                validation="test_score",
            )
        )
    return columns


def _secondary_term(spec: SubjectSpec, term: str) -> list[Column]:
    # Circular 22, Art. 7: the regular assessments (count from the periods per
    # year), one mid-term and one end-of-term; scores or Đ / CĐ.
    if spec.form is Form.SCORE:
        read, choices, validation = cells.score, (), "score"
    else:
        read, choices, validation = _choice(COMMENTS), COMMENTS, ""
    labels = [
        (f"{term}_tx{n}", _("Regular %(n)s") % {"n": n})
        for n in range(1, spec.regular_count + 1)
    ]
    labels += [(f"{term}_gk", _("Mid-term")), (f"{term}_ck", _("End of term"))]
    return [
        Column(key, _term_header(term, label), read, choices=choices, validation=v)
        for key, label, v in ((k, lab, validation) for k, lab in labels)
    ]


def _rating(prefix: str, code: str, name: str) -> tuple[Column, Column]:
    return (
        Column(
            f"{prefix}_{code}",
            f"{name} (T/Đ/C)",
            _choice(QUALITY_LEVELS),
            choices=QUALITY_LEVELS,
        ),
        Column(
            f"{prefix}_{code}_comment",
            f"{name} · {_('Comment')}",
            lambda v: cells.text(v, 1000),
            width=24,
        ),
    )


def _free(key: str, header, length: int, read=cells.free_text) -> Column:
    return Column(key, header, lambda v: read(v, header, length), width=24)


# What the form prints beside the results and the national feed carries (packet 1.1,
# docs/packet.md); optional, so a workbook made before them still imports.
FORM_COLUMNS = (
    Column(
        "absences_excused",
        _("Days absent with permission"),
        lambda v: cells.whole(v, 0, 366),
        validation="days",
    ),
    Column(
        "absences_unexcused",
        _("Days absent without permission"),
        lambda v: cells.whole(v, 0, 366),
        validation="days",
    ),
    Column(
        "height_cm",
        _("Height (cm)"),
        lambda v: cells.measure(v, 1, 250),
        validation="height",
    ),
    Column(
        "weight_kg",
        _("Weight (kg)"),
        lambda v: cells.measure(v, 1, 200),
        validation="weight",
    ),
    Column(
        "disability_not_assessed",
        _("Disability, not assessed (x)"),
        cells.flag,
        choices=("x",),
    ),
    _free("foreign_language", _("Foreign language 1"), 40),
    _free("certificates", _("Certificates"), 2000, cells.text_lines),
    _free("contests", _("Awards / contest prizes"), 2000),
)


def record_columns(level: str) -> tuple[Column, ...]:
    """The columns of a class's sheet of whole-record data, for its level."""
    columns = [STUDENT_CODE, FULL_NAME]
    if level == "primary":
        for prefix, names in (("q", QUALITIES), ("c", COMPETENCIES)):
            for code, name in names.items():
                columns.extend(_rating(prefix, code, name))
        columns += [
            Column(
                "class_recognition",
                _("Recognised by the class (x)"),
                cells.flag,
                choices=("x",),
            ),
            _text("class_recognition_note", _("Recognition note"), 1000, 24),
            Column(
                "supplementary_assessed",
                _("Re-assessed after the summer (x)"),
                cells.flag,
                choices=("x",),
            ),
        ]
    else:
        columns += [
            Column(
                f"conduct_{term}",
                _term_header(term, _("Conduct (T/K/Đ/CĐ)")),
                _choice(RANKS),
                choices=RANKS,
            )
            for term in TERMS
        ]
        columns += [
            Column(
                "absences",
                _("Absences (sessions)"),
                lambda v: cells.whole(v, 0, 400),
                validation="whole",
            ),
            _text("retest", _("Re-test results (TOAN=5.5; NV=6)"), 200, 24),
            Column(
                "summer_conduct",
                _("Conduct after summer training"),
                _choice(RANKS),
                choices=RANKS,
            ),
        ]
    columns += [
        *FORM_COLUMNS,
        _text("homeroom_comment", _("Homeroom teacher's comment"), 2000, 30),
        _text("ad_hoc_commendations", _("Ad-hoc commendations"), 1000, 24),
    ]
    return tuple(columns)
