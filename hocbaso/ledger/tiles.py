"""The log as static tiles (c2sp.org/tlog-tiles), and the compact range a reader keeps.

A hash tile at level L and index N holds the stored hashes (8L, 256N + i) for i < W,
each 32 bytes, W ≤ 256: the perfect subtrees of 256^L leaves, so tiles are a view of
what the store already keeps. An entry bundle N holds entries [256N, 256N + W), each
as a 2-byte big-endian length and its bytes. A tile of width 256 is full and never
changes; a partial one (``.p/<W>``) is a prefix of the full one, so it never
changes either, but a reader should move on to the full one once the log grows.

Paths: ``tile/<L>/<N>`` and ``tile/entries/<N>``, N written in groups of three
digits, every group but the last prefixed with ``x`` (1234067 is ``x001/x234/067``),
then ``.p/<W>`` for a partial tile. Only that spelling is accepted.

``CompactRange`` is what a reader needs to follow a log without keeping it: the
hashes of the perfect subtrees of its size (at most one per bit). Appending the new
entries' leaf hashes and comparing the root with a checkpoint proves that the new
checkpoint extends the old one, which is what a consistency proof proves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from hocbaso.ledger.errors import EntryError, StorageError, TreeSizeError
from hocbaso.ledger.merkle import HASH_SIZE, fold_right, hash_children, hash_leaf
from hocbaso.ledger.storage import EntryStore, HashStore

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_TILE_LEVEL = 7  # 8 levels of 8: 2**64 leaves
_INDEX = r"(?:x[0-9]{3}/)*[0-9]{3}"
_PATH = re.compile(rf"tile/(entries|[0-9])/({_INDEX})(?:\.p/([0-9]{{1,3}}))?")


@dataclass(frozen=True)
class Tile:
    """A tile: ``level`` None for an entry bundle; ``width`` 1-256."""

    level: int | None
    index: int
    width: int = TILE_WIDTH

    @property
    def is_full(self) -> bool:
        return self.width == TILE_WIDTH

    def path(self) -> str:
        """The tile's path, relative to the log's prefix."""
        level = "entries" if self.level is None else str(self.level)
        suffix = "" if self.is_full else f".p/{self.width}"
        return f"tile/{level}/{_encode_index(self.index)}{suffix}"


def _encode_index(index: int) -> str:
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])


def parse_tile_path(path: str) -> Tile:
    """The tile a path names; StorageError if it is not a canonical tile path."""
    match = _PATH.fullmatch(path)
    if match is None:
        raise StorageError(f"{path!r} is not a tile path")
    level_text, index_text, width_text = match.groups()
    level = None if level_text == "entries" else int(level_text)
    if level is not None and level > MAX_TILE_LEVEL:
        raise StorageError(f"tile level {level} is too high")
    index = int(index_text.replace("x", "").replace("/", ""))
    width = TILE_WIDTH if width_text is None else int(width_text)
    tile = Tile(level, index, width)
    if not 1 <= width < TILE_WIDTH + (width_text is None) or tile.path() != path:
        raise StorageError(f"{path!r} is not the canonical path of a tile")
    return tile


def tile_is_within(tile: Tile, size: int) -> bool:
    """Whether the tree of ``size`` leaves has every hash or entry of the tile."""
    shift = TILE_HEIGHT * (tile.level or 0)
    return tile.index * TILE_WIDTH + tile.width <= size >> shift


def read_tile(store: HashStore, tile: Tile, size: int) -> bytes:
    """The hash tile's bytes from the store, for a tree of ``size``."""
    if tile.level is None:
        raise StorageError("an entry bundle is read with read_entry_bundle")
    if not tile_is_within(tile, size):
        raise TreeSizeError(f"tile {tile.path()} is beyond tree size {size}")
    level, first = TILE_HEIGHT * tile.level, tile.index * TILE_WIDTH
    nodes = [(level, first + i) for i in range(tile.width)]
    return b"".join(store.read_hashes(nodes))


def read_entry_bundle(store: EntryStore, tile: Tile, size: int) -> bytes:
    """The entry bundle's bytes: each entry as a 2-byte length and its bytes."""
    if tile.level is not None or not tile_is_within(tile, size):
        raise TreeSizeError(f"entry bundle {tile.path()} is beyond tree size {size}")
    first = tile.index * TILE_WIDTH
    entries = store.read_entries(first, first + tile.width)
    return b"".join(len(e).to_bytes(2, "big") + e for e in entries)


def parse_entry_bundle(data: bytes, width: int) -> list[bytes]:
    """The entries of a bundle that must hold exactly ``width``; EntryError if not."""
    entries, at = [], 0
    while at < len(data):
        if at + 2 > len(data):
            raise EntryError("an entry bundle ends inside a length")
        length = int.from_bytes(data[at : at + 2], "big")
        if at + 2 + length > len(data):
            raise EntryError("an entry bundle ends inside an entry")
        entries.append(data[at + 2 : at + 2 + length])
        at += 2 + length
    if len(entries) != width:
        raise EntryError(f"an entry bundle holds {len(entries)} entries, not {width}")
    return entries


def bundles_for(start: int, end: int) -> list[Tile]:
    """The entry bundles covering entries [start, end) of a tree of ``end`` leaves."""
    tiles = []
    for index in range(start // TILE_WIDTH, -(-end // TILE_WIDTH)):
        width = min(TILE_WIDTH, end - index * TILE_WIDTH)
        tiles.append(Tile(None, index, width))
    return tiles


class CompactRange:
    """The perfect subtrees of a tree of ``size`` leaves, enough to extend its root."""

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        self._hashes = list(hashes)
        self._size = size
        if size < 0 or len(self._hashes) != size.bit_count():
            raise TreeSizeError(f"a tree of size {size} has {size.bit_count()} peaks")
        if any(len(h) != HASH_SIZE for h in self._hashes):
            raise TreeSizeError(f"a peak hash has {HASH_SIZE} bytes")

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> list[bytes]:
        """The peaks, largest subtree first."""
        return list(self._hashes)

    def append_entry(self, data: bytes) -> None:
        """Append one entry (its leaf hash)."""
        self.append(hash_leaf(data))

    def append(self, leaf_hash: bytes) -> None:
        """Append one leaf hash, merging the peaks it completes."""
        node, size = leaf_hash, self._size
        while size & 1:  # the lowest peak pairs with the new node
            node = hash_children(self._hashes.pop(), node)
            size >>= 1
        self._hashes.append(node)
        self._size += 1

    def root(self) -> bytes:
        """The RFC 6962 root of the tree."""
        return fold_right(self._hashes)
