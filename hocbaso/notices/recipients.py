"""Who is told: families by their preferences, earlier readers by the address they
left with a lookup, staff by their appointments (docs/notices.md, "To whom").

Recipients are found when the task runs, not when the event happened: a parent
whose guardianship was removed meanwhile, or who switched a kind off, is not told.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import F, Min
from django.utils import timezone

from hocbaso.notices.models import Preference
from hocbaso.portal.citizen.models import Consent, ConsentPurpose, Guardianship
from hocbaso.portal.models import AccessAction, AccessEvent, ActorKind
from hocbaso.records.models import Appointment, Role, School, SchoolYear, Transcript

SCHOOL_ROLES = (Role.PRINCIPAL, Role.CLERK)
# Reads by someone holding the code (the lookup page, the API, a copy checked).
READER_ACTIONS = (
    AccessAction.VIEW,
    AccessAction.DOWNLOAD,
    AccessAction.API,
    AccessAction.VERIFY,
)
READER_KINDS = (ActorKind.ANONYMOUS, ActorKind.API)
CONTACT = "contact"  # the key of the address in a lookup's audit detail
# Anyone holding the code can leave an address with each lookup: a correction
# tells at most this many (the earliest readers), so that it cannot be turned into
# a mailing to a list of someone's choosing.
MAX_READERS = 50


@dataclass(frozen=True)
class Reader:
    address: str
    first_at: dt.datetime


def family(transcripts: Iterable[Transcript], kind: str) -> dict[int, list]:
    """Per transcript pk, the preferences (student's own, parents') taking ``kind``.

    Only children whose consent to e-mail notifications is in force
    (docs/privacy.md: optional processing of a child's data). Keyed by the
    student's row, never by a personal id alone: students without one must not
    share their parents."""
    of_student: dict[int, set[int]] = defaultdict(set)
    people: dict[str, set[int]] = defaultdict(set)  # personal id → student pks
    transcripts = list(transcripts)
    consented = consenting({t.student_id for t in transcripts})
    for t in transcripts:
        if t.student_id not in consented:
            continue  # no consent to notifications in force for this child
        of_student[t.student_id].add(t.pk)
        if t.student.personal_id:
            people[t.student.personal_id].add(t.student_id)
    guardians = Guardianship.objects.filter(student_id__in=list(of_student))
    for personal_id, student_id in guardians.values_list(
        "guardian_personal_id", "student_id"
    ):
        people[personal_id].add(student_id)
    wanted = Preference.objects.filter(
        account__personal_id__in=list(people), **{kind: True}
    ).exclude(email="")
    wanted = wanted.filter(confirmed=F("email"))  # typed back the mailed code
    found: dict[int, list] = defaultdict(list)
    for pref in wanted.select_related("account"):
        for student_id in people[pref.account.personal_id]:
            for transcript_pk in of_student[student_id]:
                found[transcript_pk].append(pref)
    return found


def consenting(student_ids: set[int]) -> set[int]:
    """The students whose newest decision on notifications gives consent, as
    ``consent.in_force`` reads it, in one query for a whole school."""
    rows = (
        Consent.objects.filter(
            student_id__in=student_ids, purpose=ConsentPurpose.NOTIFICATIONS
        )
        .order_by("student_id", "-at", "-pk")
        .values_list("student_id", "given")
    )
    newest: dict[int, bool] = {}
    for student_id, given in rows:
        newest.setdefault(student_id, given)
    return {student_id for student_id, given in newest.items() if given}


def readers(transcript_id: int, before: dt.datetime) -> list[Reader]:
    """The addresses left with lookups of the transcript before ``before``."""
    rows = (
        AccessEvent.objects.filter(
            transcript_id=transcript_id,
            at__lt=before,
            action__in=READER_ACTIONS,
            actor_kind__in=READER_KINDS,
            detail__has_key=CONTACT,
        )
        .values("detail__contact")
        .annotate(first_at=Min("at"))
    )
    found: dict[str, dt.datetime] = {}
    for row in rows:
        address = str(row["detail__contact"] or "").strip().lower()
        if not _is_address(address):
            continue  # the lookup form checks it; an older row may not be one
        if address not in found or row["first_at"] < found[address]:
            found[address] = row["first_at"]
    earliest = sorted(found.items(), key=lambda item: (item[1], item[0]))
    return [Reader(a, at) for a, at in earliest[:MAX_READERS]]


def _is_address(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def school_staff(school: School, *, also=None) -> list:
    """The school's principal and clerks of the running years (and ``also``)."""
    users = {
        a.person.user
        for a in _appointments().filter(school=school, role__in=SCHOOL_ROLES)
    }
    if also is not None:
        users.add(also)
    return _with_address(users)


def approvers(school: School, approver: str) -> list:
    """The officers who decide the school's corrections (``approver``: department
    or unit, as ``HOCBASO_CORRECTION_APPROVER``)."""
    if approver == "unit":
        unit = school.unit_on(timezone.localdate())
        rows = _appointments().filter(role=Role.UNIT_OFFICER, unit=unit)
    else:
        rows = _appointments().filter(
            role=Role.DEPARTMENT_OFFICER, department_id=school.department_id
        )
    return _with_address({a.person.user for a in rows})


def _appointments():
    years = SchoolYear.objects.active(timezone.localdate())
    return Appointment.objects.filter(
        school_year__in=years, person__user__is_active=True
    ).select_related("person__user")


def _with_address(users) -> list:
    return sorted((u for u in users if u is not None and u.email), key=lambda u: u.pk)
