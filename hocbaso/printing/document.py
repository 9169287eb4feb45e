"""A transcript's printout and soft copy from its signed packets, in one call.

The registry keeps every yearly record as the signed XML packet a school sent. This
module turns those bytes into the documents people receive, without Django, so the
portal, the command line and worker processes (bulk export) share it:

    marks = marks_from_packet(packet)            # what each signature block prints
    pdf = transcript_pdf(packets, lookup_code=code, check_url=url)
    soft = transcript_pdf(packets, lookup_code=code, check_url=url, seal=seal)

The packets are parsed with hocbaso.packet's safe parser; their signatures are read,
not verified (the registry verified them when it accepted them; the soft copy's
reader verifies the attached packets again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hocbaso.packet import (
    PacketError,
    RecordSnapshot,
    load_packet_tree,
    snapshot_from_tree,
)
from hocbaso.printing.errors import RenderError
from hocbaso.printing.marks import SignatureMark
from hocbaso.printing.render import render_transcript
from hocbaso.printing.softcopy import PdfSealSigner, sign_pdf
from hocbaso.signing import MalformedSignatureError, parse_signature
from hocbaso.signing.roles import find_slots

# What the soft copy's signature says it is, and the name of each attached packet.
SOFT_COPY_REASON = "Bản sao điện tử học bạ từ cơ sở dữ liệu học bạ số"
DEFAULT_LOCATION = "Việt Nam"


@dataclass(frozen=True)
class ReadPacket:
    """One signed packet read for printing: its bytes, record and signature marks."""

    data: bytes
    snapshot: RecordSnapshot
    marks: tuple[SignatureMark, ...]

    @property
    def attachment_name(self) -> str:
        """The file name of the packet inside the soft copy: one per school year."""
        return f"hocba-{self.snapshot.school_year}.xml"


def read_packet(data: bytes) -> ReadPacket:
    """Parse a signed packet (safely) and read its signatures' marks.

    Raises RenderError when the packet is not a readable record or a signature
    cannot be read.
    """
    try:
        root = load_packet_tree(data)
        snapshot = snapshot_from_tree(root)
    except PacketError as exc:
        raise RenderError(f"a packet is not a readable record: {exc}") from exc
    return ReadPacket(bytes(data), snapshot, tuple(_marks(root)))


def marks_from_packet(data: bytes) -> list[SignatureMark]:
    """The signature marks of a signed packet, in signing order (RenderError)."""
    return list(read_packet(data).marks)


def _marks(root) -> list[SignatureMark]:
    """Each Signature of each slot: the role and identifier of its slot, the signer
    and issuer named by the certificate, the signing time it carries."""
    marks = []
    for placed in find_slots(root):
        for element in placed.signatures():
            try:
                parsed = parse_signature(element, placed)
            except MalformedSignatureError as exc:
                raise RenderError(f"a signature cannot be read: {exc}") from exc
            mark = SignatureMark.from_certificate(
                placed.slot.role, parsed.certificates[0], parsed.signing_time
            )
            marks.append(
                SignatureMark(
                    mark.role,
                    mark.name,
                    mark.signed_at,
                    mark.issuer,
                    placed.slot.identifier or mark.identifier,
                )
            )
    return marks


def transcript_pdf(
    packets: Sequence[bytes | ReadPacket],
    *,
    lookup_code: str,
    check_url: str,
    status_lines: Sequence[str] = (),
    record_notes: Sequence[str] | None = None,
    seal: PdfSealSigner | None = None,
    location: str = DEFAULT_LOCATION,
    signing_time: datetime | None = None,
) -> bytes:
    """The printout of a transcript from its signed packets; with a seal, the soft
    copy: signed PAdES with the packets attached, B-LTA when the seal has a
    long-term setup (seal.long_term), B-B otherwise.

    record_notes, one per packet in the order given, print on that year's page (its
    legal status). Raises RenderError or SoftCopyError.
    """
    read = [p if isinstance(p, ReadPacket) else read_packet(p) for p in packets]
    if record_notes is not None and len(record_notes) != len(read):
        raise RenderError("record_notes must give one note per packet")
    pdf = render_transcript(
        [r.snapshot for r in read],
        lookup_code=lookup_code,
        check_url=check_url,
        status_lines=status_lines,
        signatures=[r.marks for r in read],
        record_notes=record_notes,
    )
    if seal is None:
        return pdf
    # A seal configured with a TSA makes B-LTA copies, B-B otherwise.
    long_term = seal.long_term
    return sign_pdf(
        pdf,
        seal,
        attachments=[(r.attachment_name, r.data) for r in read],
        reason=SOFT_COPY_REASON,
        location=location,
        signing_time=signing_time,
        timestamp_authority=long_term.authority if long_term else None,
        validation=long_term.validation if long_term else None,
    )
