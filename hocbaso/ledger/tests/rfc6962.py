"""A deliberately naive RFC 6962 §2.1 tree, from the RFC's recursive definitions.

It shares no code with hocbaso.ledger: it slices lists and recurses, as the RFC
writes MTH, PATH and SUBPROOF, so the stored-subtree algorithms are checked against
the text of the RFC rather than against themselves.
"""

from __future__ import annotations

import hashlib


def leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _k(n: int) -> int:
    # "the largest power of two smaller than n (i.e., k < n <= 2k)"
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaf_hashes: list[bytes]) -> bytes:
    n = len(leaf_hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaf_hashes[0]
    k = _k(n)
    left, right = mth(leaf_hashes[:k]), mth(leaf_hashes[k:])
    return hashlib.sha256(b"\x01" + left + right).digest()


def path(m: int, leaf_hashes: list[bytes]) -> list[bytes]:
    n = len(leaf_hashes)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*path(m, leaf_hashes[:k]), mth(leaf_hashes[k:])]
    return [*path(m - k, leaf_hashes[k:]), mth(leaf_hashes[:k])]


def proof(m: int, leaf_hashes: list[bytes]) -> list[bytes]:
    return _subproof(m, leaf_hashes, True)


def _subproof(m: int, leaf_hashes: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaf_hashes)
    if m == n:
        return [] if whole else [mth(leaf_hashes)]
    k = _k(n)
    if m <= k:
        return [*_subproof(m, leaf_hashes[:k], whole), mth(leaf_hashes[k:])]
    return [*_subproof(m - k, leaf_hashes[k:], False), mth(leaf_hashes[:k])]
