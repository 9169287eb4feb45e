"""Consent to the optional processing of a child's data (docs/privacy.md).

The transcript, its lookup, verification and access trail are kept because the
law requires them (the circulars make the transcript a permanent school record);
they need no consent and continue whatever is decided here. Two purposes are
optional and need the consent of the child's legal representative (Decree
13/2023/NĐ-CP, Art. 11 and 20; the Law on Personal Data Protection 2025 from
1/1/2026): e-mail notifications, and sharing with organisations through share
codes.

    decide(account, student, ConsentPurpose.SHARING, given=True)
    in_force(student, ConsentPurpose.SHARING)   # the newest decision, else False

Every decision is a new ``Consent`` row (who, when, the notice's version); the
newest row per child and purpose is in force, and nothing is ever assumed:
without a row there is no consent. Withdrawing sharing revokes the child's share
codes still open in the same transaction, so that a code handed out before opens
nothing after it.
"""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.portal.citizen.models import (
    CitizenAccount,
    Consent,
    ConsentPurpose,
    Guardianship,
    ShareCode,
)
from hocbaso.records.models import Student

# The version of the privacy notice on the parent's page (templates/citizen/
# _privacy_notice.html); a change of its text is a new version, kept with every
# decision taken under it.
NOTICE_VERSION = "2026-12-07"


# Decree 13/2023/NĐ-CP, Art. 20: a child's data (under 16, the Law on Children)
# are processed with the consent of a parent or guardian; a child may withdraw.
ADULT_AGE = 16


class ConsentError(Exception):
    """A decision refused, with a sentence for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def visible_students(personal_id: str):
    """The students a citizen decides for: themselves and the children they are
    recorded as parent or guardian of."""
    children = Guardianship.objects.filter(guardian_personal_id=personal_id)
    return Student.objects.filter(
        models.Q(personal_id=personal_id) | models.Q(pk__in=children.values("student"))
    ).order_by("full_name", "pk")


def _is_child_alone(account: CitizenAccount, student: Student, at) -> bool:
    """The pupil deciding for themselves while under ``ADULT_AGE``."""
    if account.personal_id != student.personal_id:
        return False
    born, today = student.date_of_birth, timezone.localdate(at)
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return age < ADULT_AGE


def in_force(student: Student | int, purpose: str) -> bool:
    """Whether the newest decision for this child and purpose gives consent."""
    student_id = getattr(student, "pk", student)
    newest = (
        Consent.objects.filter(student_id=student_id, purpose=purpose)
        .order_by("-at", "-pk")
        .values_list("given", flat=True)
        .first()
    )
    return bool(newest)


def decide(
    account: CitizenAccount,
    student: Student,
    purpose: str,
    *,
    given: bool,
    at: dt.datetime | None = None,
) -> Consent:
    """Record a decision; withdrawing sharing revokes the child's open codes."""
    at = at or timezone.now()
    if purpose not in ConsentPurpose.values:
        raise ConsentError(_("Unknown purpose of processing: %(p)s.") % {"p": purpose})
    if not visible_students(account.personal_id).filter(pk=student.pk).exists():
        raise ConsentError(_("You may not decide for this student."))
    if given and _is_child_alone(account, student, at):
        raise ConsentError(
            _(
                "A pupil under %(age)s does not give this consent alone: a parent "
                "or guardian gives it on their own page."
            )
            % {"age": ADULT_AGE}
        )
    with transaction.atomic():
        # One decision at a time per child, and none while a share code for the
        # child is being made (sharing.make_share takes the same lock).
        Student.objects.select_for_update().filter(pk=student.pk).first()
        row = Consent.objects.create(
            account=account,
            student=student,
            purpose=purpose,
            given=given,
            notice_version=NOTICE_VERSION,
            at=at,
        )
        if not given and purpose == ConsentPurpose.SHARING:
            ShareCode.objects.active(at).filter(transcript__student=student).update(
                revoked_at=at
            )
    return row


def current(students) -> dict[tuple[int, str], bool]:
    """(student id, purpose) → in force, for the parent's page."""
    return {(s.pk, p): in_force(s, p) for s in students for p in ConsentPurpose.values}


def history(students):
    return (
        Consent.objects.filter(student__in=students)
        .select_related("student", "account")
        .order_by("-at", "-pk")
    )
