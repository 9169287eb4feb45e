"""What a lock covers, from the public API: an outsider recomputes the lock entry's
digest from the published list and checks each covered submission's own entry.

Nothing of hocbaso is used to check: SHA-256 of the sorted lines
``<submission id> <packet SHA-256>\\n`` (docs/registry.md, "The ledger").
"""

import hashlib
import json

from hocbaso.registry.tests.api_support import API, assert_error, get
from hocbaso.registry.tests.test_api_ledger_proofs import (  # noqa: F401 (fixture)
    ledger,
)


def _locks(entries: list[bytes]) -> list[tuple[int, dict]]:
    read = [json.loads(e) for e in entries]
    return [(i, e) for i, e in enumerate(read) if e["event"] == "round:lock"]


def _all_pages(client, index: int, page: int) -> tuple[dict, list[dict]]:
    first = get(client, f"/ledger/locks/{index}", start=0, end=0).json()
    listed = []
    for start in range(0, first["count"], page):
        end = min(first["count"], start + page)
        body = get(client, f"/ledger/locks/{index}", start=start, end=end).json()
        assert (body["start"], body["end"]) == (start, end)
        listed += body["submissions"]
    return first, listed


def test_the_published_list_of_each_lock_gives_the_digest_of_its_entry(ledger, client):  # noqa: F811
    entries, _size, _root = ledger
    locks = _locks(entries)
    assert locks
    covered = 0
    for index, entry in locks:
        head, listed = _all_pages(client, index, page=2)
        lines = "".join(f"{s['submission_id']} {s['packet_sha256']}\n" for s in listed)
        assert hashlib.sha256(lines.encode()).hexdigest() == entry["digest"]
        assert head["lock_id"] == entry["reference"] and head["count"] == len(listed)
        for s in listed:  # each one was accepted by the entry it names
            accepted = json.loads(entries[s["entry_index"]])
            assert accepted["reference"] == s["submission_id"]
            assert accepted["digest"] == s["packet_sha256"]
            assert s["entry_index"] < index
        covered += len(listed)
    assert covered > 2  # the pages of two were put together at least once


def test_the_list_holds_no_lookup_code_and_no_personal_data(ledger, client, district):  # noqa: F811
    entries, _size, _root = ledger
    text = b"".join(
        get(client, f"/ledger/locks/{index}").content for index, _e in _locks(entries)
    )
    for school_class in (district.primary, district.secondary, district.other_primary):
        for record in district.records(school_class, "main"):
            student = record.transcript.student
            assert record.transcript.lookup_code.encode() not in text
            assert student.personal_id.encode() not in text
            assert student.student_code.encode() not in text
            assert student.full_name.encode() not in text
    assert set(
        json.loads(get(client, f"/ledger/locks/{_locks(entries)[0][0]}").content)[
            "submissions"
        ][0]
    ) == {"submission_id", "packet_sha256", "entry_index"}


def test_an_entry_that_is_not_a_lock_is_not_found(ledger, client):  # noqa: F811
    assert_error(get(client, "/ledger/locks/0"), 404, "NOT_A_LOCK")


def test_a_page_past_the_list_is_refused(ledger, client):  # noqa: F811
    index, _entry = _locks(ledger[0])[0]
    count = get(client, f"/ledger/locks/{index}").json()["count"]
    response = get(client, f"/ledger/locks/{index}", start=0, end=count + 1)
    assert_error(response, 400, "LEDGER_RANGE")


def test_the_refusal_reads_in_vietnamese(ledger, client):  # noqa: F811
    response = client.get(API + "/ledger/locks/0", headers={"Accept-Language": "vi"})
    body = assert_error(response, 404, "NOT_A_LOCK")
    assert body["error"] == "Mục 0 của sổ cái không phải là một lần khóa dữ liệu."
