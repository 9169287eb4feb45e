"""The ledger's proofs from the API, checked by a verifier written here from the RFCs.

Nothing of hocbaso.ledger is used to check: the Merkle tree hash is RFC 6962 §2.1,
inclusion is verified as RFC 9162 §2.1.3.2 and consistency as §2.1.4.2 (the same
proofs as RFC 6962 §2.1.1 and §2.1.2), and the checkpoint is a C2SP signed note
(c2sp.org/signed-note, c2sp.org/tlog-checkpoint) checked with `cryptography`.
"""

import base64
import hashlib

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.tests.api_support import assert_error, freeze, get

# --- RFC 6962 §2.1 and RFC 9162 §2.1.3.2 / §2.1.4.2, written from the text ----------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf_hash(entry: bytes) -> bytes:
    return sha256(b"\x00" + entry)  # MTH({d(0)}) = SHA-256(0x00 || d(0))


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)  # SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))


def mth(entries: list[bytes]) -> bytes:
    """RFC 6962 §2.1: k is the largest power of two smaller than n."""
    n = len(entries)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaf_hash(entries[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(entries[:k]), mth(entries[k:]))


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: list[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2, step by step."""
    if index >= size:  # 1.
        return False
    fn, sn = index, size - 1  # 2.
    r = leaf  # 3.
    for p in path:  # 4.
        if sn == 0:  # 4a.
            return False
        if fn & 1 or fn == sn:  # 4b.
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1  # 4c.
    return sn == 0 and r == root  # 5.


def verify_consistency(
    first: int, second: int, first_hash: bytes, second_hash: bytes, path: list[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2, step by step (0 < first < second)."""
    if not path:  # 1.
        return False
    if first & (first - 1) == 0:  # 2. first is an exact power of 2
        path = [first_hash, *path]
    fn, sn = first - 1, second - 1  # 3.
    while fn & 1:  # 4.
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]  # 5.
    for c in path[1:]:  # 6.
        if sn == 0:  # 6a.
            return False
        if fn & 1 or fn == sn:  # 6b.
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1  # 6c.
    return fr == first_hash and sr == second_hash and sn == 0  # 7.


# --- C2SP signed note and checkpoint, written from c2sp.org ---------------------------


def open_checkpoint(note: str, verifier_key: str) -> tuple[str, int, bytes]:
    """Check the note's Ed25519 signature by the key; (origin, size, root hash)."""
    # "<name>+<hex key hash>+<base64(0x01 || key)>": the name has no "+", the
    # base64 may, so split from the left.
    name, key_hash_hex, key_b64 = verifier_key.strip().split("+", 2)
    key = base64.b64decode(key_b64)
    assert key[0] == 0x01 and len(key) == 33  # the Ed25519 type byte, then the key
    key_hash = sha256(name.encode() + b"\n" + key)[:4]
    assert key_hash.hex() == key_hash_hex
    text, _, signatures = note.rpartition("\n\n")
    text += "\n"
    verified = False
    for line in signatures.splitlines():
        dash, signer, blob = line.split(" ")
        signature = base64.b64decode(blob)
        if dash == "\u2014" and signer == name and signature[:4] == key_hash:
            Ed25519PublicKey.from_public_bytes(key[1:]).verify(
                signature[4:], text.encode()
            )
            verified = True
    assert verified, "no signature by the registry's key"
    origin, size, root = text.splitlines()[:3]
    return origin, int(size), base64.b64decode(root)


# --- the ledger through the API -------------------------------------------------------


def _fill_ledger(district):
    """Submissions, a replacement, a revocation, transfers and a lock: ~14 entries."""
    for school_class in (district.primary, district.secondary, district.other_primary):
        actor = Actor.of_user(district.user(school_class.school))
        for record in district.records(school_class, Round.MAIN):
            view = actions.submit(
                district.packet(record), school=record.school, actor=actor
            )
            assert view.records[0].accepted, view.records[0].problems
    clerk = Actor.of_user(district.user(district.primary.school))
    first = district.records(district.primary, Round.MAIN)[0]
    replaced = actions.replace(
        district.replacement[first.pk], school=first.school, actor=clerk, reason="Sửa"
    )
    actions.revoke(
        replaced.records[0].submission_id,
        school=first.school,
        actor=clerk,
        reason="Thu hồi",
    )
    _move(district, first, clerk)
    actions.lock_round(district.year, "main", actor=Actor.system("tests"))


def _move(district, record, sending):
    receiving = Actor.of_user(district.user(district.other_primary.school))
    transfer = actions.request_transfer(
        student_code=record.transcript.student.student_code,
        level="primary",
        to_school=district.other_primary.school,
        actor=receiving,
    )
    actions.release_transfer(transfer.public_id, school=record.school, actor=sending)


@pytest.fixture
def ledger(district, db, client, monkeypatch):
    """(entries, checkpoint size, checkpoint root) read and checked through the API."""
    freeze(monkeypatch, district.open_at)
    _fill_ledger(district)
    note = get(client, "/ledger/checkpoint")
    key = get(client, "/ledger/key")
    assert note["Content-Type"].startswith("text/plain")
    origin, size, root = open_checkpoint(note.content.decode(), key.content.decode())
    assert origin == "hocbaso/registry" and size >= 12
    body = get(client, "/ledger/entries", start=0, end=size).json()
    entries = [base64.b64decode(e["data"]) for e in body["entries"]]
    assert [e["index"] for e in body["entries"]] == list(range(size))
    return entries, size, root


def _hashes(response) -> list[bytes]:
    assert response.status_code == 200, response.content
    return [base64.b64decode(h) for h in response.json()["hashes"]]


def _sizes(size: int) -> list[int]:
    return sorted({1, 2, 3, 4, 5, 7, 8, size // 2 + 1, size - 1, size})


def test_the_entries_rebuild_the_root_the_signed_checkpoint_states(ledger):
    entries, size, root = ledger

    assert len(entries) == size and mth(entries) == root


def test_every_entry_is_included_in_the_checkpoint_and_in_smaller_trees(ledger, client):
    entries, size, root = ledger
    for tree_size in _sizes(size):
        tree_root = root if tree_size == size else mth(entries[:tree_size])
        for index in range(tree_size):
            path = _hashes(
                get(client, "/ledger/proofs/inclusion", index=index, size=tree_size)
            )
            leaf = leaf_hash(entries[index])
            assert verify_inclusion(leaf, index, tree_size, path, tree_root), (
                index,
                tree_size,
            )


def test_every_smaller_tree_is_consistent_with_the_checkpoint_and_each_other(
    ledger, client
):
    entries, size, root = ledger
    sizes = _sizes(size)
    for second in sizes:
        second_root = root if second == size else mth(entries[:second])
        for first in (s for s in sizes if s < second):
            path = _hashes(
                get(client, "/ledger/proofs/consistency", size1=first, size2=second)
            )
            assert verify_consistency(
                first, second, mth(entries[:first]), second_root, path
            ), (first, second)


def test_the_verifier_here_refuses_altered_proofs(ledger, client):
    entries, size, root = ledger
    index = size // 2
    path = _hashes(get(client, "/ledger/proofs/inclusion", index=index, size=size))
    bent = [path[0][:-1] + bytes([path[0][-1] ^ 1]), *path[1:]]
    proof = _hashes(get(client, "/ledger/proofs/consistency", size1=3, size2=size))

    assert not verify_inclusion(leaf_hash(entries[index]), index, size, bent, root)
    assert not verify_inclusion(leaf_hash(entries[index - 1]), index, size, path, root)
    assert not verify_consistency(3, size, mth(entries[:4]), root, proof)
    assert not verify_consistency(3, size, mth(entries[:3]), root, proof[:-1])


def test_an_altered_checkpoint_fails_its_signature(ledger, client):
    note = get(client, "/ledger/checkpoint").content.decode()
    key = get(client, "/ledger/key").content.decode()
    _origin, size, _root = open_checkpoint(note, key)
    altered = note.replace(f"\n{size}\n", f"\n{size + 1}\n", 1)

    with pytest.raises(InvalidSignature):
        open_checkpoint(altered, key)


def test_proofs_beyond_the_log_are_refused_with_the_envelope(ledger, client):
    _entries, size, _root = ledger

    assert_error(
        get(client, "/ledger/proofs/inclusion", index=size, size=size),
        400,
        "LEDGER_RANGE",
    )
    assert_error(
        get(client, "/ledger/proofs/consistency", size1=2, size2=size + 1),
        400,
        "LEDGER_RANGE",
    )
    assert_error(
        get(client, "/ledger/entries", start=0, end=size + 1), 400, "LEDGER_RANGE"
    )
    assert_error(get(client, "/ledger/entries", start=5, end=2), 400, "LEDGER_RANGE")
    assert_error(
        get(client, "/ledger/entries", start=-1, end=2), 422, "VALIDATION_ERROR"
    )


def test_an_empty_ledger_has_no_checkpoint_yet(district, db, client):
    assert_error(get(client, "/ledger/checkpoint"), 404, "LEDGER_EMPTY")
    assert get(client, "/ledger/key").content.decode().startswith("hocbaso/registry+")
