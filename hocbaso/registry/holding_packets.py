"""The stored packets as read for the pages (docs/portal.md, "What the lookup
shows"; docs/registry.md).

A packet's bytes never change (a blob's key is their SHA-256), so what they show
(the snapshot, the signature marks, the year's form) is kept in the holdings'
cache under that key for good.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import caches

from hocbaso.printing import PrintingError, layout
from hocbaso.printing.document import ReadPacket, read_packet
from hocbaso.registry.holding_cache import HOLDINGS_CACHE, TTL
from hocbaso.registry.holding_values import HeldSubmission, RecordPage
from hocbaso.registry.models import Blob


@dataclass(frozen=True)
class Packet:
    """A stored packet as read for the pages: immutable like the bytes (the blob's
    key is their SHA-256), so it is cached under that key for good."""

    read: ParsedPacket
    form: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class ParsedPacket:
    sha256: str
    snapshot: Any
    marks: tuple[Any, ...]


def parsed_packet(data: bytes, sha256: str) -> Packet | None:
    """What a packet's bytes show (snapshot, signature marks, the year's form), or
    None when they are not a readable record. Cached under the bytes' SHA-256,
    which the caller has checked (the blob's key, the national record's digest)."""
    cache = caches[HOLDINGS_CACHE]
    key = f"holdings:packet:{sha256}"
    found = cache.get(key)
    if found is None:
        found = _parse(data, sha256) or False
        cache.set(key, found, TTL)
    return found or None


def parsed_packets(blob_ids: set[str]) -> dict[str, Packet | None]:
    """The parsed packets of these blobs; the bytes of any not cached yet are read
    in one query."""
    cache = caches[HOLDINGS_CACHE]
    keys = {f"holdings:packet:{b}": b for b in blob_ids}
    found = {keys[k]: v or None for k, v in cache.get_many(list(keys)).items()}
    missing = blob_ids - found.keys()
    if missing:
        rows = Blob.objects.filter(pk__in=missing).values_list("sha256", "data")
        for blob_id, data in rows:
            found[blob_id] = parsed_packet(bytes(data), blob_id)
    return found


def _parse(data: bytes, sha256: str) -> Packet | None:
    try:
        read: ReadPacket = read_packet(data)
    except PrintingError:
        return None
    marks = layout.Marks(read.marks)
    return Packet(
        ParsedPacket(sha256, read.snapshot, read.marks),
        form=layout.year_page(read.snapshot, marks),
    )


def held_packets(pages: Iterable[RecordPage]) -> list[bytes]:
    """The stored bytes of pages (registry blobs), in the order given."""
    ids = [p.packet_sha256 for p in pages]
    data = dict(Blob.objects.filter(pk__in=ids).values_list("sha256", "data"))
    return [bytes(data[blob_id]) for blob_id in ids]


def packet_of(submission: HeldSubmission) -> bytes:
    """The stored bytes of a held submission's packet."""
    return bytes(Blob.objects.values_list("data", flat=True).get(pk=submission.blob_id))
