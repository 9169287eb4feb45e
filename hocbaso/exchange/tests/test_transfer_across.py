"""A student moves from a school of one province to a school of another: the
receiving school asks with the parent's consent, the sending school releases, the
transcript's signed records move, both registries and ledgers record it, and the
national repository learns the new managing school as a newer version."""

from __future__ import annotations

import pytest

from hocbaso.exchange.tests.network import last_school_year

# The instances are subprocesses with their own SQLite databases: nothing here
# reaches the suite's database, so it runs once, in the SQLite half of `make test`.
pytestmark = pytest.mark.once

YEAR = last_school_year()
FAST = ["--attempts", "2", "--backoff", "0.05"]


def _current_year() -> str:
    first = int(YEAR[:4]) + 1
    return f"{first}-{first + 1}"


def _staff(instance, school_id: int, role: str = "principal") -> str:
    return instance.query(
        "select u.username from records_appointment a "
        "join records_person p on p.id = a.person_id "
        "join auth_user u on u.id = p.user_id "
        "join records_schoolyear y on y.id = a.school_year_id "
        "where a.school_id = ? and a.role = ? and y.name = ? limit 1",
        school_id,
        role,
        _current_year(),
    )[0][0]


@pytest.fixture(scope="module")
def moving(network):
    """A north student with a locked record, and a south school of that level."""
    north, south = network.north, network.south
    student, level, school_id, transcript_id, lookup = north.query(
        "select st.student_code, t.level, t.school_id, t.id, t.lookup_code "
        "from registry_submission s "
        "join records_yearlyrecord r on r.id = s.record_id "
        "join records_transcript t on t.id = r.transcript_id "
        "join records_student st on st.id = t.student_id "
        "where s.state = 'accepted' and s.locked_at is not null "
        "order by s.id limit 1"
    )[0]
    to_id, to_code = south.query(
        "select id, code from records_school where level = ? order by code limit 1",
        level,
    )[0]
    return {
        "student": student,
        "level": level,
        "from_school": school_id,
        "transcript": transcript_id,
        "lookup": lookup,
        "to_school": to_id,
        "to_code": to_code,
    }


def test_a_transcript_moves_to_a_school_of_another_province(network, moving, tmp_path):
    north, south, national = network.north, network.south, network.national
    north.exchange("send", "--year", YEAR, "--round", "main", *FAST)
    consent = tmp_path / "consent.txt"
    consent.write_text(
        north.exchange(
            "consent",
            "--student",
            moving["student"],
            "--level",
            moving["level"],
            "--to-school",
            moving["to_code"],
        ).stdout
    )
    transfer = south.exchange(
        "request-transfer",
        "--from",
        "01",
        "--student",
        moving["student"],
        "--level",
        moving["level"],
        "--school",
        moving["to_code"],
        "--consent-file",
        str(consent),
        "--as",
        _staff(south, moving["to_school"]),
    ).stdout.strip()
    done = north.exchange(
        "release", transfer, "--as", _staff(north, moving["from_school"])
    )
    assert done.stdout.strip() == f"{transfer} completed"

    # the sending registry: management moved to the other province's school
    assert north.query(
        "select s.code from records_transcript t join records_school s "
        "on s.id = t.school_id where t.id = ?",
        moving["transcript"],
    ) == [(moving["to_code"],)]
    assert north.query(
        "select state from registry_transfer where transcript_id = ?",
        moving["transcript"],
    ) == [("acknowledged",)]
    # the receiving registry: the transcript with its lookup code and its records
    locked = north.query(
        "select s.blob_id from registry_submission s "
        "join records_yearlyrecord r on r.id = s.record_id "
        "where r.transcript_id = ? and s.state = 'accepted' "
        "and s.locked_at is not null",
        moving["transcript"],
    )
    carried = south.query(
        "select c.packet_sha256, s.code from exchange_carriedpacket c "
        "join records_transcript t on t.id = c.transcript_id "
        "join records_school s on s.id = t.school_id where t.lookup_code = ?",
        moving["lookup"],
    )
    assert sorted(sha for sha, _ in carried) == sorted(sha for (sha,) in locked)
    assert {code for _, code in carried} == {moving["to_code"]}
    assert south.query(
        "select x.state from registry_transfer x join records_transcript t "
        "on t.id = x.transcript_id where t.lookup_code = ?",
        moving["lookup"],
    ) == [("acknowledged",)]
    # both ledgers hold the steps and still verify against their rows
    for instance in (north, south):
        assert "OK" in instance.manage("ledger", "--skip-checks", "verify").stdout

    # the national repository: the records again, a newer version, new manager
    north.exchange("send", "--year", YEAR, "--round", "main", *FAST)
    rows = national.query(
        "select version, sukien, managing from (select version, "
        "json_extract(row, '$.sukien') as sukien, "
        "json_extract(row, '$.matruongquanly') as managing, lookup_code "
        "from exchange_nationalrecord where is_current) where lookup_code = ?",
        moving["lookup"],
    )
    assert rows and all(r == (2, "UPDATE", moving["to_code"]) for r in rows)


