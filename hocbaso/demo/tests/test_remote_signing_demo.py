"""The demo's remote signing, end to end: ``hocbaso demo-csc``'s token and
configuration, the services scripts/demo starts (the same start function), and a
homeroom teacher signing a class through "Ký từ xa" with the code the demo's phone
page shows."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import urllib.request
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from hocbaso.demo import remote_services
from hocbaso.demo.remote_signing import CLIENT_ID, prepare_remote_signing
from hocbaso.demo.softhsm import TokenError
from hocbaso.records.certificates import registered_certificate
from hocbaso.records.models import Certificate, RecordStatus
from hocbaso.records.remote_signing import csc_client
from hocbaso.records.signers import signers_of
from hocbaso.school import clock
from hocbaso.school.tests.district import District, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(tmp_path: Path, settings) -> District:
    built = build(tmp_path / "district", keep=1)
    settings.DATA_DIR = built.root
    settings.HOCBASO_TRUST_STORE = built.trust_dir
    settings.HOCBASO_LEDGER_KEY = tmp_path / "ledger.key"
    clock.freeze(built.now)
    yield built
    clock.freeze(None)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback)
        return answer.read().decode()


def _post(client: Client, url: str, body: dict, status: int = 200) -> dict:
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == status, response.content.decode()
    return response.json()


def test_a_demo_teacher_signs_a_class_with_the_demo_csc_service(
    district: District, tmp_path: Path, settings
) -> None:
    school_class = district.primary
    teacher = signers_of(school_class).homeroom
    directory = tmp_path / "csc"
    made = prepare_remote_signing(
        directory,
        [school_class],
        keys=district.keys,
        now=district.now - dt.timedelta(days=1),
    )
    assert [m.role for m in made] == ["homeroom", "principal", "seal"]
    credential = made[0].credential
    assert credential == teacher.user.username
    # the keys were made on the token: no private key lies in the directory
    files = [p.read_bytes() for p in directory.rglob("*") if p.is_file()]
    assert not any(b"PRIVATE KEY" in data for data in files)
    with remote_services.start(directory) as services:
        settings.HOCBASO_CSC_URL = services.csc_url
        settings.HOCBASO_CSC_CLIENT_ID = CLIENT_ID
        settings.HOCBASO_CSC_CLIENT_SECRET = (directory / "client_secret").read_text()
        settings.HOCBASO_CSC_TIMEOUT_SECONDS = 10
        assert teacher.full_name in _get(services.phone_url)
        client = Client(HTTP_ACCEPT_LANGUAGE="vi")
        client.force_login(teacher.user)
        created = _post(
            client,
            reverse("school:batch_create"),
            {"kind": "homeroom", "mode": "agent", "classes": [school_class.pk]},
        )
        url = reverse("school:batch_remote", args=[created["batch"]])
        asked = _post(client, url, {"credential": credential})
        assert asked["need"] == "otp" and len(asked["work"]["digests"]) == 1
        otp = _get(f"{services.phone_url}otp/{credential}").strip()
        done = _post(client, url, {"credential": credential, "otp": otp})
        chain = csc_client().credential_info(credential).chain
    assert done["status"]["status"] == "done", done
    (record,) = district.records(school_class)
    assert record.status == RecordStatus.SIGNING
    row = registered_certificate(chain[0])  # the token's key, registered to them
    assert row is not None and row.person_id == teacher.pk


def test_a_start_that_fails_leaves_the_previous_service_whole(
    district: District, tmp_path: Path, monkeypatch
) -> None:
    directory = tmp_path / "csc"
    keys, now = district.keys, district.now - dt.timedelta(days=1)
    prepare_remote_signing(directory, [district.primary], keys=keys, now=now)
    config = (directory / "csc.json").read_text()
    registered = Certificate.objects.count()
    tools = tmp_path / "bin"  # softhsm2-util is there, pkcs11-tool is not
    tools.mkdir()
    (tools / "softhsm2-util").symlink_to(shutil.which("softhsm2-util"))
    monkeypatch.setenv("PATH", str(tools))
    with pytest.raises(TokenError, match="pkcs11-tool is missing"):
        prepare_remote_signing(directory, [district.secondary], keys=keys, now=now)
    assert (directory / "csc.json").read_text() == config
    assert Certificate.objects.count() == registered
