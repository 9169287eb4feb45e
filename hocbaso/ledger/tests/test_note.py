"""Signed notes (c2sp.org/signed-note): known answers, keys, tampering, bad notes."""

from __future__ import annotations

import pytest

from hocbaso.ledger import (
    Ed25519NoteSigner,
    KeyFormatError,
    NoteFormatError,
    SignatureInvalidError,
    UnknownKeyError,
    VerifierKey,
    open_note,
    sign_note,
)

# golang.org/x/mod/sumdb/note: its package documentation and note_test.go.
PETER_PRIVATE = (
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
)
PETER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_LINE = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZ"
    "SNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_LINE = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovT"
    "G01oOTGwnWLox33WWd1RvMc+QQ=\n"
)
# The example of c2sp.org/signed-note.
SPEC_KEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1"
    "YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def test_the_go_private_key_gives_the_go_verifier_key() -> None:
    signer = Ed25519NoteSigner.from_private_key_string(PETER_PRIVATE)
    assert signer.verifier_key().to_string() == PETER
    assert signer.private_key_string() == PETER_PRIVATE


def test_signing_reproduces_the_go_signed_note_byte_for_byte() -> None:
    signer = Ed25519NoteSigner.from_private_key_string(PETER_PRIVATE)
    assert sign_note(TEXT, signer) == f"{TEXT}\n{PETER_LINE}"


def test_it_opens_the_specification_example_and_the_go_example() -> None:
    assert open_note(SPEC_NOTE, VerifierKey.from_string(SPEC_KEY)) == (
        "This is an example message.\n"
    )
    note = f"{TEXT}\n{PETER_LINE}"
    assert open_note(note.encode(), VerifierKey.from_string(PETER)) == TEXT


def test_signatures_by_other_keys_are_ignored() -> None:
    note = f"{TEXT}\n{ENOCH_LINE}{PETER_LINE}"
    assert open_note(note, VerifierKey.from_string(PETER)) == TEXT
    assert open_note(note, VerifierKey.from_string(ENOCH)) == TEXT


def test_a_note_without_the_trusted_key_is_refused() -> None:
    note = f"{TEXT}\n{ENOCH_LINE}"
    with pytest.raises(UnknownKeyError, match="PeterNeumann"):
        open_note(note, VerifierKey.from_string(PETER))


def test_a_key_of_the_same_name_but_another_hash_is_unknown() -> None:
    impostor = Ed25519NoteSigner.generate("PeterNeumann")
    note = sign_note(TEXT, impostor)
    with pytest.raises(UnknownKeyError):
        open_note(note, VerifierKey.from_string(PETER))


def test_a_changed_text_fails_the_signature() -> None:
    note = f"{TEXT}\n{PETER_LINE}".replace("cryptography", "cryptographY")
    with pytest.raises(SignatureInvalidError):
        open_note(note, VerifierKey.from_string(PETER))


def test_a_changed_signature_fails() -> None:
    note = f"{TEXT}\n{PETER_LINE}".replace("x08go/", "x08go+")
    with pytest.raises(SignatureInvalidError):
        open_note(note, VerifierKey.from_string(PETER))


@pytest.mark.parametrize(
    "note",
    [
        TEXT,  # no signatures
        f"{TEXT}{PETER_LINE}",  # no blank line
        f"{TEXT}\n{PETER_LINE}".rstrip("\n"),  # last line unterminated
        f"{TEXT}\n{PETER_LINE.replace('— ', '- ')}",  # hyphen, not em dash
        f"{TEXT}\n{PETER_LINE.replace('PeterNeumann ', 'Peter Neumann ')}",
        f"{TEXT}\n— PeterNeumann\n",  # no signature
        f"{TEXT}\n— PeterNeumann AAAA\n",  # shorter than a key hash
        f"{TEXT}\n— PeterNeumann not*base64\n",
        f"{TEXT}\n{PETER_LINE}\n",  # an empty line after the signatures
        f"{TEXT}\x07\n{PETER_LINE}",  # a control character
        f"{TEXT}\n" + PETER_LINE * 101,  # too many signatures
    ],
)
def test_malformed_notes_are_refused(note: str) -> None:
    with pytest.raises(NoteFormatError):
        open_note(note, VerifierKey.from_string(PETER))


def test_a_note_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(NoteFormatError, match="UTF-8"):
        open_note(
            b"\xff" + f"{TEXT}\n{PETER_LINE}".encode(),
            VerifierKey("PeterNeumann", bytes(32)),
        )


def test_signing_refuses_text_without_a_final_newline() -> None:
    signer = Ed25519NoteSigner.generate("example.org/log")
    with pytest.raises(NoteFormatError, match="newline"):
        sign_note("no newline", signer)


def test_a_generated_key_round_trips_through_its_strings() -> None:
    signer = Ed25519NoteSigner.generate("hocbaso.example/ledger")
    again = Ed25519NoteSigner.from_private_key_string(signer.private_key_string())
    key = VerifierKey.from_string(signer.verifier_key().to_string())
    assert again.public_key == signer.public_key
    assert open_note(sign_note(TEXT, again), key) == TEXT


@pytest.mark.parametrize(
    "text",
    [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # hash
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # case
        "PeterNeumann+c74f20a3+AhpcZQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # type
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",  # short
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_malformed_verifier_keys_are_refused(text: str) -> None:
    with pytest.raises(KeyFormatError):
        VerifierKey.from_string(text)


def test_every_one_character_change_of_a_verifier_key_is_refused() -> None:
    for i in range(len(PETER)):
        changed = PETER[:i] + chr(ord(PETER[i]) + 1) + PETER[i + 1 :]
        with pytest.raises(KeyFormatError):
            VerifierKey.from_string(changed)


def test_a_base64_key_containing_a_plus_sign_parses() -> None:
    # transparency-dev/formats note tests: the key material itself holds a "+".
    key = VerifierKey.from_string(
        "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6"
    )
    assert key.name == "TEST"


@pytest.mark.parametrize(
    "text",
    [
        "PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr",
    ],
)
def test_malformed_private_keys_are_refused(text: str) -> None:
    with pytest.raises(KeyFormatError):
        Ed25519NoteSigner.from_private_key_string(text)


def test_a_derived_key_depends_on_the_key_and_the_purpose_not_the_name() -> None:
    signer = Ed25519NoteSigner.generate("hocbaso/registry")
    renamed = signer.renamed("hocba.hanoi.edu.vn/ledger")
    other = Ed25519NoteSigner.generate("hocbaso/registry")
    key = signer.derive_key(b"reasons")
    assert len(key) == 32 and key == renamed.derive_key(b"reasons")
    assert key != signer.derive_key(b"other use") != other.derive_key(b"reasons")
