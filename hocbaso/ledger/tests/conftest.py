"""Trees of distinct leaves for the proof tests (no database, no network)."""

from __future__ import annotations

import pytest

from hocbaso.ledger import MemoryStorage, MerkleTree
from hocbaso.ledger.tests.samples import MAX_SIZE, leaf_hashes


@pytest.fixture(scope="session")
def hashes() -> list[bytes]:
    return leaf_hashes(MAX_SIZE)


@pytest.fixture(scope="session")
def tree(hashes: list[bytes]) -> MerkleTree:
    """A stored tree of MAX_SIZE leaves: every smaller size is a prefix of it."""
    built = MerkleTree(MemoryStorage())
    for h in hashes:
        built.append(h)
    return built
