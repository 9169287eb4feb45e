"""The lifecycle through the JSON API, as a school's own system drives it (docs/api.md).

A school token submits, polls, replaces and revokes; a department officer's session
locks; after the lock the API refuses with the error envelope; the school sees its
missing records; a unit officer reports; two schools transfer a transcript.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hocbaso.records.models import Round, Transcript, YearlyRecord
from hocbaso.registry.models import Submission
from hocbaso.registry.tests.api_support import (
    API,
    assert_error,
    bearer,
    department_officer,
    freeze,
    get,
    issue,
    logged_in,
    post_json,
    post_xml,
)

REASON = "Sửa nhận xét của giáo viên chủ nhiệm"


@pytest.fixture
def now(district, db, monkeypatch):
    freeze(monkeypatch, district.open_at)
    return district.open_at


@pytest.fixture
def school(district):
    return district.primary.school


@pytest.fixture
def token(school, db):
    return issue(school)


def _submit(client, district, record, token):
    return post_xml(
        client,
        f"/schools/{record.school.code}/submissions",
        district.packet(record),
        token,
    )


def _accepted_id(client, response, token) -> str:
    """Follow the receipt's Location until it is processed; the submission id."""
    assert response.status_code == 202, response.content
    receipt = client.get(response["Location"], headers=bearer(token)).json()
    assert receipt["status"] == "processed", receipt
    (result,) = receipt["records"]
    assert result["outcome"] == "accepted", result["problems"]
    return result["submission_id"]


def test_a_submission_answers_202_with_the_receipt_and_its_location(
    district, client, now, token
):
    record = district.records(district.primary, Round.MAIN)[1]

    response = _submit(client, district, record, token)

    assert response.status_code == 202
    receipt = response.json()
    assert response["Location"] == f"{API}/receipts/{receipt['receipt_id']}"
    assert (receipt["operation"], receipt["kind"]) == ("submit", "packet")
    polled = client.get(response["Location"], headers=bearer(token))
    assert polled.status_code == 200 and polled.json() == receipt
    again = _submit(client, district, record, token)
    assert again.status_code == 202
    assert again.json()["receipt_id"] == receipt["receipt_id"]


def test_the_stored_packet_and_the_submission_read_back(district, client, now, token):
    record = district.records(district.primary, Round.MAIN)[1]
    submission_id = _accepted_id(
        client, _submit(client, district, record, token), token
    )

    packet = get(client, f"/submissions/{submission_id}/packet", token)
    status = get(client, f"/submissions/{submission_id}", token).json()

    assert packet["Content-Type"] == "application/xml"
    assert packet.content == district.packet(record)
    assert (status["state"], status["round"], status["grade"]) == (
        "accepted",
        "main",
        4,
    )
    assert (
        status["effective_at"] is None and status["school_year"] == district.year.name
    )


def test_a_replacement_is_sent_as_multipart_with_a_vietnamese_reason(
    district, client, now, token, school
):
    record = district.records(district.primary, Round.MAIN)[0]
    first = _accepted_id(client, _submit(client, district, record, token), token)

    response = client.post(
        f"{API}/schools/{school.code}/replacements",
        {"packet": _upload(district.replacement[record.pk]), "reason": REASON},
        headers=bearer(token),
    )

    second = _accepted_id(client, response, token)
    shown = get(client, f"/submissions/{second}", token).json()
    assert (shown["replaces"], shown["reason"]) == (first, REASON)
    assert REASON.encode() in get(client, f"/submissions/{second}", token).content
    assert get(client, f"/submissions/{first}", token).json()["state"] == "superseded"


def _upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("hoc-ba.xml", data, content_type="application/xml")


