"""The bodies of the notices' tasks: find the recipients, word the message, send
each once (docs/notices.md, "What is sent, when").

Each reads the event's rows as committed when the task runs, so a task whose event
was rolled back finds nothing and sends nothing. Reads by organisations and uses of
share codes are told at most once an hour per reader and at most ``DAILY_LIMIT``
times a day per family member and transcript: whoever holds a code must not be able
to fill a family's mailbox (every read stays on the family's access list).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone

from hocbaso.notices import messages, recipients
from hocbaso.notices.models import Kind, Notice
from hocbaso.notices.sending import send_once
from hocbaso.portal.citizen.models import ParentRequest, ShareUse
from hocbaso.portal.models import AccessEvent
from hocbaso.records.models import Transcript
from hocbaso.registry.models import Correction, SchoolRoundLock, Submission

DAILY_LIMIT = 5


def effective(school_lock_id: int) -> dict:
    """The records a school's lock made effective: each family member told once."""
    school_lock = (
        SchoolRoundLock.objects.select_related("school_year")
        .filter(pk=school_lock_id)
        .first()
    )
    if school_lock is None:
        return {"skipped": "no such lock"}  # rolled back
    locked = Submission.objects.filter(lock=school_lock).values("record__transcript")
    transcripts = list(
        Transcript.objects.filter(pk__in=locked).select_related("student")
    )
    wanted = recipients.family(transcripts, Kind.EFFECTIVE)
    sent = 0
    for transcript in transcripts:
        prefs = wanted.get(transcript.pk)
        if not prefs:
            continue  # most families of a school have no address
        message = messages.effective(
            transcript.student.full_name,
            school_lock.school_year.name,
            school_lock.locked_at,
        )
        for pref in prefs:
            key = f"effective:{school_lock.pk}:{transcript.pk}:{pref.account_id}"
            sent += _to_family(key, Kind.EFFECTIVE, pref, transcript, message)
    return {"sent": sent}


def access(event_id: int) -> dict:
    """A read by someone holding the lookup code."""
    event = (
        AccessEvent.objects.select_related("transcript__student")
        .filter(pk=event_id)
        .first()
    )
    if event is None or not is_reader_event(event):
        return {"skipped": "not a read by a code holder"}
    transcript = event.transcript
    message = messages.lookup(
        transcript.student.full_name, event.organisation, event.purpose, event.at
    )
    reader = _reader_key(event.client, event.organisation, event.purpose, event.at)
    sent = 0
    for pref in recipients.family([transcript], Kind.LOOKUP).get(transcript.pk, []):
        key = f"lookup:{transcript.pk}:{pref.account_id}:{reader}"
        if not _over_limit(Kind.LOOKUP, pref, transcript, event.at):
            sent += _to_family(key, Kind.LOOKUP, pref, transcript, message)
    return {"sent": sent}


def share_use(use_id: int) -> dict:
    """A read through a share code, told to the family with whom it was given to."""
    use = (
        ShareUse.objects.select_related("share__transcript__student", "event")
        .filter(pk=use_id)
        .first()
    )
    if use is None:
        return {"skipped": "no such use"}
    share, event = use.share, use.event
    transcript = share.transcript
    message = messages.share_used(
        transcript.student.full_name,
        share.recipient,
        event.organisation,
        event.purpose,
        event.at,
    )
    reader = _reader_key(event.client, event.organisation, event.purpose, event.at)
    sent = 0
    for pref in recipients.family([transcript], Kind.SHARE).get(transcript.pk, []):
        key = f"share:{share.pk}:{pref.account_id}:{reader}"
        if not _over_limit(Kind.SHARE, pref, transcript, event.at):
            sent += _to_family(key, Kind.SHARE, pref, transcript, message)
    return {"sent": sent}


def is_reader_event(event: AccessEvent) -> bool:
    return (
        event.transcript_id is not None
        and event.action in recipients.READER_ACTIONS
        and event.actor_kind in recipients.READER_KINDS
    )


def _reader_key(client: str, organisation: str, purpose: str, at: dt.datetime) -> str:
    """One notice per reader (client, organisation, purpose) and hour."""
    hour = timezone.localtime(at).strftime("%Y%m%d%H")
    who = "\x1f".join((client, organisation, purpose)).encode()
    return f"{hashlib.sha256(who).hexdigest()[:24]}:{hour}"


