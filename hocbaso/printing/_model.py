"""The printout as plain data for the template: cover, identity page, study history.

The template only lays out; every value arrives here already written as the form
writes it (words for codes, decimal commas, Vietnamese dates). The per-year pages are
built by _primary and _secondary.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hocbaso.packet import RecordSnapshot, Student
from hocbaso.printing import _format as F
from hocbaso.printing.marks import SignatureMark
from hocbaso.signing import Role

# Blank rows of the study-history table, pre-printed "20… - 20…" (forms.md §2.3,
# §3.4): primary has five school years, lower secondary four.
HISTORY_ROWS = {"primary": 5, "secondary": 4}


class Marks:
    """The signature marks of one yearly record, looked up by role."""

    def __init__(self, marks: Sequence[SignatureMark]) -> None:
        self._marks = tuple(marks)

    def of(self, role: Role) -> dict[str, str] | None:
        """The last mark of a role (a re-signature replaces the earlier one)."""
        found = [m for m in self._marks if m.role is role]
        return to_json(found[-1]) if found else None

    def of_teacher(self, personal_id: str, name: str) -> dict[str, str] | None:
        """A subject teacher's mark, by personal id, else by name."""
        teachers = [m for m in self._marks if m.role is Role.SUBJECT_TEACHER]
        for mark in reversed(teachers):
            if mark.identifier == personal_id or (
                not mark.identifier and mark.name == name
            ):
                return to_json(mark)
        return None


def to_json(mark: SignatureMark) -> dict[str, str]:
    """A mark as the template prints it, its time in Vietnam time."""
    return {
        "name": mark.name,
        "time": F.time_text(mark.signed_at),
        "issuer": mark.issuer,
    }


def leader_block(page: RecordSnapshot, marks: Marks) -> dict[str, Any]:
    """The principal's (or deputy's) block: title lines, name, signature and seal."""
    return {
        "title": F.title_lines(page.leader.title),
        "name": page.leader.name,
        "mark": marks.of(Role.LEADER),
        "seal": marks.of(Role.SEAL),
    }


def homeroom_block(page: RecordSnapshot, marks: Marks) -> dict[str, Any]:
    """The homeroom teacher's block: name and signature."""
    return {"name": page.homeroom_teacher.name, "mark": marks.of(Role.HOMEROOM_TEACHER)}


def cover(level: str, latest: RecordSnapshot) -> dict[str, Any]:
    """The cover: school and its commune and province, the student's name.

    The lower-secondary form prints "TRƯỜNG THCS: …": a school name that already
    starts with "Trường THCS" is printed without it [decision].
    """
    school = latest.school.name
    label = "TRƯỜNG:"
    if level == "secondary" and school.casefold().startswith("trường thcs "):
        label, school = "TRƯỜNG THCS:", school[len("Trường THCS ") :]
    register = latest.register_number or ""
    if level == "secondary" and register and "/" not in register:
        register += "/THCS"
    return {
        "school_label": label,
        "school": school,
        "commune": F.text(latest.school.commune),
        "province": F.text(latest.school.province),
        "student": latest.student.full_name,
        "register": register,
    }


def identity(latest: RecordSnapshot, marks: Marks) -> dict[str, Any]:
    """The identity page as the latest record has it [decision: the printout shows
    the transcript as it stands, confirmed by the latest record's principal]."""
    student: Student = latest.student
    return {
        "name": student.full_name,
        "personal_id": student.personal_id,
        "sex": F.SEX_WORDS.get(student.sex, ""),
        "birth_date": F.date_text(student.birth_date),
        "ethnicity": student.ethnicity,
        "nationality": student.nationality,
        "birthplace": student.birthplace,
        "home_town": F.text(student.home_town),
        "address": F.text(student.address),
        "policy": F.text(student.policy_category),
        "father": F.text(student.father_name),
        "father_job": F.text(student.father_occupation),
        "mother": F.text(student.mother_name),
        "mother_job": F.text(student.mother_occupation),
        "guardian": F.text(student.guardian_name),
        "guardian_job": F.text(student.guardian_occupation),
        "date": F.date_line(latest.issuance),
        "leader": leader_block(latest, marks),
    }


def history(
    level: str, pages: Sequence[RecordSnapshot], marks: Sequence[Marks]
) -> list[dict[str, Any]]:
    """The study history: the rows the records carry and one per printed year.

    A printed year's row names its school, register number and principal; a row
    only in the history keeps what the history says. Rows are sorted by school
    year, then padded with blank rows up to the form's count.
    """
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for page in pages:
        for past in page.history:
            rows[(past.school_year, past.class_name)] = {
                "year": past.school_year,
                "class": past.class_name,
                "school": past.school_name,
                "province": past.province,
                "register": "",
                "entry": F.date_text(past.entry_date),
                "leader": "",
                "mark": None,
            }
    for page, page_marks in zip(pages, marks, strict=True):
        key = (page.school_year, page.class_name)
        row = rows.get(key, {"entry": ""})
        rows[key] = {
            **row,
            "year": page.school_year,
            "class": page.class_name,
            "school": page.school.name,
            "province": F.text(page.school.province) or row.get("province", ""),
            "register": F.text(page.register_number),
            "leader": page.leader.name,
            "mark": page_marks.of(Role.LEADER),
        }
    ordered = [rows[key] for key in sorted(rows)]
    blanks = max(0, HISTORY_ROWS[level] - len(ordered))
    return ordered + [{"blank": True}] * blanks
