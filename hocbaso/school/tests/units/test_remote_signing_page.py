"""The school pages sign with a remote signing certificate (CSC API v2).

The page posts the teacher's credential id and OTP; the server talks to the
service (hocbaso's own over a SoftHSM2 token made at run time, a subprocess) and
runs the batch as with the agent. Each refusal reads in Vietnamese and leaves the
class to sign with a new OTP.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from hocbaso.records.certificates import register_certificate
from hocbaso.records.models import RecordStatus
from hocbaso.records.signers import signers_of
from hocbaso.signing.pki import ORGANISATION_PREFIX, _name
from hocbaso.signing.tests.csc_process import (
    CLIENT_ID,
    CLIENT_SECRET,
    CscToken,
    new_totp_secret,
    running_service,
    write_config,
)
from hocbaso.signing.totp import secret_from_base32, totp

pytestmark = pytest.mark.django_db


@dataclass
class Csc:
    url: str
    secrets: dict[str, str]
    certificates: dict[str, object]

    def otp(self, credential: str, shift: int = 0) -> str:
        secret = secret_from_base32(self.secrets[credential])
        return totp(secret, time.time() + 30 * shift)


@pytest.fixture(scope="module")
def csc(district, django_db_blocker, tmp_path_factory):
    token = CscToken(tmp_path_factory.mktemp("csc-school"), "school-csc").init()
    pki = district.keys.load_ca(district.now)
    with django_db_blocker.unblock():  # read only: the package's transaction
        signers = signers_of(district.primary)
        school = district.primary.school
        people = {"teacher": signers.homeroom, "leader": signers.leader}
    certificates = {}
    for n, (label, person) in enumerate(people.items(), 1):
        public = token.generate(label, f"0{n}")
        certificates[label] = pki.person_certificate(
            person.full_name, person.personal_id, public
        )
        token.store_chain(
            label, f"0{n}", [certificates[label], pki.issuing.certificate]
        )
    subject = _name(
        school.name, uid=ORGANISATION_PREFIX + school.code, organisation=school.name
    )
    certificates["seal"] = pki.issuing.certify(subject, token.generate("seal", "09"))
    token.store_chain("seal", "09", [certificates["seal"], pki.issuing.certificate])
    # One credential per test for the teacher: an accepted code is never accepted
    # again, and the service outlives each test's rollback.
    names = {"teacher-2": "teacher", "teacher-3": "teacher", "teacher-4": "teacher"}
    credentials = {
        name: {"user": name, "key_label": label, "totp": new_totp_secret()}
        for name, label in {**{k: k for k in certificates}, **names}.items()
    }
    config = write_config(token, credentials)
    with running_service(token, config) as url:
        yield Csc(url, {k: v["totp"] for k, v in credentials.items()}, certificates)


@pytest.fixture
def remote(settings, csc):
    settings.HOCBASO_CSC_URL = csc.url
    settings.HOCBASO_CSC_CLIENT_ID = CLIENT_ID
    settings.HOCBASO_CSC_CLIENT_SECRET = CLIENT_SECRET
    settings.HOCBASO_CSC_TIMEOUT_SECONDS = 10
    return csc


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict, status: int = 200) -> dict:
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == status, response.content.decode()
    return response.json()


def _create(client: Client, kind: str, school_class) -> str:
    created = _post(
        client,
        reverse("school:batch_create"),
        {"kind": kind, "mode": "agent", "classes": [school_class.pk]},
    )
    return created["batch"]


def test_the_homeroom_teacher_signs_with_a_remote_certificate(district, remote):
    cls = district.primary
    teacher = signers_of(cls).homeroom
    register_certificate(remote.certificates["teacher"], person=teacher)
    client = _client(teacher.user)
    url = reverse("school:batch_remote", args=[_create(client, "homeroom", cls)])
    asked = _post(client, url, {"credential": "teacher"})
    assert asked["need"] == "otp" and len(asked["work"]["digests"]) == 3
    refused = _post(client, url, {"credential": "teacher", "otp": "000000"}, 400)
    assert refused["code"] == "WRONG_OTP"
    assert refused["error"].startswith("Mã OTP không đúng")
    assert set(district.records(cls).values_list("status", flat=True)) == {
        RecordStatus.FINALISED
    }
    done = _post(client, url, {"credential": "teacher", "otp": remote.otp("teacher")})
    assert done["status"]["status"] == "done", done
    assert set(district.records(cls).values_list("status", flat=True)) == {
        RecordStatus.SIGNING
    }


def test_the_principal_signs_seals_and_submits_with_remote_certificates(
    district, remote
):
    cls = district.primary
    signers = signers_of(cls)
    register_certificate(remote.certificates["teacher"], person=signers.homeroom)
    register_certificate(remote.certificates["leader"], person=signers.leader)
    register_certificate(remote.certificates["seal"], school=cls.school)
    teacher = _client(signers.homeroom.user)
    url = reverse("school:batch_remote", args=[_create(teacher, "homeroom", cls)])
    _post(teacher, url, {"credential": "teacher-2", "otp": remote.otp("teacher-2")})
    leader = _client(signers.leader.user)
    url = reverse("school:batch_remote", args=[_create(leader, "issue", cls)])
    first = {"credential": "leader", "otp": remote.otp("leader")}
    assert _post(leader, url, first)["need"] == "seal_credential"
    sealed = {"credential": "leader", "seal_credential": "seal"}  # the code is spent
    asked = _post(leader, url, sealed)
    assert (asked["need"], asked["key"]) == ("otp", "seal")
    done = _post(leader, url, {**sealed, "otp": remote.otp("seal")})
    assert done["status"]["status"] == "done", done
    assert done["status"]["accepted"] == 3
    assert set(district.records(cls).values_list("status", flat=True)) == {
        RecordStatus.SUBMITTED
    }


def test_someone_elses_credential_and_someone_elses_batch_are_refused(district, remote):
    cls = district.primary
    signers = signers_of(cls)
    register_certificate(remote.certificates["teacher"], person=signers.homeroom)
    register_certificate(remote.certificates["leader"], person=signers.leader)
    client = _client(signers.homeroom.user)
    batch = _create(client, "homeroom", cls)
    url = reverse("school:batch_remote", args=[batch])
    refused = _post(client, url, {"credential": "leader"}, 409)
    assert refused["error"] == (
        f"chứng thư số dùng để ký không được đăng ký cho {signers.homeroom.full_name}"
    )
    intruder = _client(signers.leader.user)
    response = intruder.post(url, "{}", content_type="application/json")
    assert response.status_code == 404


def test_a_service_that_is_down_reads_in_vietnamese(district, remote, settings):
    cls = district.primary
    teacher = signers_of(cls).homeroom
    register_certificate(remote.certificates["teacher"], person=teacher)
    client = _client(teacher.user)
    url = reverse("school:batch_remote", args=[_create(client, "homeroom", cls)])
    settings.HOCBASO_CSC_URL = "http://127.0.0.1:9/csc/v2"
    refused = _post(client, url, {"credential": "teacher-3"}, 502)
    assert refused["code"] == "SERVICE_UNAVAILABLE"
    assert refused["error"].startswith("Không kết nối được dịch vụ ký số từ xa")
    settings.HOCBASO_CSC_URL = remote.url  # back: the same batch carries on
    asked = _post(client, url, {"credential": "teacher-3"})
    assert asked["need"] == "otp"


def test_remote_signing_is_refused_where_it_is_not_configured(district, settings):
    settings.HOCBASO_CSC_URL = ""
    cls = district.primary
    client = _client(signers_of(cls).homeroom.user)
    url = reverse("school:batch_remote", args=[_create(client, "homeroom", cls)])
    refused = _post(client, url, {"credential": "teacher"}, 400)
    assert refused["error"] == "Hệ thống chưa được cấu hình ký số từ xa."


def test_the_panel_offers_remote_signing_only_where_it_is_configured(
    district, settings
):
    cls = district.primary
    client = _client(signers_of(cls).homeroom.user)
    settings.HOCBASO_CSC_URL = "https://csc.example.vn/csc/v2"
    page = client.get(reverse("school:class", args=[cls.pk])).content.decode()
    assert 'id="sign-remote"' in page
    assert "Ký bằng chứng thư ký số từ xa của tôi" in page
    assert "Mã chứng thư tại dịch vụ ký số của bạn" in page
    settings.HOCBASO_CSC_URL = ""
    page = client.get(reverse("school:class", args=[cls.pk])).content.decode()
    assert 'id="sign-remote"' not in page and "remote-otp" not in page
