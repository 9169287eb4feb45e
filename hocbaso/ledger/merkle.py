"""RFC 6962 Merkle tree hashing, proof shapes and proof verification (pure functions).

The tree of n leaves is the one of RFC 6962 §2.1: the left subtree holds the largest
power of two strictly below n leaves, the right subtree the rest, so every size has a
tree, not only powers of two. Proof *shapes* are computed here as leaf ranges
[lo, hi); every such range is a node of the tree, and its hash is the right fold of
the perfect subtrees that cover it (the binary digits of hi - lo). Storage therefore
only ever needs the hashes of perfect subtrees, named (level, index): the subtree of
leaves [index * 2**level, (index + 1) * 2**level).

Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), whose
proofs are the same bytes as RFC 6962's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from hocbaso.ledger.errors import ProofError

HASH_SIZE = 32
"""SHA-256: every leaf, node and root hash has 32 bytes."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""RFC 6962 §2.1: the hash of an empty list is the hash of an empty string."""

Node = tuple[int, int]
"""A perfect subtree (level, index): leaves [index << level, (index + 1) << level)."""

Range = tuple[int, int]
"""Leaves [lo, hi) of a node of the RFC 6962 tree."""


def hash_leaf(data: bytes) -> bytes:
    """RFC 6962 §2.1: MTH({d}) = SHA-256(0x00 || d)."""
    return hashlib.sha256(b"\x00" + data).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """RFC 6962 §2.1: an interior node is SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """RFC 6962 §2.1: k, the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """RFC 6962 §2.1.1 PATH(m, D[n]) as ranges: the audit path, leaf side first."""
    ranges: list[Range] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = split_point(hi - lo)
        if index < lo + k:  # PATH(m, D[0:k]) : MTH(D[k:n])
            ranges.append((lo + k, hi))
            hi = lo + k
        else:  # PATH(m - k, D[k:n]) : MTH(D[0:k])
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def consistency_ranges(size1: int, size2: int) -> list[Range]:
    """RFC 6962 §2.1.2 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as ranges.

    Empty when size1 is 0 or equals size2 (nothing to prove); 0 <= size1 <= size2.
    """
    if size1 in (0, size2):
        return []
    ranges: list[Range] = []
    lo, hi, m, whole = 0, size2, size1, True
    while m != hi - lo:
        k = split_point(hi - lo)
        if m <= k:  # SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
            ranges.append((lo + k, hi))
            hi = lo + k
        else:  # SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
            ranges.append((lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    if not whole:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
        ranges.append((lo, hi))
    ranges.reverse()
    return ranges


def perfect_nodes(lo: int, hi: int) -> list[Node]:
    """The perfect subtrees covering a tree node's leaves [lo, hi), left to right.

    A node of the RFC 6962 tree starts at a multiple of its largest power-of-two
    part, so each piece is aligned and is a stored (level, index) subtree.
    """
    nodes: list[Node] = []
    while lo < hi:
        level = (hi - lo).bit_length() - 1
        nodes.append((level, lo >> level))
        lo += 1 << level
    return nodes


def fold_right(hashes: Sequence[bytes]) -> bytes:
    """Hash perfect subtrees left to right into their node (RFC 6962 §2.1 recursion)."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = hash_children(left, result)
    return result


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that leaf_hash is leaf `index` of the tree of `size` leaves with `root`.

    RFC 9162 §2.1.3.2. Raises ProofError naming the check that failed.
    """
    _check_hashes(leaf_hash=leaf_hash, root=root, proof=proof)
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    computed = _root_from_inclusion(leaf_hash, index, size, proof)
    if computed != root:
        raise ProofError(_mismatch("inclusion proof", computed, root))


def _root_from_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes:
    # RFC 9162 §2.1.3.2 steps 2-5: fn walks up from the leaf, sn from the last leaf.
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise ProofError(f"inclusion proof is longer than the path of {index}")
        if fn & 1 or fn == sn:
            r = hash_children(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = hash_children(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError(f"inclusion proof is shorter than the path of {index}")
    return r


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of size2 with root2 extends the tree of size1 with root1.

    RFC 9162 §2.1.4.2 for 0 < size1 < size2; equal sizes need equal roots and an
    empty proof, and size 0 needs the empty root and an empty proof. Raises ProofError.
    """
    _check_hashes(root1=root1, root2=root2, proof=proof)
    if not 0 <= size1 <= size2:
        raise ProofError(f"tree size {size1} cannot grow into tree size {size2}")
    if size1 in (0, size2):
        _verify_trivial_consistency(size1, size2, root1, root2, proof)
        return
    if not proof:  # RFC 9162 §2.1.4.2 step 1
        raise ProofError("consistency proof is empty")
    fr, sr = _roots_from_consistency(size1, size2, root1, proof)
    if fr != root1:
        raise ProofError(_mismatch("consistency proof, old tree,", fr, root1))
    if sr != root2:
        raise ProofError(_mismatch("consistency proof, new tree,", sr, root2))


def _verify_trivial_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    if proof:
        raise ProofError(f"a proof from size {size1} to {size2} must be empty")
    if size1 == 0 and root1 != EMPTY_ROOT:
        raise ProofError("the root of the empty tree is SHA-256 of nothing")
    if size1 == size2 and root1 != root2:
        raise ProofError(f"two different roots for the same tree size {size1}")


def _roots_from_consistency(
    size1: int, size2: int, root1: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes]:
    # RFC 9162 §2.1.4.2 steps 2-6.
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # step 2: size1 is a power of two
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:  # step 4
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:
            raise ProofError("consistency proof is longer than it should be")
        if fn & 1 or fn == sn:
            fr, sr = hash_children(c, fr), hash_children(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = hash_children(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:  # step 7
        raise ProofError("consistency proof is shorter than it should be")
    return fr, sr


def _check_hashes(proof: Sequence[bytes], **hashes: bytes) -> None:
    for name, value in hashes.items():
        if not isinstance(value, bytes) or len(value) != HASH_SIZE:
            raise ProofError(f"{name} must be a {HASH_SIZE}-byte SHA-256 hash")
    for i, value in enumerate(proof):
        if not isinstance(value, bytes) or len(value) != HASH_SIZE:
            raise ProofError(f"proof hash {i} must have {HASH_SIZE} bytes")


def _mismatch(what: str, computed: bytes, expected: bytes) -> str:
    return (
        f"{what} leads to root {computed.hex()[:16]}…, "
        f"not the expected {expected.hex()[:16]}…"
    )
