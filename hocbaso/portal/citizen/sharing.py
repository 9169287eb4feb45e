"""Share codes: a citizen's consent, handed to another organisation, to read chosen
yearly records of one transcript (admission to grade 6, a school transfer).

    made = make_share(account, transcript, records, expires_at, recipient="…")
    made.code                      # shown once; only its SHA-256 is stored
    revoke_share(account, share)
    reading = read_share(request, code, organisation=…, purpose=…, via="page")

A code is 20 characters of Crockford base32 (100 random bits) written in groups
of five. Reading it checks the client's recent failures first (guessing is
throttled per client), then the code; every successful read writes one access
event (actor kind share_code, the reader's organisation and purpose) and one
``ShareUse``, which the citizen sees; every failed one writes a failed-lookup
event (no transcript), so that the department sees a walk through codes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.portal.audit import client_hash, record_access
from hocbaso.portal.citizen import consent
from hocbaso.portal.citizen.models import (
    CitizenAccount,
    ConsentPurpose,
    ShareCode,
    ShareUse,
    visible_transcripts,
)
from hocbaso.portal.citizen.registry import (
    RecordStanding,
    Standing,
    signed_snapshot,
    snapshot_data,
    standings,
)
from hocbaso.portal.models import AccessAction, AccessEvent, ActorKind
from hocbaso.records.models import Student, Transcript, YearlyRecord

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CODE_LENGTH = 20
MAX_DAYS = 90
FAILURE_LIMIT = 10
FAILURE_WINDOW = dt.timedelta(minutes=15)
_TRANSLATE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_SEPARATORS = re.compile(r"[\s\-]")


class ShareError(Exception):
    """A refusal with a sentence for the person and a stable code for programs."""

    code = "SHARE_INVALID"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ShareNotFoundError(ShareError):
    code = "SHARE_NOT_FOUND"
    status = 404


class ShareExpiredError(ShareError):
    code = "SHARE_EXPIRED"
    status = 410


class ShareRevokedError(ShareError):
    code = "SHARE_REVOKED"
    status = 410


class ShareNoConsentError(ShareError):
    """Sharing is optional processing: it needs the consent in force for the child
    (consent.py), given on the family's page."""

    code = "SHARE_NO_CONSENT"
    status = 403


class ShareThrottledError(ShareError):
    code = "SHARE_THROTTLED"
    status = 429


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 5] for i in range(0, CODE_LENGTH, 5))


def normalise(text: str | None) -> str | None:
    """The code's 20 characters as typed, or None if it cannot be a share code."""
    value = _SEPARATORS.sub("", text or "").upper().translate(_TRANSLATE)
    if len(value) != CODE_LENGTH or any(c not in ALPHABET for c in value):
        return None
    return value


def digest(normalised: str) -> str:
    return hashlib.sha256(b"hocbaso-share:" + normalised.encode()).hexdigest()


@dataclass(frozen=True)
class MadeShare:
    share: ShareCode
    code: str


