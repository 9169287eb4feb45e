"""Entries: opaque identifiers and hashes only, in one canonical encoding."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hocbaso.ledger import Entry, EntryError, Event, hash_leaf

PACKET = hashlib.sha256(b"signed packet").digest()
OLDER = hashlib.sha256(b"older packet").digest()
LOCKED_AT = datetime(2025, 6, 30, 17, 0, tzinfo=UTC)


def submit(**changes: object) -> Entry:
    values: dict[str, object] = {
        "event": Event.RECORD_SUBMIT,
        "time": LOCKED_AT,
        "subject": "rec-000123",
        "reference": "sub-000456",
        "digest": PACKET,
    }
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


def test_the_entry_type_has_only_the_allowed_fields() -> None:
    names = {f.name for f in dataclasses.fields(Entry)}
    assert names == {
        "event",
        "time",
        "subject",
        "reference",
        "digest",
        "previous",
        "note",
    }


@pytest.mark.parametrize("field", ["name", "birth_date", "lookup_code", "pin"])
def test_it_takes_no_personal_data_field(field: str) -> None:
    with pytest.raises(TypeError):
        submit(**{field: "x"})


def test_the_encoding_is_sorted_compact_json() -> None:
    assert submit().to_bytes() == (
        b'{"digest":"' + PACKET.hex().encode() + b'","event":"record:submit",'
        b'"previous":null,"reference":"sub-000456","subject":"rec-000123",'
        b'"time":"2025-06-30T17:00:00.000000Z","v":1}'
    )


def test_the_leaf_hash_is_that_of_the_canonical_bytes() -> None:
    entry = submit()
    assert entry.leaf_hash() == hash_leaf(entry.to_bytes())


def test_a_time_in_vietnam_is_stored_in_utc() -> None:
    hanoi = timezone(timedelta(hours=7))
    entry = submit(time=datetime(2025, 7, 1, 0, 0, tzinfo=hanoi))
    assert entry.time == LOCKED_AT and entry.time.tzinfo is UTC
    assert entry.to_bytes() == submit().to_bytes()


def test_it_refuses_a_naive_time() -> None:
    with pytest.raises(EntryError, match="aware"):
        submit(time=datetime(2025, 6, 30, 17, 0))


@pytest.mark.parametrize(
    "identifier",
    [
        "0f8fad5bd9cb469fa16570867728950e",  # a lookup code
        "0F8FAD5B-D9CB-469F-A165-70867728950E",  # any UUID
        "001205012345",  # a personal identification number
        "Nguyễn Văn A",  # a name: not an opaque token
        "",
        "-leading-dash",
        "x" * 65,
    ],
)
def test_it_refuses_identifiers_that_are_not_opaque_tokens(identifier: str) -> None:
    with pytest.raises(EntryError):
        submit(subject=identifier)
    with pytest.raises(EntryError):
        submit(reference=identifier)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"digest": None}, "needs the digest"),
        ({"digest": b"short"}, "32-byte"),
        ({"previous": OLDER}, "takes no previous"),
        ({"event": Event.RECORD_REPLACE}, "previous packet"),
        ({"event": "record:delete"}, "unknown event"),
    ],
)
def test_it_refuses_an_entry_that_breaks_its_events_rules(
    changes: dict[str, object], reason: str
) -> None:
    with pytest.raises(EntryError, match=reason):
        submit(**changes)


def test_a_lock_and_a_transfer_may_carry_no_digest() -> None:
    lock = submit(event=Event.ROUND_LOCK, subject="round-2025-main", digest=None)
    move = submit(event=Event.TRANSFER_RELEASE, subject="tr-77", digest=None)
    assert Entry.from_bytes(lock.to_bytes()) == lock
    assert Entry.from_bytes(move.to_bytes()) == move


def test_the_event_strings_are_stable() -> None:
    assert [e.value for e in Event] == [
        "record:submit",
        "record:replace",
        "record:revoke",
        "round:lock",
        "transcript:transfer-request",
        "transcript:transfer-release",
        "transcript:transfer-acknowledge",
        "correction:request",
        "correction:decide",
        "record:correct",
    ]


_WITH_PREVIOUS = {Event.RECORD_REPLACE, Event.CORRECTION_REQUEST, Event.RECORD_CORRECT}


def entries() -> st.SearchStrategy[Entry]:
    token = st.from_regex(r"[a-z]{1,4}-[0-9]{1,9}", fullmatch=True)
    digest = st.binary(min_size=32, max_size=32)
    times = st.datetimes(min_value=datetime(2000, 1, 1), timezones=st.just(UTC))
    plain = st.builds(
        Entry,
        event=st.sampled_from([e for e in Event if e not in _WITH_PREVIOUS]),
        time=times,
        subject=token,
        reference=token,
        digest=digest,
    )
    replace = st.builds(
        Entry,
        event=st.sampled_from(sorted(_WITH_PREVIOUS)),
        time=times,
        subject=token,
        reference=token,
        digest=digest,
        previous=digest,
    )
    return plain | replace


@given(entries())
def test_every_entry_decodes_from_its_bytes_to_itself(entry: Entry) -> None:
    data = entry.to_bytes()
    assert Entry.from_bytes(data) == entry
    assert Entry.from_bytes(data).to_bytes() == data


def test_decoding_refuses_an_unknown_field() -> None:
    value = json.loads(submit().to_bytes())
    value["name"] = "Nguyen Van A"
    data = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    with pytest.raises(EntryError, match="exactly"):
        Entry.from_bytes(data)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda d: d.replace(b",", b", ", 1),  # not compact
        lambda d: b" " + d,
        lambda d: d.replace(b'"v":1', b'"v":2'),
        lambda d: d.replace(b".000000Z", b"Z"),
        lambda d: d.replace(b"record:submit", b"record:erase"),
        lambda d: d.replace(PACKET.hex().encode(), PACKET.hex().upper().encode()),
        lambda d: d[:-1],
        lambda d: b"\xff" + d,
    ],
)
def test_decoding_refuses_anything_but_the_canonical_bytes(
    mangle: Callable[[bytes], bytes],
) -> None:
    with pytest.raises(EntryError):
        Entry.from_bytes(mangle(submit().to_bytes()))


REASON = hashlib.sha256(b"a keyed commitment to a reason").digest()


def revoke(**changes: object) -> Entry:
    return submit(event=Event.RECORD_REVOKE, note=REASON, **changes)


def test_a_revocation_with_a_note_is_version_2_and_decodes_to_itself() -> None:
    data = revoke().to_bytes()
    assert json.loads(data)["v"] == 2 and json.loads(data)["note"] == REASON.hex()
    assert Entry.from_bytes(data) == revoke()


def test_an_entry_without_a_note_keeps_its_version_1_bytes() -> None:
    entry = submit(event=Event.RECORD_REVOKE)
    assert json.loads(entry.to_bytes())["v"] == 1
    assert b"note" not in entry.to_bytes()


_WITH_NOTE = {
    Event.RECORD_REVOKE,
    Event.CORRECTION_REQUEST,
    Event.CORRECTION_DECIDE,
    Event.RECORD_CORRECT,
}


@pytest.mark.parametrize("event", [e for e in Event if e not in _WITH_NOTE])
def test_only_a_revocation_or_a_correction_takes_a_note(event: Event) -> None:
    previous = OLDER if event is Event.RECORD_REPLACE else None
    with pytest.raises(EntryError, match="no note"):
        submit(event=event, previous=previous, note=REASON)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda d: d.replace(b'"v":2', b'"v":1'),  # a note in version 1
        lambda d: d.replace(b'"v":2', b'"v":3'),
        lambda d: d.replace(REASON.hex().encode(), b"null"),  # version 2, no note
        lambda d: d.replace(REASON.hex().encode(), REASON.hex()[:-2].encode()),
    ],
)
def test_decoding_refuses_a_version_2_entry_that_is_not_canonical(
    mangle: Callable[[bytes], bytes],
) -> None:
    with pytest.raises(EntryError):
        Entry.from_bytes(mangle(revoke().to_bytes()))


def test_a_correction_names_the_locked_packet_and_commits_to_its_text() -> None:
    digest, note = bytes(32), bytes(range(32))
    for event in (Event.CORRECTION_REQUEST, Event.RECORD_CORRECT):
        with pytest.raises(EntryError, match="previous packet"):
            submit(event=event, digest=digest)
        entry = submit(event=event, digest=digest, previous=digest, note=note)
        assert Entry.from_bytes(entry.to_bytes()) == entry
    decide = submit(event=Event.CORRECTION_DECIDE, digest=digest, note=note)
    assert Entry.from_bytes(decide.to_bytes()) == decide
    with pytest.raises(EntryError, match="takes no previous"):
        submit(event=Event.CORRECTION_DECIDE, digest=digest, previous=digest)
