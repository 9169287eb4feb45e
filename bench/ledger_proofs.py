"""Ledger proofs at scale: append rate, inclusion and consistency proof times.

Builds in-memory ledgers (hocbaso.ledger.MemoryStorage: one bytearray of 32-byte
hashes per tree level, about 64 bytes per leaf) of 1 million and 10 million leaf
hashes, then times proofs for random indices against the full tree. The smaller
tree is built one `append` at a time, which is the registry's path and gives the
append rate; the larger is built with `append_many` in batches of 65,536 leaves,
which computes the same stored subtrees level by level with one read and one
write per batch (one-by-one appends would take minutes at 10 million). Leaf hashes
are SHA-256 leaf hashes of the 8-byte index, made in batches outside the clock.

Storage reads are counted on a separate pass through a counting wrapper, so the
timings carry no counting overhead; every operation makes one `read_hashes` call.
Times are the best of three rounds. Prints a JSON report (progress on stderr).

    .venv/bin/python bench/ledger_proofs.py [--sizes 1000000 10000000] [--proofs 2000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hocbaso.ledger import (
    MemoryStorage,
    MerkleTree,
    hash_leaf,
    verify_consistency,
    verify_inclusion,
)
from hocbaso.ledger.merkle import Node

BATCH = 65_536


class CountingStorage:
    """Wraps a MemoryStorage and counts read calls and the hashes they return."""

    def __init__(self, inner: MemoryStorage) -> None:
        self.inner = inner
        self.calls = self.hashes = 0

    def tree_size(self) -> int:
        return self.inner.tree_size()

    def read_hashes(self, nodes: Sequence[Node]) -> list[bytes]:
        self.calls += 1
        self.hashes += len(nodes)
        return self.inner.read_hashes(nodes)

    def write_hashes(self, nodes: Sequence[tuple[Node, bytes]]) -> None:
        self.inner.write_hashes(nodes)


def leaves(start: int, end: int) -> list[bytes]:
    return [hash_leaf(i.to_bytes(8, "big")) for i in range(start, end)]


def build(size: int, one_by_one: bool) -> tuple[MerkleTree, MemoryStorage, float]:
    """Append `size` leaves; return the tree and the seconds spent appending."""
    storage = MemoryStorage()
    tree = MerkleTree(storage)
    spent = 0.0
    for start in range(0, size, BATCH):
        batch = leaves(start, min(start + BATCH, size))
        began = time.perf_counter()
        if one_by_one:
            for leaf in batch:
                tree.append(leaf)
        else:
            tree.append_many(batch)
        spent += time.perf_counter() - began
    return tree, storage, spent


def per_call_us(fn: Callable[[int], object], args: list[int], rounds: int = 3) -> float:
    """Microseconds per call, the best of `rounds` (the machine is shared)."""
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        for arg in args:
            fn(arg)
        best = min(best, time.perf_counter() - began)
    return best / len(args) * 1e6


def reads(
    storage: MemoryStorage, op: Callable[[MerkleTree, int], object], args: list[int]
) -> dict[str, float]:
    """Read calls per operation and hashes per operation (mean and max) over args."""
    counting = CountingStorage(storage)
    tree = MerkleTree(counting)
    counts = []
    for arg in args:
        before = counting.hashes
        op(tree, arg)
        counts.append(counting.hashes - before)
    return {
        "read_calls": counting.calls / len(args),
        "hashes_read_mean": round(sum(counts) / len(counts), 1),
        "hashes_read_max": max(counts),
    }


def check(tree: MerkleTree, rng: random.Random, size: int) -> None:
    """Proofs must verify; checked on a sample, outside the clock."""
    root = tree.root()
    for index in rng.sample(range(size), 50):
        leaf = tree.leaf_hash(index)
        verify_inclusion(leaf, index, size, tree.inclusion_proof(index, size), root)
    for old in rng.sample(range(1, size), 20):
        proof = tree.consistency_proof(old, size)
        verify_consistency(old, size, tree.root(old), root, proof)


def measure(
    size: int, proofs: int, rng: random.Random, one_by_one: bool
) -> dict[str, object]:
    """Build a tree of `size` leaves and time its roots, proofs and verification."""
    tree, storage, spent = build(size, one_by_one)
    how = "append" if one_by_one else f"append_many({BATCH})"
    report: dict[str, object] = {
        "leaves": size,
        "built_with": how,
        "build_seconds": round(spent, 1),
        "leaves_appended_per_second": round(size / spent),
    }
    print(f"{size:,} leaves built with {how} in {spent:.1f} s", file=sys.stderr)
    check(tree, rng, size)
    indices = [rng.randrange(size) for _ in range(proofs)]
    olds = [rng.randrange(1, size) for _ in range(proofs // 10)]
    rows: list[tuple[str, Callable[[MerkleTree, int], object], list[int]]] = [
        ("root", lambda t, _: t.root(), [0] * 200),
        ("inclusion_proof", lambda t, i: t.inclusion_proof(i, size), indices),
        ("consistency_proof", lambda t, o: t.consistency_proof(o, size), olds),
    ]
    for name, op, args in rows:
        us = per_call_us(lambda arg, op=op: op(tree, arg), args)
        report[name] = {"us": round(us, 1), **reads(storage, op, args[:100])}
    report["verify_inclusion_us"] = round(verify_us(tree, indices[:200], size), 1)
    return report


def verify_us(tree: MerkleTree, indices: list[int], size: int) -> float:
    """µs per verify_inclusion, the leaf hash read included."""
    root = tree.root()
    paths = {i: tree.inclusion_proof(i, size) for i in indices}
    return per_call_us(
        lambda i: verify_inclusion(tree.leaf_hash(i), i, size, paths[i], root),
        list(paths),
    )


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--proofs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=6962)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    began = time.perf_counter()
    trees = [
        measure(size, args.proofs, rng, one_by_one=size <= 1_000_000)
        for size in args.sizes
    ]
    result = {
        "trees": trees,
        "total_seconds": round(time.perf_counter() - began),
        "peak_memory_mib": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