def test_revoke_then_lock_then_every_change_is_refused_409(
    district, client, now, token, school
):
    kept, withdrawn = district.records(district.primary, Round.MAIN)[1:3]
    kept_id = _accepted_id(client, _submit(client, district, kept, token), token)
    gone_id = _accepted_id(client, _submit(client, district, withdrawn, token), token)
    revoked = post_json(
        client,
        f"/schools/{school.code}/submissions/{gone_id}/revoke",
        {"reason": "Nộp nhầm"},
        token,
    )
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"

    officer = logged_in(department_officer(district))
    lock = post_json(
        officer, f"/rounds/{district.year.name}/main/lock", {"school": school.code}
    )

    assert lock.status_code == 200, lock.content
    assert (lock.json()["locked"], lock.json()["schools"][0]["school_code"]) == (
        1,
        school.code,
    )
    shown = get(client, f"/submissions/{kept_id}", token).json()
    assert shown["effective_at"] is not None
    refused = post_json(
        client,
        f"/schools/{school.code}/submissions/{kept_id}/revoke",
        {"reason": "Muộn"},
        token,
    )
    assert_error(refused, 409, "ROUND_LOCKED")
    assert Submission.objects.get(public_id=kept_id).state == "accepted"


def test_the_school_sees_its_missing_records(district, client, now, token, school):
    record = district.records(district.primary, Round.MAIN)[1]
    _accepted_id(client, _submit(client, district, record, token), token)
    expected = YearlyRecord.objects.filter(
        school=school, school_year=district.year, round="main"
    ).exclude(pk=record.pk)

    response = get(
        client, f"/rounds/{district.year.name}/main/missing", token, school=school.code
    )

    assert response.status_code == 200
    missing = response.json()
    assert len(missing) == expected.count() > 0
    assert {m["school_code"] for m in missing} == {school.code}
    assert record.transcript.student.student_code not in {
        m["student_code"] for m in missing
    }


def test_the_unit_officer_previews_and_submits_the_report_once(district, now, school):
    unit = school.unit_on(district.year.main_lock_date)
    officer = logged_in(district.unit_officer(unit))
    path = f"/units/{unit.code}/reports/{district.year.name}/main"

    preview = get(officer, path)
    sent = post_json(officer, path, {})
    again = post_json(officer, path, {})

    assert preview.status_code == 200
    assert school.code in {s["school_code"] for s in preview.json()["schools"]}
    assert sent.status_code == 201, sent.content
    assert sent.json()["totals"] == preview.json()["totals"]
    assert not sent.json()["late"]
    assert_error(again, 409, "REPORT_ALREADY_SUBMITTED")


def test_a_transcript_moves_by_request_release_and_acknowledge(
    district, client, now, token, school
):
    record = district.records(district.primary, Round.MAIN)[0]
    receiving = district.other_primary.school
    their_token = issue(receiving)
    asked = post_json(
        client,
        f"/schools/{receiving.code}/transfers",
        {
            "student_code": record.transcript.student.student_code,
            "level": "primary",
            "note": "Chuyển theo nơi cư trú",
        },
        their_token,
    )
    assert asked.status_code == 201, asked.content
    transfer_id = asked.json()["transfer_id"]

    released = post_json(
        client, f"/schools/{school.code}/transfers/{transfer_id}/release", {}, token
    )
    done = post_json(
        client,
        f"/schools/{receiving.code}/transfers/{transfer_id}/acknowledge",
        {},
        their_token,
    )

    assert released.json()["state"] == "released"
    assert done.status_code == 200 and done.json()["state"] == "acknowledged"
    assert (done.json()["from_school"], done.json()["to_school"]) == (
        school.code,
        receiving.code,
    )
    assert get(client, f"/transfers/{transfer_id}", token).json() == done.json()
    assert Transcript.objects.get(pk=record.transcript_id).school == receiving


def test_vietnamese_stays_readable_in_the_json(district, now, school):
    officer = logged_in(department_officer(district))

    response = post_json(
        officer, f"/rounds/{district.year.name}/main/lock", {"school": school.code}
    )

    assert response.status_code == 200
    assert school.name.encode() in response.content and b"\\u" not in response.content