def _over_limit(kind: str, pref, transcript: Transcript, at: dt.datetime) -> bool:
    day = timezone.localtime(at).replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        Notice.objects.filter(
            kind=kind, account_id=pref.account_id, transcript=transcript
        )
        .filter(sent_at__gte=day, sent_at__lt=day + dt.timedelta(days=1))
        .count()
        >= DAILY_LIMIT
    )


def _to_family(key: str, kind: str, pref, transcript, message) -> int:
    return int(
        send_once(
            key,
            kind,
            pref.email,
            message,
            account_id=pref.account_id,
            transcript=transcript,
        )
    )


# --- corrections ------------------------------------------------------------------


def review(request_id: int, state: str) -> dict:
    """A family's request to review a locked record: the school's principal and
    clerks when it is made, the family when the school declines it (a request the
    school takes up is told as the correction's own request)."""
    row = (
        ParentRequest.objects.select_related(
            "record__transcript__student", "record__school_year", "record__school"
        )
        .filter(pk=request_id)
        .first()
    )
    if row is None or row.state != state:
        return {"skipped": "no such request in that state"}
    record, pupil = row.record, row.record.transcript.student.full_name
    if state == ParentRequest.State.OPEN:
        message = messages.staff_review(
            record.school.name, pupil, record.school_year.name, record.pk
        )
        users = recipients.school_staff(record.school)
        sent = [
            send_once(f"review:{row.pk}:{u.pk}", Kind.STAFF, u.email, message, user=u)
            for u in users
        ]
        return {"sent": sum(sent)}
    message = messages.review_declined(pupil, record.school_year.name)
    transcript = record.transcript
    wanted = recipients.family([transcript], Kind.CORRECTION).get(transcript.pk, [])
    key = f"review:{row.pk}:declined"
    sent = [
        _to_family(f"{key}:{p.account_id}", Kind.CORRECTION, p, transcript, message)
        for p in wanted
    ]
    return {"sent": sum(sent)}


def correction(correction_id: str, state: str) -> dict:
    """A correction requested, decided or issued: the family, the staff who act
    next, and (once issued) every earlier reader who left an address."""
    row = (
        Correction.objects.select_related(
            "record__transcript__student",
            "record__school_year",
            "school__department",
            "requested_by",
            "issued",
        )
        .filter(public_id=correction_id)
        .first()
    )
    if row is None:
        return {"skipped": "no such correction"}
    sent = _correction_to_family(row, state)
    sent += _correction_to_staff(row, state)
    if state == Correction.State.ISSUED and row.issued is not None:
        sent += _correction_to_readers(row)
    return {"sent": sent}


def _decision(row: Correction) -> str:
    if not row.decision_number:
        return ""
    date = f"{row.decision_date:%d/%m/%Y}" if row.decision_date else ""
    return f"{row.decision_number} {date}".strip()


def _correction_to_family(row: Correction, state: str) -> int:
    transcript = row.record.transcript
    message = messages.correction(
        transcript.student.full_name, row.record.school_year.name, state, _decision(row)
    )
    sent = 0
    for pref in recipients.family([transcript], Kind.CORRECTION).get(transcript.pk, []):
        key = f"correction:{row.public_id}:{state}:{pref.account_id}"
        sent += _to_family(key, Kind.CORRECTION, pref, transcript, message)
    return sent


def _correction_to_staff(row: Correction, state: str) -> int:
    from hocbaso.registry.correcting import approver

    if state == Correction.State.REQUESTED:
        users = recipients.approvers(row.school, approver())
    elif state in (Correction.State.APPROVED, Correction.State.REFUSED):
        users = recipients.school_staff(row.school, also=row.requested_by)
    else:
        return 0
    message = messages.staff_correction(
        row.school.name,
        row.record.transcript.student.full_name,
        row.record.school_year.name,
        state,
        row.public_id,
    )
    sent = 0
    for user in users:
        key = f"staff:{row.public_id}:{state}:{user.pk}"
        sent += int(send_once(key, Kind.STAFF, user.email, message, user=user))
    return sent


def _correction_to_readers(row: Correction) -> int:
    transcript = row.record.transcript
    sent = 0
    for reader in recipients.readers(transcript.pk, before=row.issued.accepted_at):
        message = messages.reader_corrected(
            transcript.student.full_name,
            row.record.school_year.name,
            reader.first_at,
            _decision(row),
        )
        digest = hashlib.sha256(reader.address.encode()).hexdigest()[:40]
        key = f"reader:{row.public_id}:{digest}"
        sent += int(
            send_once(key, Kind.READER, reader.address, message, transcript=transcript)
        )
    return sent