def test_a_transfer_without_the_sending_sides_consent_is_refused(
    network, moving, tmp_path
):
    south = network.south
    forged = tmp_path / "consent.txt"
    forged.write_text(
        south.exchange(
            "consent",
            "--student",
            moving["student"],
            "--level",
            moving["level"],
            "--to-school",
            moving["to_code"],
        ).stdout
    )
    done = south.exchange(
        "request-transfer",
        "--from",
        "01",
        "--student",
        moving["student"],
        "--level",
        moving["level"],
        "--school",
        moving["to_code"],
        "--consent-file",
        str(forged),
        "--as",
        _staff(south, moving["to_school"]),
        check=False,
    )
    assert done.returncode != 0
    assert "CONSENT_INVALID" in done.stderr


def test_a_primary_transcript_is_carried_to_lower_secondary_in_another_province(
    network, moving, tmp_path
):
    """Primary to lower secondary across provinces: the primary transcript's
    management moves to the other province's lower-secondary school with its
    signed records; both registries record the steps as a carry."""
    north, south = network.north, network.south
    student, transcript_id, lookup, school_id = north.query(
        "select st.student_code, t.id, t.lookup_code, t.school_id "
        "from records_transcript t join records_student st on st.id = t.student_id "
        "where t.level = 'primary' and t.id != ? and exists (select 1 from "
        "registry_submission s join records_yearlyrecord r on r.id = s.record_id "
        "where r.transcript_id = t.id and s.state = 'accepted' "
        "and s.locked_at is not null) and not exists (select 1 from "
        "registry_submission s join records_yearlyrecord r on r.id = s.record_id "
        "where r.transcript_id = t.id and s.state = 'accepted' "
        "and s.locked_at is null) order by t.id limit 1",
        moving["transcript"],
    )[0]
    to_id, to_code = south.query(
        "select id, code from records_school where level = 'secondary' "
        "order by code limit 1"
    )[0]
    consent = tmp_path / "consent.txt"
    consent.write_text(
        north.exchange(
            "consent",
            "--student",
            student,
            "--level",
            "primary",
            "--to-school",
            to_code,
        ).stdout
    )
    transfer = south.exchange(
        "request-transfer",
        "--from",
        "01",
        "--student",
        student,
        "--level",
        "primary",
        "--school",
        to_code,
        "--consent-file",
        str(consent),
        "--as",
        _staff(south, to_id),
    ).stdout.strip()
    done = north.exchange("release", transfer, "--as", _staff(north, school_id))
    assert done.stdout.strip() == f"{transfer} completed"
    locked = north.query(
        "select s.blob_id from registry_submission s "
        "join records_yearlyrecord r on r.id = s.record_id "
        "where r.transcript_id = ? and s.state = 'accepted'",
        transcript_id,
    )
    carried = south.query(
        "select c.packet_sha256, s.code, s.level, t.level "
        "from exchange_carriedpacket c "
        "join records_transcript t on t.id = c.transcript_id "
        "join records_school s on s.id = t.school_id where t.lookup_code = ?",
        lookup,
    )
    assert sorted(row[0] for row in carried) == sorted(sha for (sha,) in locked)
    assert {row[1:] for row in carried} == {(to_code, "secondary", "primary")}
    for instance in (north, south):
        kinds = instance.query(
            "select json_extract(a.detail, '$.kind') from registry_auditevent a "
            "join registry_transfer x on x.public_id = a.object_id "
            "join records_transcript t on t.id = x.transcript_id "
            "where t.lookup_code = ?",
            lookup,
        )
        assert kinds and {k for (k,) in kinds} == {"carry"}, instance.name
        assert "OK" in instance.manage("ledger", "--skip-checks", "verify").stdout
