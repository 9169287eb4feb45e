"""The documents of a transcript as the registry holds it: the printed official
form and the signed soft copy.

    pdf = printed_pdf(transcript)                 # the form, unsigned
    soft = soft_copy_pdf(transcript, request=request)   # signed, packets inside

Both read the current submission of each yearly record from the registry (the signed
packet bytes exactly as the school sent them, through hocbaso.registry.actions),
never the school-side rows, and print them with hocbaso.printing. Every call writes
one access event (hocbaso.portal.audit.record_access): callers must not write their
own for the same document.

The soft copy is signed by the registry's document seal, loaded once per process
(``registry_seal``): a PKCS#12 file named by HOCBASO_SEAL_P12 (password in
HOCBASO_SEAL_PASSWORD) in production; otherwise a seal key and certificate kept in
DATA_DIR/pki/registry-seal/, issued on first use by the deployment's demo CA
(``hocbaso pki demo``) and re-issued when it expires.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from hocbaso.packet import RecordSnapshot
from hocbaso.portal.audit import record_access
from hocbaso.portal.models import AccessAction, ActorKind
from hocbaso.printing import PdfSealSigner, PrintingError, check_url_for
from hocbaso.printing.document import ReadPacket, read_packet, transcript_pdf
from hocbaso.printing.layout import VIETNAM, date_text, time_text
from hocbaso.printing.pool import SealFiles
from hocbaso.records.keys import KeyDirectory, KeyPair
from hocbaso.records.models import Transcript
from hocbaso.registry.holdings import HeldSubmission, current_packets

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000/"
# The registry's seal when the deployment names none [decision].
DEFAULT_SEAL_NAME = "Cơ sở dữ liệu học bạ số"
DEFAULT_SEAL_CODE = "HOCBASO"
# A demo seal is re-issued this close to the end of its certificate, so that a soft
# copy is never signed by a certificate about to expire.
SEAL_RENEW_BEFORE = timedelta(days=7)


class DocumentError(Exception):
    """A document cannot be made; the message says why (translated)."""


class NothingToPrintError(DocumentError):
    """The transcript has no current submission in the registry."""


class SealUnavailableError(DocumentError):
    """The registry's document seal cannot be loaded or issued."""


@dataclass(frozen=True)
class RegistryRecord:
    """One yearly record as the registry holds it: its current submission."""

    submission: HeldSubmission
    packet: ReadPacket

    @property
    def snapshot(self) -> RecordSnapshot:
        return self.packet.snapshot

    @property
    def note(self) -> str:
        """The record's legal status as its page prints it (Vietnamese)."""
        return record_note(self.submission)


def record_note(submission: HeldSubmission) -> str:
    """The legal status of a current submission in plain Vietnamese words."""
    if submission.locked_at is not None:
        since = date_text(submission.locked_at.astimezone(VIETNAM).date())
        return f"Tình trạng: có hiệu lực từ ngày {since} (dữ liệu đã khóa)."
    sent = date_text(submission.accepted_at.astimezone(VIETNAM).date())
    replaced = ", thay thế bản nộp trước" if submission.replaces else ""
    return (
        f"Tình trạng: đã nộp lên cơ sở dữ liệu ngày {sent}{replaced}; "
        "chưa khóa, chưa có hiệu lực."
    )


def printed_at_line(moment: datetime | None = None) -> str:
    """The footer line that dates the printout."""
    moment = moment or datetime.now(UTC)
    return f"In từ cơ sở dữ liệu học bạ số lúc {time_text(moment)}."


def stored_packets(
    transcripts: Sequence[Transcript],
) -> dict[int, list[tuple[HeldSubmission, bytes]]]:
    """transcript id → its current submissions and their packets' bytes exactly as
    stored (read through the registry's holdings), oldest school year first."""
    return current_packets(transcripts)


def registry_records(transcript: Transcript) -> list[RegistryRecord]:
    """The transcript's yearly records as the registry holds them.

    Raises NothingToPrintError when none has a current submission, DocumentError
    when a stored packet is not a record of this transcript.
    """
    records = [
        RegistryRecord(submission, _read(data, transcript))
        for submission, data in stored_packets([transcript])[transcript.pk]
    ]
    if not records:
        raise NothingToPrintError(
            _("This transcript has no record in the registry yet.")
        )
    return records


