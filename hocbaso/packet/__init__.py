"""The transcript data packet: a frozen snapshot of one yearly record and its XML.

Pure: imports lxml and hocbaso.assessment, never Django. See docs/packet.md for the
mapping of every field to its element, the namespace, the version and the Ids.
"""

from hocbaso.packet.build import build_packet
from hocbaso.packet.errors import (
    PacketContentError,
    PacketError,
    PacketForbiddenError,
    PacketSchemaError,
    PacketSyntaxError,
    PacketTooLargeError,
    PacketVersionError,
)
from hocbaso.packet.issue import issue_packet, to_bytes
from hocbaso.packet.layout import NAMESPACE, PACKET_VERSION, PACKET_VERSIONS
from hocbaso.packet.parse import (
    MAX_PACKET_BYTES,
    load_packet_tree,
    parse_packet,
    snapshot_from_tree,
)
from hocbaso.packet.snapshot import (
    Certificate,
    HistoryRow,
    Issuance,
    Leader,
    Mark,
    Person,
    PrimaryResults,
    PrimarySubject,
    Rating,
    RecordLevel,
    RecordSnapshot,
    School,
    SecondaryResults,
    SecondarySubject,
    Sex,
    Student,
)

__all__ = [
    "MAX_PACKET_BYTES",
    "NAMESPACE",
    "PACKET_VERSION",
    "PACKET_VERSIONS",
    "Certificate",
    "HistoryRow",
    "Issuance",
    "Leader",
    "Mark",
    "PacketContentError",
    "PacketError",
    "PacketForbiddenError",
    "PacketSchemaError",
    "PacketSyntaxError",
    "PacketTooLargeError",
    "PacketVersionError",
    "Person",
    "PrimaryResults",
    "PrimarySubject",
    "Rating",
    "RecordLevel",
    "RecordSnapshot",
    "School",
    "SecondaryResults",
    "SecondarySubject",
    "Sex",
    "Student",
    "build_packet",
    "issue_packet",
    "load_packet_tree",
    "parse_packet",
    "snapshot_from_tree",
    "to_bytes",
]