def make_share(
    account: CitizenAccount,
    transcript: Transcript,
    records: list[YearlyRecord],
    expires_at: dt.datetime,
    *,
    recipient: str = "",
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> MadeShare:
    """A share code for ``records`` of ``transcript``, valid until ``expires_at``."""
    now = now or timezone.now()
    if not visible_transcripts(account.personal_id).filter(pk=transcript.pk).exists():
        raise ShareError(_("You may not share this transcript."))
    if not records:
        raise ShareError(_("Choose at least one school year to share."))
    if any(r.transcript_id != transcript.pk for r in records):
        raise ShareError(_("A chosen school year belongs to another transcript."))
    if expires_at <= now:
        raise ShareError(_("The expiry must be in the future."))
    if expires_at > now + dt.timedelta(days=MAX_DAYS):
        raise ShareError(
            _("A share code lasts at most %(days)d days.") % {"days": MAX_DAYS}
        )
    code = new_code()
    with transaction.atomic():
        _check_consent(transcript)
        share = ShareCode.objects.create(
            account=account,
            transcript=transcript,
            digest=digest(normalise(code) or ""),
            hint=code[:5],
            recipient=recipient.strip()[:200],
            created_at=now,
            expires_at=expires_at,
        )
        share.records.set(records)
        record_access(
            request,
            action=AccessAction.SHARE,
            transcript=transcript,
            actor_kind=ActorKind.CITIZEN,
            purpose=share.recipient,
            detail={"share": share.pk, "records": sorted(r.pk for r in records)},
        )
    return MadeShare(share=share, code=code)


def _check_consent(transcript: Transcript) -> None:
    """Under the child's row lock, which a withdrawal takes too: a code is never
    made after a withdrawal that revoked the open ones."""
    Student.objects.select_for_update().filter(pk=transcript.student_id).first()
    if not consent.in_force(transcript.student_id, ConsentPurpose.SHARING):
        raise ShareNoConsentError(
            _(
                "Sharing with organisations needs the consent of the student's "
                "parent or guardian, and it is not given (or was withdrawn). Give "
                "it under 'Privacy and consent' on your page, then make the code."
            )
        )


def revoke_share(
    account: CitizenAccount, share: ShareCode, *, now: dt.datetime | None = None
) -> None:
    if share.account_id != account.pk:
        raise ShareError(_("You may not revoke this share code."))
    if share.revoked_at is None:
        share.revoked_at = now or timezone.now()
        share.save(update_fields=["revoked_at"])


@dataclass
class SharedRecord:
    school_year: str
    grade: int
    school: str
    class_name: str
    standing: RecordStanding
    data: dict[str, Any] | None = None
    packet_sha256: str = ""
    ledger_index: int | None = None


@dataclass
class ShareReading:
    share: ShareCode
    student_name: str
    level: str
    school: str
    records: list[SharedRecord] = field(default_factory=list)


def _recent_failures(request: HttpRequest | None, now: dt.datetime) -> int:
    client = client_hash(request)
    if not client:
        return 0
    return AccessEvent.objects.filter(
        action=AccessAction.LOOKUP_FAILED,
        actor_kind=ActorKind.SHARE_CODE,
        client=client,
        at__gte=now - FAILURE_WINDOW,
    ).count()


def _fail(request, now, error: ShareError, via: str, organisation: str, purpose: str):
    record_access(
        request,
        action=AccessAction.LOOKUP_FAILED,
        transcript=None,
        actor_kind=ActorKind.SHARE_CODE,
        organisation=organisation,
        purpose=purpose,
        detail={"via": via, "reason": error.code},
        at=now,
    )
    return error


def read_share(
    request: HttpRequest | None,
    code: str,
    *,
    organisation: str,
    purpose: str,
    via: str,
    now: dt.datetime | None = None,
) -> ShareReading:
    """The records a share code covers, as the registry holds them; audited."""
    now = now or timezone.now()
    organisation = (organisation or "").strip()
    purpose = (purpose or "").strip()
    if not organisation or not purpose:
        raise ShareError(_("Give your organisation and the purpose of the reading."))
    if _recent_failures(request, now) >= FAILURE_LIMIT:
        raise ShareThrottledError(
            _(
                "Too many wrong share codes from this connection. Try again in "
                "%(minutes)d minutes."
            )
            % {"minutes": int(FAILURE_WINDOW.total_seconds() // 60)}
        )
    normalised = normalise(code)
    share = (
        ShareCode.objects.select_related("transcript__student", "transcript__school")
        .filter(digest=digest(normalised))
        .first()
        if normalised
        else None
    )
    if share is None:
        raise _fail(
            request,
            now,
            ShareNotFoundError(
                _("This share code is not valid. Check it with the person who gave it.")
            ),
            via,
            organisation,
            purpose,
        )
    if share.revoked_at is not None:
        raise _fail(
            request,
            now,
            ShareRevokedError(_("This share code was revoked by the family.")),
            via,
            organisation,
            purpose,
        )
    if share.expires_at <= now:
        raise _fail(
            request,
            now,
            ShareExpiredError(
                _("This share code expired on %(date)s.")
                % {"date": f"{timezone.localtime(share.expires_at):%d/%m/%Y %H:%M}"}
            ),
            via,
            organisation,
            purpose,
        )
    transcript = share.transcript
    records = list(
        share.records.select_related("school_year", "school", "school_class").order_by(
            "school_year__start_date", "pk"
        )
    )
    reading = ShareReading(
        share=share,
        student_name=transcript.student.full_name,
        level=str(transcript.get_level_display()),
        school=transcript.school.name,
    )
    for st in standings(records):
        record = st.record
        item = SharedRecord(
            school_year=record.school_year.name,
            grade=record.grade,
            school=record.school.name,
            class_name=record.school_class.name,
            standing=st,
        )
        if st.submission is not None and st.standing in (
            Standing.EFFECTIVE,
            Standing.ACCEPTED,
        ):
            snapshot = signed_snapshot(st.submission)
            if snapshot is not None:
                item.data = snapshot_data(snapshot)
            item.packet_sha256 = st.submission.blob_id
            item.ledger_index = st.submission.ledger_index
        reading.records.append(item)
    with transaction.atomic():
        event = record_access(
            request,
            action=AccessAction.API if via == "api" else AccessAction.VIEW,
            transcript=transcript,
            actor_kind=ActorKind.SHARE_CODE,
            actor_label=organisation,
            organisation=organisation,
            purpose=purpose,
            detail={"share": share.pk, "via": via},
            at=now,
        )
        ShareUse.objects.create(share=share, event=event)
    return reading