def _read(data: bytes, transcript: Transcript) -> ReadPacket:
    try:
        packet = read_packet(data)
    except PrintingError as exc:
        raise DocumentError(
            _("A stored record cannot be read: %(error)s") % {"error": exc}
        ) from exc
    if packet.snapshot.lookup_code != transcript.lookup_code:
        raise DocumentError(_("A stored record belongs to another transcript."))
    return packet


def check_url(transcript: Transcript, check_base_url: str | None = None) -> str:
    """The URL the QR code opens: the portal's lookup page with the code in the
    fragment (never sent to the server). Base: HOCBASO_PUBLIC_URL."""
    base = check_base_url or urljoin(
        getattr(settings, "HOCBASO_PUBLIC_URL", None)
        or os.environ.get("HOCBASO_PUBLIC_URL")
        or DEFAULT_PUBLIC_URL,
        reverse("portal:lookup"),
    )
    return check_url_for(base, transcript.lookup_code)


def render(
    transcript: Transcript,
    records: Sequence[RegistryRecord],
    *,
    check_base_url: str | None = None,
    seal: PdfSealSigner | None = None,
) -> bytes:
    """Render (and with a seal, sign) already read records; DocumentError."""
    try:
        return transcript_pdf(
            [r.packet for r in records],
            lookup_code=transcript.lookup_code,
            check_url=check_url(transcript, check_base_url),
            status_lines=[printed_at_line()],
            record_notes=[r.note for r in records],
            seal=seal,
            location=seal_location(),
        )
    except PrintingError as exc:
        raise DocumentError(
            _("The document could not be made: %(error)s") % {"error": exc}
        ) from exc


def printed_pdf(
    transcript: Transcript,
    *,
    check_base_url: str | None = None,
    request: HttpRequest | None = None,
    actor_kind: ActorKind | str | None = None,
    actor_label: str = "",
    purpose: str = "",
    organisation: str = "",
) -> bytes:
    """The official form of the transcript as the registry holds it, unsigned.

    Audited as a print. Raises NothingToPrintError, DocumentError.
    """
    pdf = render(
        transcript, registry_records(transcript), check_base_url=check_base_url
    )
    _audit(
        request,
        AccessAction.PRINT,
        transcript,
        actor_kind,
        actor_label,
        purpose,
        organisation,
        signed=False,
    )
    return pdf


def soft_copy_pdf(
    transcript: Transcript,
    *,
    request: HttpRequest | None = None,
    action: AccessAction | str = AccessAction.DOWNLOAD,
    actor_kind: ActorKind | str | None = None,
    actor_label: str = "",
    purpose: str = "",
    organisation: str = "",
    check_base_url: str | None = None,
) -> bytes:
    """The soft copy: the official form signed PAdES by the registry's seal, with
    the signed XML packets of the current submissions attached.

    Audited (download by default; print or export for the command line). Raises
    NothingToPrintError, SealUnavailableError, DocumentError.
    """
    records = registry_records(transcript)
    pdf = render(
        transcript, records, check_base_url=check_base_url, seal=registry_seal()
    )
    _audit(
        request,
        action,
        transcript,
        actor_kind,
        actor_label,
        purpose,
        organisation,
        signed=True,
    )
    return pdf


def _audit(
    request, action, transcript, actor_kind, actor_label, purpose, organisation, signed
):
    record_access(
        request,
        action=action,
        transcript=transcript,
        actor_kind=actor_kind,
        actor_label=actor_label,
        purpose=purpose,
        organisation=organisation,
        detail={"document": "soft_copy" if signed else "printed_form"},
    )


# --- the registry's document seal ----------------------------------------------


# Where the seal is (picklable: worker processes load the same seal once each).
SealSource = SealFiles


_seals: dict[SealSource, PdfSealSigner] = {}
_seal_lock = threading.Lock()


