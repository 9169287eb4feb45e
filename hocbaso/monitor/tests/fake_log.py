"""A log served in memory the way the registry serves it (checkpoint, tiles, proofs,
lock lists), for the monitor's tests; the insider may swap its history."""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

from hocbaso.ledger import (
    Checkpoint,
    Ed25519NoteSigner,
    Entry,
    MemoryStorage,
    MerkleTree,
    hash_leaf,
    parse_tile_path,
    read_entry_bundle,
    sign_checkpoint,
)

BASE = "https://hocba.example.vn/api/v1"
ORIGIN = "hocba.example.vn/ledger"


class FakeLog:
    def __init__(self, signer: Ed25519NoteSigner) -> None:
        self.signer = signer
        self.storage = MemoryStorage()
        self.tree = MerkleTree(self.storage)
        self.locks: dict[int, list[tuple[str, str]]] = {}

    def append(self, data: bytes | Entry) -> int:
        raw = data.to_bytes() if isinstance(data, Entry) else data
        index = self.tree.size
        self.storage.write_entry(index, raw)
        self.tree.append(hash_leaf(raw))
        return index

    def note(self) -> str:
        checkpoint = Checkpoint(ORIGIN, self.tree.size, self.tree.root())
        return sign_checkpoint(checkpoint, self.signer)

    def fetch(self, url: str) -> bytes:
        parts = urlsplit(url)
        path = parts.path.removeprefix(urlsplit(BASE).path)
        query = {k: int(v[0]) for k, v in parse_qs(parts.query).items()}
        if path == "/ledger/checkpoint":
            return self.note().encode()
        if path.startswith("/ledger/tile/"):
            tile = parse_tile_path(path.removeprefix("/ledger/"))
            return read_entry_bundle(self.storage, tile, self.tree.size)
        if path == "/ledger/proofs/consistency":
            proof = self.tree.consistency_proof(query["size1"], query["size2"])
            return json.dumps(
                {"hashes": [base64.b64encode(h).decode() for h in proof]}
            ).encode()
        if path.startswith("/ledger/locks/"):
            listed = self.locks[int(path.rsplit("/", 1)[1])][query.get("start", 0) :]
            rows = [{"submission_id": s, "packet_sha256": p} for s, p in listed]
            return json.dumps({"count": len(listed), "submissions": rows}).encode()
        raise AssertionError(url)


def lock_digest(listed: list[tuple[str, str]]) -> bytes:
    return hashlib.sha256(
        "".join(f"{s} {p}\n" for s, p in sorted(listed)).encode()
    ).digest()
