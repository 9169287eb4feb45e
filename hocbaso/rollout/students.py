"""A class's students on its dashboard: each record's state in the school and in
the registry, never its content (docs/rollout.md, "Pages" and "Who sees what").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import (
    Enrollment,
    RecordStatus,
    Round,
    SchoolClass,
    SignatureStep,
    SignerRole,
    YearlyRecord,
)
from hocbaso.registry.models import Submission


@dataclass(frozen=True)
class StudentRow:
    student_code: str
    name: str
    status: str
    status_label: str
    round: str
    round_label: str
    teachers: bool
    principal: bool
    sealed: bool
    registry: str
    registry_label: str

    @property
    def marks(self) -> tuple[bool, bool, bool]:
        return (self.teachers, self.principal, self.sealed)


REGISTRY_STATES = {
    "locked": _("Locked (effective)"),
    "accepted": _("Accepted"),
    "withdrawn": _("Submitted, then revoked"),
    "none": _("Not submitted"),
    "no_record": _("No yearly record"),
}


def class_students(school_class: SchoolClass) -> list[StudentRow]:
    """Every student of the class: the record's state, never its content."""
    submissions = Submission.objects.filter(record=OuterRef("pk"))
    current = submissions.filter(state=Submission.State.ACCEPTED)

    def step(role):
        return Exists(SignatureStep.objects.filter(record=OuterRef("pk"), role=role))

    records = (
        YearlyRecord.objects.filter(school_class=school_class)
        .annotate(
            has_teachers=step(SignerRole.HOMEROOM_TEACHER),
            has_principal=step(SignerRole.LEADER),
            has_seal=step(SignerRole.SEAL),
            any_submission=Exists(submissions),
            is_current=Exists(current),
            is_locked=Exists(current.filter(locked_at__isnull=False)),
        )
        .values(
            "transcript__student_id",
            "transcript__student__student_code",
            "transcript__student__full_name",
            "status",
            "round",
            "has_teachers",
            "has_principal",
            "has_seal",
            "any_submission",
            "is_current",
            "is_locked",
        )
    )
    rows = [_student_row(r) for r in records]
    with_record = {r["transcript__student_id"] for r in records}
    enrolled = (
        Enrollment.objects.filter(school_class=school_class)
        .exclude(kind=Enrollment.Kind.TRANSFERRED_OUT)
        .exclude(student_id__in=with_record)
        .values("student__student_code", "student__full_name")
        .distinct()
    )
    rows += [
        StudentRow(
            e["student__student_code"],
            e["student__full_name"],
            "",
            "",
            "",
            "",
            False,
            False,
            False,
            "no_record",
            str(REGISTRY_STATES["no_record"]),
        )
        for e in enrolled
    ]
    return sorted(rows, key=lambda r: (_name_key(r.name), r.student_code))


def _name_key(name: str) -> tuple[str, str]:
    # Vietnamese lists sort by given name (the last word), then the whole name.
    return (name.split()[-1] if name.split() else "", name)


def _student_row(r: dict) -> StudentRow:
    if r["is_locked"]:
        state = "locked"
    elif r["is_current"]:
        state = "accepted"
    elif r["any_submission"]:
        state = "withdrawn"
    else:
        state = "none"
    return StudentRow(
        r["transcript__student__student_code"],
        r["transcript__student__full_name"],
        r["status"],
        str(RecordStatus(r["status"]).label),
        r["round"],
        str(Round(r["round"]).label) if r["round"] else str(_("Not yet assessed")),
        r["has_teachers"],
        r["has_principal"],
        r["has_seal"],
        state,
        str(REGISTRY_STATES[state]),
    )
