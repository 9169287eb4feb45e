"""A transfer request alone shows the receiving school nothing of another school's
pupil: the answer is the same for a known and an unknown student code, and the
transcript, the transfer and its sending school are seen from the release on."""

import pytest

from hocbaso.portal.staff import staff_transcripts, transcript_for_staff
from hocbaso.records.models import Role, Round, Transcript
from hocbaso.records.scope import filter_for
from hocbaso.registry import actions
from hocbaso.registry.errors import NotFoundError
from hocbaso.registry.models import LedgerEntry, Transfer
from hocbaso.registry.tests.api_support import freeze, get, issue, post_json

VOLATILE = {"transfer_id", "request_index"}


@pytest.fixture
def now(district, db, monkeypatch):
    freeze(monkeypatch, district.open_at)
    return district.open_at


@pytest.fixture
def record(district):
    return district.records(district.primary, Round.MAIN)[0]


@pytest.fixture
def receiving(district):
    return district.other_primary.school


def _ask(client, school, student_code: str, token: str):
    body = {"student_code": student_code, "level": "primary", "note": "Chuyển"}
    return post_json(client, f"/schools/{school.code}/transfers", body, token)


def _written() -> tuple[int, int]:
    return Transfer.objects.count(), LedgerEntry.objects.count()


def test_a_known_and_an_unknown_code_are_answered_alike(client, now, record, receiving):
    token = issue(receiving)
    before = _written()
    unknown = _ask(client, receiving, "9999999999", token)
    assert _written() == before
    known = _ask(client, receiving, record.transcript.student.student_code, token)
    again = _ask(client, receiving, record.transcript.student.student_code, token)

    assert unknown.status_code == known.status_code == again.status_code == 201
    answers = [r.json() for r in (unknown, known, again)]
    assert {a["from_school"] for a in answers} == {""}
    same = [{k: v for k, v in a.items() if k not in VOLATILE} for a in answers]
    assert same[0] == same[1] == same[2]
    for answer in answers:
        assert get(client, f"/transfers/{answer['transfer_id']}", token).json()[
            "code"
        ] == ("NOT_FOUND")
    assert _written()[0] == before[0] + 1


def test_the_receiving_school_reads_the_pupil_from_the_release_on(
    district, client, now, record, receiving
):
    token = issue(receiving)
    asked = _ask(client, receiving, record.transcript.student.student_code, token)
    transfer_id = asked.json()["transfer_id"]
    transcript = Transcript.objects.get(pk=record.transcript_id)
    people = [
        district.user(receiving),
        district.user(receiving, Role.HOMEROOM_TEACHER),
        district.unit_officer(receiving.unit_on(district.open_at.date())),
    ]
    for user in people:
        assert not transcript_for_staff(user, transcript)
        assert transcript not in staff_transcripts(user)
        assert not filter_for(user, Transfer.objects.filter(public_id=transfer_id))

    actions.release_transfer(
        transfer_id,
        school=record.school,
        actor=actions.Actor.of_user(district.user(record.school)),
    )
    for user in people:
        assert transcript_for_staff(user, transcript)
        assert filter_for(user, Transfer.objects.filter(public_id=transfer_id))
    status = get(client, f"/transfers/{transfer_id}", token).json()
    assert status["state"] == "released"
    assert status["from_school"] == record.school.code


def test_the_department_link_still_refuses_an_unknown_student(
    district, db, clock, receiving
):
    with pytest.raises(NotFoundError):
        actions.request_transfer(
            student_code="9999999999",
            level="primary",
            to_school=receiving,
            actor=actions.Actor.system("exchange:test"),
            clock=clock,
        )
