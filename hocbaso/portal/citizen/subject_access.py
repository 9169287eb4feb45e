"""The data subject's access request: everything hocbaso holds about one student,
as JSON, for the student or their parent (Decree 13/2023/NĐ-CP, Art. 9 and 14;
the Law on Personal Data Protection 2025; docs/privacy.md).

    data = export(account, student, request=request)

What is included, per table group of docs/privacy.md: the pupil's identity; the
guardians (names and relations; a personal identification number only the
requester's own); each transcript with its lookup code and every yearly record
with its standing in the registry and the record as the school signed it (parsed
from the packet, with its SHA-256); the access trail; the share codes made for
the child (never their digests) and their uses; the consents; the requests to
correct a record. Staff members' personal ids are not the student's data and are
left out (``registry.snapshot_data``).

The export itself is audited: one ``export`` access event per transcript, in the
same transaction as the reading, so the family sees it in the access list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hocbaso.portal import purposes
from hocbaso.portal.audit import events_about, record_access
from hocbaso.portal.citizen.consent import visible_students
from hocbaso.portal.citizen.models import (
    CitizenAccount,
    Consent,
    Guardianship,
    ParentRequest,
    ShareCode,
)
from hocbaso.portal.citizen.registry import signed_snapshot, snapshot_data, standings
from hocbaso.portal.models import AccessAction, ActorKind
from hocbaso.records.models import Student, Transcript

FORMAT = "hocbaso-subject-access/1"
# A stable code, shown by its label in the access list (hocbaso.portal.purposes).
PURPOSE = purposes.SUBJECT_ACCESS


class SubjectAccessError(Exception):
    pass


def export(
    account: CitizenAccount,
    student_id: int,
    *,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Everything held about the student; audited. Raises ``SubjectAccessError``
    when the account may not read the student (the same for one that does not
    exist)."""
    now = now or timezone.now()
    student = visible_students(account.personal_id).filter(pk=student_id).first()
    if student is None:
        raise SubjectAccessError(student_id)
    transcripts = list(
        Transcript.objects.filter(student=student)
        .select_related("school")
        .order_by("level", "pk")
    )
    with transaction.atomic():
        data = {
            "format": FORMAT,
            "generated_at": now.isoformat(),
            "requested_by": _requester(account, student),
            "student": _identity(student),
            "guardians": _guardians(student, account),
            "transcripts": [_transcript(t) for t in transcripts],
            "access_trail": _trail(transcripts),
            "share_codes": _shares(student, account),
            "consents": _consents(student, account),
            "correction_requests": _requests(student),
        }
        for transcript in transcripts:
            record_access(
                request,
                action=AccessAction.EXPORT,
                transcript=transcript,
                actor_kind=ActorKind.CITIZEN,
                purpose=PURPOSE,
                detail={"purpose": PURPOSE, "student": student.pk},
                at=now,
            )
    return data


def _requester(account: CitizenAccount, student: Student) -> dict[str, Any]:
    own = student.personal_id == account.personal_id
    return {
        "name": account.full_name,
        "personal_id": account.personal_id,
        "as": "student" if own else "parent or guardian",
    }


def _identity(student: Student) -> dict[str, Any]:
    fields = [f for f in student._meta.concrete_fields if not f.is_relation]
    return {
        f.name: _plain(getattr(student, f.name))
        for f in fields
        if f.name not in ("id",)
    }


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def _guardians(student: Student, account: CitizenAccount) -> list[dict[str, Any]]:
    rows = Guardianship.objects.filter(student=student).order_by("relation", "pk")
    return [
        {
            "name": g.guardian_name,
            "relation": g.relation,
            # another guardian's number is their personal data, not the child's
            "personal_id": g.guardian_personal_id
            if g.guardian_personal_id == account.personal_id
            else None,
            "recorded_at": g.created_at.isoformat(),
        }
        for g in rows
    ]


def _transcript(transcript: Transcript) -> dict[str, Any]:
    records = transcript.yearly_records.select_related(
        "school_year", "school", "school_class"
    ).order_by("school_year__start_date", "pk")
    return {
        "level": transcript.level,
        "lookup_code": transcript.lookup_code,
        "managing_school": transcript.school.name,
        "records": [_record(st) for st in standings(records)],
    }


def _record(st) -> dict[str, Any]:
    record = st.record
    item: dict[str, Any] = {
        "school_year": record.school_year.name,
        "grade": record.grade,
        "school": record.school.name,
        "class": record.school_class.name,
        "standing": str(st.standing),
        "standing_text": st.words,
        "signed": None,
        "packet_sha256": None,
    }
    if st.submission is not None:
        snapshot = signed_snapshot(st.submission)
        item["signed"] = snapshot_data(snapshot) if snapshot is not None else None
        item["packet_sha256"] = st.submission.blob_id
    return item


def _trail(transcripts: list[Transcript]) -> list[dict[str, Any]]:
    # A school page's one event for a class counts for each pupil it showed.
    events = events_about([t.pk for t in transcripts]).order_by("at", "pk")
    return [
        {
            "at": e.at.isoformat(),
            "action": e.action,
            "who": e.actor_kind,
            "who_label": e.actor_label,
            "organisation": e.organisation,
            "purpose": e.purpose,
        }
        for e in events
    ]


def _shares(student: Student, account: CitizenAccount) -> list[dict[str, Any]]:
    rows = (
        ShareCode.objects.filter(transcript__student=student)
        .prefetch_related("uses__event", "records__school_year")
        .order_by("created_at", "pk")
    )
    return [
        {
            "first_characters": s.hint,
            "made_by_you": s.account_id == account.pk,
            "given_to": s.recipient,
            "school_years": sorted(r.school_year.name for r in s.records.all()),
            "made_at": s.created_at.isoformat(),
            "expires_at": s.expires_at.isoformat(),
            "revoked_at": s.revoked_at.isoformat() if s.revoked_at else None,
            "uses": [
                {"at": u.event.at.isoformat(), "organisation": u.event.organisation}
                for u in s.uses.all()
            ],
        }
        for s in rows
    ]


def _consents(student: Student, account: CitizenAccount) -> list[dict[str, Any]]:
    rows = Consent.objects.filter(student=student).order_by("at", "pk")
    return [
        {
            "purpose": c.purpose,
            "given": c.given,
            "notice_version": c.notice_version,
            "at": c.at.isoformat(),
            "by_you": c.account_id == account.pk,
        }
        for c in rows
    ]


def _requests(student: Student) -> list[dict[str, Any]]:
    rows = ParentRequest.objects.filter(record__transcript__student=student)
    return [
        {
            "school_year": r.record.school_year.name,
            "reason": r.reason,
            "state": r.state,
            "asked_at": r.asked_at.isoformat(),
            "answer": r.answer,
            "answered_at": r.answered_at.isoformat() if r.answered_at else None,
        }
        for r in rows.select_related("record__school_year").order_by("asked_at")
    ]
