"""The curriculum of each grade: its subjects, and how each is assessed.

Primary: Circular 27/2020/TT-BGDĐT (domain.md §3.1). Lower secondary: Circular
22/2021/TT-BGDĐT with the 2018 general-education programme (domain.md §4.1).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from hocbaso.assessment import decisions


class Level(enum.StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


class Form(enum.StrEnum):
    """How a subject is assessed."""

    LEVEL = "level"  # primary: T / H / C, maybe with an end-of-year test score
    SCORE = "score"  # lower secondary: scores 0-10, averages
    COMMENT = "comment"  # lower secondary: Đ / CĐ


@dataclass(frozen=True, slots=True)
class SubjectSpec:
    """One subject or educational activity of one grade."""

    code: str
    name: str
    form: Form
    optional: bool = False
    # Primary: the end-of-year test score is written in the transcript.
    has_test: bool = False
    # Lower secondary: periods per year, from which the regular count follows.
    periods: int = 0

    @property
    def regular_count(self) -> int:
        """Number of regular assessments (ĐĐGtx) per term: Circular 22, Art. 7.2."""
        if self.periods <= 35:
            return 2
        if self.periods <= 70:
            return 3
        return 4


# (code, name) of every primary subject, in the order of the form.
PRIMARY_SUBJECT_NAMES: dict[str, str] = {
    "TV": "Tiếng Việt",
    "TOAN": "Toán",
    "NN1": "Ngoại ngữ 1",
    "DD": "Đạo đức",
    "TNXH": "Tự nhiên và Xã hội",
    "LSDL": "Lịch sử và Địa lí",
    "KH": "Khoa học",
    "THCN": "Tin học và Công nghệ",
    "GDTC": "Giáo dục thể chất",
    "AN": "Âm nhạc",
    "MT": "Mĩ thuật",
    "HDTN": "Hoạt động trải nghiệm",
    "TDT": "Tiếng dân tộc thiểu số",
}

SECONDARY_SUBJECT_NAMES: dict[str, str] = {
    "NV": "Ngữ văn",
    "TOAN": "Toán",
    "NN1": "Ngoại ngữ 1",
    "GDCD": "Giáo dục công dân",
    "LSDL": "Lịch sử và Địa lí",
    "KHTN": "Khoa học tự nhiên",
    "CN": "Công nghệ",
    "TIN": "Tin học",
    "GDTC": "Giáo dục thể chất",
    "AN": "Âm nhạc",
    "MT": "Mĩ thuật",
    "HDTN": "Hoạt động trải nghiệm, hướng nghiệp",
    "GDDP": "Nội dung giáo dục của địa phương",
    "TDT": "Tiếng dân tộc thiểu số",
    "NN2": "Ngoại ngữ 2",
}

# The 5 qualities and 10 competencies of primary school (Circular 27, Art. 6).
QUALITIES: dict[str, str] = {
    "YN": "Yêu nước",
    "NA": "Nhân ái",
    "CC": "Chăm chỉ",
    "TTH": "Trung thực",
    "TN": "Trách nhiệm",
}
GENERAL_COMPETENCIES: dict[str, str] = {
    "TCTH": "Tự chủ và tự học",
    "GTHT": "Giao tiếp và hợp tác",
    "GQVD": "Giải quyết vấn đề và sáng tạo",
}
SPECIFIC_COMPETENCIES: dict[str, str] = {
    "NN": "Ngôn ngữ",
    "TT": "Tính toán",
    "KH": "Khoa học",
    "CN": "Công nghệ",
    "TH": "Tin học",
    "TM": "Thẩm mĩ",
    "TC": "Thể chất",
}
COMPETENCIES: dict[str, str] = {**GENERAL_COMPETENCIES, **SPECIFIC_COMPETENCIES}

# Primary, domain.md §3.1: ✔ compulsory, "opt" optional, absent = not taught.
# Tested subjects (end-of-year test score in the transcript): TV, TOAN, NN1
# (grades 3-5), LSDL, KH, THCN.
_PRIMARY_GRID: dict[str, tuple[str, str, str, str, str]] = {
    "TV": ("x", "x", "x", "x", "x"),
    "TOAN": ("x", "x", "x", "x", "x"),
    "NN1": ("opt", "opt", "x", "x", "x"),
    "DD": ("x", "x", "x", "x", "x"),
    "TNXH": ("x", "x", "x", "-", "-"),
    "LSDL": ("-", "-", "-", "x", "x"),
    "KH": ("-", "-", "-", "x", "x"),
    "THCN": ("-", "-", "x", "x", "x"),
    "GDTC": ("x", "x", "x", "x", "x"),
    "AN": ("x", "x", "x", "x", "x"),
    "MT": ("x", "x", "x", "x", "x"),
    "HDTN": ("x", "x", "x", "x", "x"),
    "TDT": ("opt", "opt", "opt", "opt", "opt"),
}
_PRIMARY_TESTED = frozenset({"TV", "TOAN", "NN1", "LSDL", "KH", "THCN"})

# Lower secondary, domain.md §4.1: (form, optional) and periods per year by grade.
_SECONDARY_SUBJECTS: dict[str, tuple[Form, bool]] = {
    "NV": (Form.SCORE, False),
    "TOAN": (Form.SCORE, False),
    "NN1": (Form.SCORE, False),
    "GDCD": (Form.SCORE, False),
    "LSDL": (Form.SCORE, False),
    "KHTN": (Form.SCORE, False),
    "CN": (Form.SCORE, False),
    "TIN": (Form.SCORE, False),
    "GDTC": (Form.COMMENT, False),
    "AN": (Form.COMMENT, False),
    "MT": (Form.COMMENT, False),
    "HDTN": (Form.COMMENT, False),
    "GDDP": (Form.COMMENT, False),
    "TDT": (Form.SCORE, True),
    "NN2": (Form.SCORE, True),
}


class CurriculumError(ValueError):
    """A level or grade that has no curriculum."""


def _primary(grade: int) -> tuple[SubjectSpec, ...]:
    specs = []
    for code, row in _PRIMARY_GRID.items():
        mark = row[grade - 1]
        if mark == "-":
            continue
        optional = mark == "opt"
        specs.append(
            SubjectSpec(
                code=code,
                name=PRIMARY_SUBJECT_NAMES[code],
                form=Form.LEVEL,
                optional=optional,
                # Optional subjects get a level but no score [decision].
                has_test=code in _PRIMARY_TESTED
                and (decisions.OPTIONAL_SUBJECTS_HAVE_TEST_SCORE or not optional),
            )
        )
    return tuple(specs)


def _periods(code: str, grade: int) -> int:
    periods = decisions.SECONDARY_PERIODS_PER_YEAR[code]
    return periods[grade] if isinstance(periods, dict) else periods


def _secondary(grade: int) -> tuple[SubjectSpec, ...]:
    return tuple(
        SubjectSpec(
            code=code,
            name=SECONDARY_SUBJECT_NAMES[code],
            form=form,
            optional=optional,
            periods=_periods(code, grade),
        )
        for code, (form, optional) in _SECONDARY_SUBJECTS.items()
    )


def curriculum(level: Level | str, grade: int) -> tuple[SubjectSpec, ...]:
    """The subjects and activities of a grade, compulsory and optional, in form order.

    Raises ``CurriculumError`` for a level/grade pair that does not exist
    (primary is grades 1-5, lower secondary 6-9).
    """
    if type(grade) is int and (type(level) is Level or type(level) is str):
        specs = _CURRICULA.get((str(level), grade))
        if specs is not None:
            return specs
    try:
        level = Level(level)
    except ValueError:
        raise CurriculumError(f"unknown level {level!r}") from None
    if level is Level.PRIMARY and 1 <= grade <= 5:
        return _primary(grade)
    if level is Level.SECONDARY and 6 <= grade <= 9:
        return _secondary(grade)
    raise CurriculumError(f"{level.value} has no grade {grade}")


# Every curriculum, built once: tuples of frozen dataclasses, immutable.
_CURRICULA: dict[tuple[str, int], tuple[SubjectSpec, ...]] = {
    **{(Level.PRIMARY.value, grade): _primary(grade) for grade in range(1, 6)},
    **{(Level.SECONDARY.value, grade): _secondary(grade) for grade in range(6, 10)},
}


def level_of_grade(grade: int) -> Level:
    """Primary for grades 1-5, lower secondary for 6-9."""
    if 1 <= grade <= 5:
        return Level.PRIMARY
    if 6 <= grade <= 9:
        return Level.SECONDARY
    raise CurriculumError(f"no school level has grade {grade}")
