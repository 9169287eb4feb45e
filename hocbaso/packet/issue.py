"""Adding the issuance block to a packet that may already carry signatures."""

from __future__ import annotations

from lxml import etree

from hocbaso.packet import _columns as c
from hocbaso.packet import layout as L
from hocbaso.packet.build import write_columns
from hocbaso.packet.errors import PacketContentError
from hocbaso.packet.parse import load_packet_tree, validate_tree
from hocbaso.packet.snapshot import Issuance


def issue_packet(data: bytes, issuance: Issuance) -> bytes:
    """Insert the issuance block (number, date, place) that the seal will cover.

    Signatures already present stay valid: they cover the data, never the issuance
    block (domain.md §6.2). Raises PacketContentError if the packet is already issued,
    and any PacketError of parsing.
    """
    root = load_packet_tree(data)
    issue = root.find(L.q(L.ISSUE))
    assert issue is not None  # guaranteed by the schema
    if issue.find(L.q(L.ISSUANCE)) is not None:
        raise PacketContentError(
            f"line {issue.sourceline}: the packet is already issued"
        )
    if not issuance.number.strip() or not issuance.place.strip():
        raise PacketContentError("issuance: number and place must not be empty")
    block = etree.Element(L.q(L.ISSUANCE), {L.ID_ATTR: L.ISSUANCE_ID})
    write_columns(block, issuance, c.ISSUANCE)
    block.tail = issue.text
    issue.insert(0, block)
    validate_tree(root)
    return to_bytes(root)


def to_bytes(root: etree._Element) -> bytes:
    """Serialise a packet tree as UTF-8 with its declaration, changing nothing else."""
    data: bytes = etree.tostring(
        root.getroottree(), xml_declaration=True, encoding="UTF-8"
    )
    return data
