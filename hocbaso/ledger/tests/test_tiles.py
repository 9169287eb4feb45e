"""Tiles (c2sp.org/tlog-tiles) over a store, and the compact range of a reader."""

from __future__ import annotations

import pytest

from hocbaso.ledger import (
    TILE_WIDTH,
    CompactRange,
    MemoryStorage,
    MerkleTree,
    StorageError,
    Tile,
    TreeSizeError,
    bundles_for,
    hash_children,
    hash_leaf,
    parse_entry_bundle,
    parse_tile_path,
    read_entry_bundle,
    read_tile,
)
from hocbaso.ledger.merkle import fold_right


@pytest.mark.parametrize(
    ("tile", "path"),
    [
        (Tile(0, 0), "tile/0/000"),
        (Tile(0, 1234067), "tile/0/x001/x234/067"),
        (Tile(1, 5, 17), "tile/1/005.p/17"),
        (Tile(None, 1000), "tile/entries/x001/000"),
        (Tile(None, 0, 255), "tile/entries/000.p/255"),
    ],
)
def test_tile_paths_are_written_and_read_as_the_spec_spells_them(tile, path) -> None:
    assert tile.path() == path
    assert parse_tile_path(path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/0",
        "tile/0/x000/001",
        "tile/0/001.p/256",
        "tile/0/001.p/0",
        "tile/0/001.p/07",
        "tile/0/x001",
        "tile/8/000",
        "tile/0/../000",
        "tile/entries/000.p/",
    ],
)
def test_non_canonical_tile_paths_are_refused(path: str) -> None:
    with pytest.raises(StorageError):
        parse_tile_path(path)


def _storage(count: int) -> MemoryStorage:
    storage = MemoryStorage()
    tree = MerkleTree(storage)
    for i in range(count):
        data = f"entry {i}".encode()
        storage.write_entry(i, data)
        tree.append(hash_leaf(data))
    return storage


def test_hash_tiles_hold_the_stored_subtrees_of_their_level() -> None:
    storage = _storage(70_000)
    tile = read_tile(storage, Tile(0, 1), 70_000)
    assert tile[:32] == hash_leaf(b"entry 256") and len(tile) == 256 * 32
    level1 = read_tile(storage, Tile(1, 0, 17), 70_000)
    first = [hash_leaf(f"entry {i}".encode()) for i in range(256)]
    assert level1[:32] == fold_right_perfect(first)
    assert (
        read_tile(storage, Tile(2, 0, 1), 70_000) == storage.read_hashes([(16, 0)])[0]
    )
    with pytest.raises(TreeSizeError):
        read_tile(storage, Tile(1, 1, 18), 70_000)  # 70,000 >> 8 = 256 + 17
    assert len(read_tile(storage, Tile(1, 1, 17), 70_000)) == 17 * 32


def fold_right_perfect(hashes: list[bytes]) -> bytes:
    while len(hashes) > 1:
        hashes = [
            hash_children(a, b) for a, b in zip(hashes[::2], hashes[1::2], strict=True)
        ]
    return hashes[0]


def test_a_partial_tile_is_a_prefix_of_the_full_one() -> None:
    storage = _storage(600)
    full = read_tile(storage, Tile(0, 1), 600)
    assert read_tile(storage, Tile(0, 1, 10), 600) == full[: 10 * 32]
    with pytest.raises(TreeSizeError):
        read_tile(storage, Tile(0, 2), 600)


def test_entry_bundles_round_trip_and_refuse_truncation() -> None:
    storage = _storage(300)
    bundle = read_entry_bundle(storage, Tile(None, 1, 44), 300)
    assert parse_entry_bundle(bundle, 44)[0] == b"entry 256"
    with pytest.raises(TreeSizeError):
        read_entry_bundle(storage, Tile(None, 1, 45), 300)
    with pytest.raises(Exception, match="ends inside"):
        parse_entry_bundle(bundle[:-1], 44)
    with pytest.raises(Exception, match="not 45"):
        parse_entry_bundle(bundle, 45)


def test_bundles_cover_a_range_with_a_partial_last_one() -> None:
    assert bundles_for(250, 600) == [
        Tile(None, 0),
        Tile(None, 1),
        Tile(None, 2, 600 - 2 * TILE_WIDTH),
    ]
    assert bundles_for(512, 512) == []


def test_the_compact_range_follows_the_tree() -> None:
    storage = _storage(0)
    tree, compact = MerkleTree(storage), CompactRange()
    for i in range(70):
        leaf = hash_leaf(bytes([i]))
        tree.append(leaf)
        compact.append(leaf)
        assert compact.root() == tree.root()
    again = CompactRange(compact.size, compact.hashes)
    assert again.root() == tree.root() == fold_right(compact.hashes)
    with pytest.raises(TreeSizeError):
        CompactRange(70, compact.hashes[:-1])
