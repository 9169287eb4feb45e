"""Checkpoints (c2sp.org/tlog-checkpoint): body, signing, verification, tampering."""

from __future__ import annotations

import base64

import pytest

from hocbaso.ledger import (
    Checkpoint,
    Ed25519NoteSigner,
    NoteFormatError,
    SignatureInvalidError,
    UnknownKeyError,
    check_origin,
    origin_from_url,
    sign_checkpoint,
    verify_checkpoint,
)

ORIGIN = "hocbaso.example/ledger"
ROOT = bytes(range(32))


@pytest.fixture(scope="module")
def signer() -> Ed25519NoteSigner:
    return Ed25519NoteSigner.generate(ORIGIN)


def test_the_body_is_origin_size_and_base64_root_each_on_its_line() -> None:
    body = Checkpoint(ORIGIN, 63711, ROOT).to_text()
    assert body == f"{ORIGIN}\n63711\n{base64.b64encode(ROOT).decode()}\n"


def test_a_checkpoint_signs_and_verifies(signer: Ed25519NoteSigner) -> None:
    checkpoint = Checkpoint(ORIGIN, 42, ROOT)
    note = sign_checkpoint(checkpoint, signer)
    assert note.startswith(checkpoint.to_text() + "\n— hocbaso.example/ledger ")
    assert verify_checkpoint(note, signer.verifier_key(), ORIGIN) == checkpoint


def test_extension_lines_survive_the_round_trip(signer: Ed25519NoteSigner) -> None:
    checkpoint = Checkpoint(ORIGIN, 1, ROOT, ("extension line",))
    note = sign_checkpoint(checkpoint, signer)
    assert verify_checkpoint(note, signer.verifier_key()) == checkpoint


def test_a_tampered_tree_size_fails_the_signature(signer: Ed25519NoteSigner) -> None:
    note = sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), signer)
    with pytest.raises(SignatureInvalidError):
        verify_checkpoint(note.replace("\n42\n", "\n43\n"), signer.verifier_key())


def test_a_tampered_root_fails_the_signature(signer: Ed25519NoteSigner) -> None:
    note = sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), signer)
    other = base64.b64encode(bytes(32)).decode()
    tampered = note.replace(base64.b64encode(ROOT).decode(), other)
    with pytest.raises(SignatureInvalidError):
        verify_checkpoint(tampered, signer.verifier_key())


def test_a_checkpoint_signed_by_another_key_is_refused(
    signer: Ed25519NoteSigner,
) -> None:
    note = sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), signer)
    stranger = Ed25519NoteSigner.generate(ORIGIN)
    with pytest.raises(UnknownKeyError):
        verify_checkpoint(note, stranger.verifier_key())


def test_a_checkpoint_of_another_log_is_refused(signer: Ed25519NoteSigner) -> None:
    note = sign_checkpoint(Checkpoint("other.example/log", 42, ROOT), signer)
    with pytest.raises(NoteFormatError, match=r"other\.example/log"):
        verify_checkpoint(note, signer.verifier_key(), ORIGIN)


@pytest.mark.parametrize(
    "body",
    [
        f"{ORIGIN}\n42\n",  # no root line
        f"{ORIGIN}\n042\n{base64.b64encode(ROOT).decode()}\n",  # leading zero
        f"{ORIGIN}\n-1\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n4 2\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT[:31]).decode()}\n",  # short root
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode().rstrip('=')}\n",
        f"{ORIGIN}\n42\n{base64.urlsafe_b64encode(bytes([251] * 32)).decode()}\n",
        f"\n42\n{base64.b64encode(ROOT).decode()}\n",  # empty origin
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\n\n",  # empty extension
    ],
)
def test_malformed_bodies_are_refused_even_when_signed(
    signer: Ed25519NoteSigner, body: str
) -> None:
    note = _sign_raw(body, signer)
    with pytest.raises(NoteFormatError):
        verify_checkpoint(note, signer.verifier_key())


def _sign_raw(body: str, signer: Ed25519NoteSigner) -> str:
    # Build the note by hand: sign_note would accept these bodies, as it should,
    # but a blank last line would change where the signatures start.
    signature = base64.b64encode(
        signer.verifier_key().key_hash + signer.sign(body.encode())
    ).decode()
    return f"{body}\n— {signer.name} {signature}\n"


def test_a_checkpoint_refuses_impossible_values() -> None:
    with pytest.raises(NoteFormatError):
        Checkpoint(ORIGIN, -1, ROOT)
    with pytest.raises(NoteFormatError):
        Checkpoint(ORIGIN, 1, ROOT[:16])
    with pytest.raises(NoteFormatError):
        Checkpoint("two\nlines", 1, ROOT)


@pytest.mark.parametrize(
    "origin",
    ["hocba.hanoi.edu.vn/ledger", "hocbaso/registry", "log.example:8443/a/b", "x"],
)
def test_an_origin_is_a_schema_less_url(origin):
    assert check_origin(origin) == origin


@pytest.mark.parametrize(
    "origin",
    [
        "",
        "https://hocba.hanoi.edu.vn/ledger",  # a scheme
        "HocBa.vn/ledger",  # an uppercase host
        "hocba.vn/ledger?x=1",
        "hocba.vn/le dger",
        "hocba.vn/ledger+1",  # "+" ends a key name
        "hocba.vn/",
        "-hocba.vn",
        "a" * 256,
    ],
)
def test_anything_else_is_not_an_origin(origin):
    with pytest.raises(NoteFormatError):
        check_origin(origin)


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://hocba.hanoi.edu.vn/", "hocba.hanoi.edu.vn/ledger"),
        ("https://HOCBA.hanoi.edu.vn", "hocba.hanoi.edu.vn/ledger"),
        ("http://127.0.0.1:8000/", "127.0.0.1:8000/ledger"),
        ("https://so.example.vn/hocba/?q=1", "so.example.vn/hocba/ledger"),
    ],
)
def test_the_origin_of_a_public_url_is_its_host_and_path(url, origin):
    assert origin_from_url(url) == origin


def test_a_url_without_a_host_gives_no_origin():
    with pytest.raises(NoteFormatError):
        origin_from_url("https:///ledger")


def test_a_renamed_signer_signs_with_the_same_key_under_the_new_name():
    old = Ed25519NoteSigner.generate("hocbaso/registry")
    new = old.renamed("hocba.hanoi.edu.vn/ledger")
    assert new.public_key == old.public_key
    assert new.verifier_key().key_hash != old.verifier_key().key_hash
    note = sign_checkpoint(Checkpoint(new.name, 1, ROOT), new)
    assert verify_checkpoint(note, new.verifier_key(), new.name).size == 1