def seal_location() -> str:
    """The place the soft copy's signature names (HOCBASO_SEAL_LOCATION)."""
    return (
        getattr(settings, "HOCBASO_SEAL_LOCATION", None)
        or os.environ.get("HOCBASO_SEAL_LOCATION")
        or "Việt Nam"
    )


def seal_source(now: datetime | None = None) -> SealSource:
    """The configured seal, issuing the demo one first if need be (see the module).

    Raises SealUnavailableError when no seal is configured and there is no demo CA.
    """
    p12 = getattr(settings, "HOCBASO_SEAL_P12", None) or os.environ.get(
        "HOCBASO_SEAL_P12"
    )
    if p12:
        password = os.environ.get("HOCBASO_SEAL_PASSWORD")
        return SealSource(
            p12=str(p12),
            password=password.encode() if password is not None else None,
            **_long_term(),
        )
    pair = demo_seal_pair()
    now = now or datetime.now(UTC)
    if not _usable(pair, now):
        with _seal_lock, _file_lock(pair.key.parent / "seal.lock"):
            if not _usable(pair, now):  # another process may have issued it
                _issue_demo_seal(pair, now)
    return SealSource(key_pem=str(pair.key), chain_pem=str(pair.chain), **_long_term())


def _long_term() -> dict[str, str]:
    """With HOCBASO_TSA_URL the seal makes B-LTA copies (docs/printing.md)."""
    url = getattr(settings, "HOCBASO_TSA_URL", "")
    if not url:
        return {}
    return {"tsa_url": url, "trust_store": str(settings.HOCBASO_TRUST_STORE)}


class _file_lock:
    """An exclusive lock between processes (gunicorn workers issuing at once)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)

    def __enter__(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)


def registry_seal(now: datetime | None = None) -> PdfSealSigner:
    """The registry's seal, its key loaded once per process (SealUnavailableError)."""
    source = seal_source(now)
    with _seal_lock:
        seal = _seals.get(source)
        if seal is None:
            _seals.clear()
            try:
                seal = _seals[source] = source.load()
            except PrintingError as exc:
                raise SealUnavailableError(
                    _("The registry's seal cannot be loaded: %(error)s")
                    % {"error": exc}
                ) from exc
    return seal


def demo_seal_pair() -> KeyPair:
    """Where the demo seal is kept: DATA_DIR/pki/registry-seal/ (mode 0700)."""
    folder = Path(settings.DATA_DIR) / "pki" / "registry-seal"
    return KeyPair(folder / "seal.key.pem", folder / "seal.crt.pem")


def _usable(pair: KeyPair, now: datetime) -> bool:
    if not pair.exists():
        return False
    try:
        certificate = pair.certificate()
    except (OSError, ValueError):
        return False
    return (
        certificate.not_valid_before_utc <= now
        and now + SEAL_RENEW_BEFORE < certificate.not_valid_after_utc
    )


def _issue_demo_seal(pair: KeyPair, now: datetime) -> None:
    keys = KeyDirectory(Path(settings.DATA_DIR) / "pki")
    pki = keys.load_ca(now) if (keys.root / "ca").is_dir() else None
    if pki is None:
        raise SealUnavailableError(
            _(
                "The registry has no document seal: set HOCBASO_SEAL_P12 (and "
                "HOCBASO_SEAL_PASSWORD), or create the demo PKI with "
                "'hocbaso pki demo'."
            )
        )
    name = getattr(settings, "HOCBASO_SEAL_NAME", None) or DEFAULT_SEAL_NAME
    if pki.issuing.certificate.not_valid_after_utc - now <= SEAL_RENEW_BEFORE:
        raise SealUnavailableError(_("The demo CA expires too soon to issue a seal."))
    # O and CN the name, UID "MNS:<code>", RSA, valid a year from 30 days ago.
    pair.write(pki.organisation(name, DEFAULT_SEAL_CODE))


__all__ = [
    "DocumentError",
    "NothingToPrintError",
    "RegistryRecord",
    "SealSource",
    "SealUnavailableError",
    "check_url",
    "printed_pdf",
    "record_note",
    "registry_records",
    "registry_seal",
    "render",
    "seal_source",
    "soft_copy_pdf",
    "stored_packets",
]
