"""A homeroom teacher signs their class through a remote signing service (CSC v2).

The school pages' batch (hocbaso.school.batches) is driven as the page would, with
hocbaso.records.remote_signing in the signing agent's place; the service is
hocbaso's own over a SoftHSM2 token made at run time (a subprocess). Each failure
(wrong OTP, another key's signature, the service down) leaves the batch as it was,
and the same work then signs with a new OTP.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import translation

from hocbaso.records import remote_signing
from hocbaso.records.binding import RecordsRoleBinding
from hocbaso.records.certificates import register_certificate
from hocbaso.records.errors import CertificateNotRegisteredError
from hocbaso.records.models import RecordStatus, SignatureStep
from hocbaso.records.tests.signing.conftest import issue
from hocbaso.records.verification import load_trust_store
from hocbaso.school import batches
from hocbaso.school.models import BatchItem
from hocbaso.signing import Status, verify_packet
from hocbaso.signing.csc import CscClient, RemoteErrorCode, RemoteSigningError
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

ROOT = Path(__file__).resolve().parents[4]
SETUP = (
    "import django; django.setup(); from django.conf import settings;"
    " print(repr(settings.HOCBASO_CSC_CLIENT_SECRET))"
)


@dataclass
class Csc:
    url: str
    secrets: dict[str, str]
    certificate: object  # the homeroom teacher's, on the token
    seal: object  # the school's organisation certificate, on the token

    def client(self) -> CscClient:
        return CscClient(self.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)

    def otp(self, credential: str, shift: int = 0) -> str:
        secret = secret_from_base32(self.secrets[credential])
        return totp(secret, time.time() + 30 * shift)


@pytest.fixture(scope="module")
def csc(district, django_db_blocker, tmp_path_factory):
    token = CscToken(tmp_path_factory.mktemp("csc-records"), "records-csc").init()
    pki = district.keys.load_ca()
    with django_db_blocker.unblock():  # read only: the package's transaction
        teacher = district.signers(district.primary).homeroom
        school = district.primary.school
    certificate = pki.person_certificate(
        teacher.full_name, teacher.personal_id, token.generate("teacher", "01")
    )
    token.store_chain("teacher", "01", [certificate, pki.issuing.certificate])
    stranger = pki.person_certificate(
        "Ngô Văn Khác", "001099000000", token.generate("stranger", "02")
    )
    token.store_chain("stranger", "02", [stranger, pki.issuing.certificate])
    token.generate("intruder", "03")
    seal = pki.issuing.certify(
        _name(
            school.name, uid=ORGANISATION_PREFIX + school.code, organisation=school.name
        ),
        token.generate("seal", "04"),
    )
    token.store_chain("seal", "04", [seal, pki.issuing.certificate])
    credentials = {
        "seal": {"user": school.code, "key_label": "seal"},
        "teacher": {"user": teacher.personal_id, "key_label": "teacher"},
        "stranger": {"user": "001099000000", "key_label": "stranger"},
        # Shows the teacher's certificate, signs with another key.
        "forged": {"user": "x", "key_label": "intruder", "cert_label": "teacher"},
    }
    for item in credentials.values():
        item["totp"] = new_totp_secret()
    config = write_config(token, credentials)
    with running_service(token, config) as url:
        yield Csc(
            url, {k: v["totp"] for k, v in credentials.items()}, certificate, seal
        )


def _unchanged(district, item: BatchItem, stage: dict) -> None:
    item.refresh_from_db()
    assert item.state == BatchItem.State.PREPARED
    assert item.stage == stage  # the prepared digests kept for the retry
    assert not SignatureStep.objects.filter(
        record__in=district.records(district.primary), role="homeroom_teacher"
    ).exists()


def test_a_class_signs_remotely_and_each_failure_leaves_the_batch_resumable(
    district, db, csc
):
    cls = district.primary
    teacher = district.signers(cls).homeroom
    register_certificate(csc.certificate, person=teacher)
    user, client = teacher.user, csc.client()
    batch = batches.create_batch(user, "homeroom", [cls], "agent")
    work = batches.next_work(batch)["work"]
    assert work["round"] == "certificate"
    chain = remote_signing.credential_chain(user, "teacher", client=client)
    work = batches.give_certificate(batch, work["item"], chain)["work"]
    assert len(work["digests"]) == 3
    item = BatchItem.objects.get(pk=work["item"])
    stage = dict(item.stage)
    down = CscClient(
        "http://127.0.0.1:9/csc/v2", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    failures = [
        ("teacher", client, "000000", RemoteErrorCode.WRONG_OTP, "Mã OTP"),
        ("forged", client, csc.otp("forged"), RemoteErrorCode.SIGNATURE_MISMATCH,
         "không khớp với chứng thư số forged"),
        ("teacher", down, csc.otp("teacher"), RemoteErrorCode.SERVICE_UNAVAILABLE,
         "Không kết nối được dịch vụ ký số từ xa 127.0.0.1:9"),
    ]  # fmt: skip
    for credential, service, otp, code, words in failures:
        with pytest.raises(RemoteSigningError) as refused:
            remote_signing.sign_digests(
                user, credential, work["digests"], otp=otp, client=service
            )
        assert refused.value.code is code
        with translation.override("vi"):
            assert words in remote_signing.message_for(refused.value)
        _unchanged(district, item, stage)
    values = remote_signing.sign_digests(
        user, "teacher", work["digests"], otp=csc.otp("teacher"), client=client
    )
    done = batches.give_signatures(batch, work["item"], work["round"], values)
    assert done["status"]["status"] == "done", done
    assert set(district.records(cls).values_list("status", flat=True)) == {
        RecordStatus.SIGNING
    }
    issue(district, cls)  # the principal and the seal, with their demo keys
    binding = RecordsRoleBinding()
    for record in district.records(cls).select_related("packet"):
        result = verify_packet(
            bytes(record.packet.data), load_trust_store(), role_binding=binding
        )
        assert result.status is Status.VALID, result.failures


def test_a_credential_registered_to_someone_else_is_refused_before_any_otp(
    district, db, csc
):
    teacher = district.signers(district.primary).homeroom
    with pytest.raises(CertificateNotRegisteredError):
        remote_signing.credential_chain(teacher.user, "stranger", client=csc.client())
    with pytest.raises(CertificateNotRegisteredError):
        remote_signing.sign_digests(
            teacher.user,
            "stranger",
            ["A" * 43 + "="],
            otp=csc.otp("stranger"),
            client=csc.client(),
        )


def test_the_seal_is_the_schools_own_credential(district, db, csc):
    cls = district.primary
    leader = district.signers(cls).leader
    register_certificate(csc.seal, school=cls.school)
    register_certificate(csc.certificate, person=district.signers(cls).homeroom)
    chain = remote_signing.credential_chain(
        leader.user, "seal", seal_of=cls.school, client=csc.client()
    )
    assert len(chain) == 2
    with pytest.raises(CertificateNotRegisteredError):  # a person's, not the school's
        remote_signing.credential_chain(
            leader.user, "teacher", seal_of=cls.school, client=csc.client()
        )
    with pytest.raises(CertificateNotRegisteredError):  # the school's, not the leader's
        remote_signing.credential_chain(leader.user, "seal", client=csc.client())


def test_a_digest_that_is_not_sha256_is_named(district, db, csc):
    teacher = district.signers(district.primary).homeroom
    with pytest.raises(RemoteSigningError) as refused:
        remote_signing.sign_digests(
            teacher.user, "teacher", ["A" * 43 + "=", "not base64"], otp="1"
        )
    assert refused.value.code is RemoteErrorCode.BAD_DIGEST
    with translation.override("vi"):
        assert remote_signing.message_for(refused.value) == (
            "Giá trị băm thứ 2 không phải giá trị băm SHA-256."
        )


@pytest.mark.parametrize("code", list(RemoteErrorCode))
def test_every_code_reads_in_vietnamese(code):
    error = RemoteSigningError(code, position=2, credential="gv-01", limit=50, count=60)
    with translation.override("vi"):
        message = remote_signing.message_for(error)
    with translation.override("en"):
        english = remote_signing.message_for(error)
    assert message != english, code


def _setup(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SETUP],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "hocbaso.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_remote_signing_settings_are_checked_at_start_up(tmp_path):
    secret = tmp_path / "csc.secret"
    secret.write_text("s3cret\n")
    base = {"HOCBASO_DATA_DIR": str(tmp_path), "HOCBASO_CSC_CLIENT_ID": "hocbaso"}
    for env, words in (
        ({"HOCBASO_CSC_URL": "http://csc.example.vn/csc/v2"}, "must be https"),
        ({"HOCBASO_CSC_URL": "https://csc.example.vn/csc/v2"}, "are required"),
        (
            {
                "HOCBASO_CSC_URL": "https://csc.example.vn/csc/v2",
                "HOCBASO_CSC_CLIENT_SECRET_FILE": str(tmp_path / "missing"),
            },
            "HOCBASO_CSC_CLIENT_SECRET_FILE",
        ),
    ):
        if "must be https" in words:
            env = {**env, "HOCBASO_CSC_CLIENT_SECRET_FILE": str(secret)}
        result = _setup({**base, **env})
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and words in result.stderr
    good = _setup(
        {
            **base,
            "HOCBASO_CSC_URL": "https://csc.example.vn/csc/v2",
            "HOCBASO_CSC_CLIENT_SECRET_FILE": str(secret),
        }
    )
    assert good.returncode == 0, good.stderr
    assert good.stdout.strip() == "'s3cret'"  # the file's newline is dropped
