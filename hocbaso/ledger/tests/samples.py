"""Sample leaves shared by the tests."""

from __future__ import annotations

from hocbaso.ledger import hash_leaf

MAX_SIZE = 64
"""Property tests check every index and every pair of sizes up to this one."""


def leaf_hashes(count: int) -> list[bytes]:
    """Distinct leaf hashes: the leaves are the big-endian bytes of 0, 1, 2, ..."""
    return [hash_leaf(i.to_bytes(4, "big")) for i in range(count)]
