"""hocbaso-verify and the portal's verify page give the same verdict and the same
reasons on the same tamper set (a packet and a soft copy of the registry's signed
district): only the registry's own checks (registry, ledger) are the portal's alone,
and the role binding's reason, which the portal draws from the records.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation

from hocbaso.portal import verification
from hocbaso.portal.tests.registry.registry_support import fill
from hocbaso.registry.models import Blob, Submission
from hocbaso.registry.tests.district import open_district
from hocbaso.signing import Role, TrustStore, sign_packet
from hocbaso.signing.pki import create_demo_pki
from hocbaso.verifier.messages import translator
from hocbaso.verifier.report import verify_file
from hocbaso.verifier.tests.signed import comment_split, tamper, without_seal

pytestmark = pytest.mark.django_db
REGISTRY_ONLY = {"registry", "ledger"}


@pytest.fixture(scope="module")
def registry(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("verifier-district")
    for district in open_district(django_db_blocker, root):
        with django_db_blocker.unblock():
            with override_settings(
                DATA_DIR=district.root,
                HOCBASO_TRUST_STORE=district.trust_dir,
                HOCBASO_LEDGER_KEY=root / "ledger.key",
            ):
                built = fill(district)
        yield built


@pytest.fixture(autouse=True)
def _settings(registry, settings):
    settings.DATA_DIR = registry.district.root
    settings.HOCBASO_TRUST_STORE = registry.district.trust_dir
    settings.HOCBASO_LEDGER_KEY = registry.district.root / "ledger.key"


@pytest.fixture(scope="module")
def stranger(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("stranger")
    create_demo_pki("Stranger Root CA", "Stranger Issuing CA").write_trust_directory(
        path
    )
    return path


def _stored(record) -> bytes:
    sub = Submission.objects.filter(record=record, state="accepted").get()
    return bytes(Blob.objects.get(pk=sub.blob_id).data)


def _tamper_set(registry) -> dict[str, bytes]:
    valid = _stored(registry.effective)
    district = registry.district
    other = district.secondary.school
    assert other != registry.effective.school
    wrong = sign_packet(
        without_seal(valid), district.keys.signer_for_school(other), Role.SEAL
    )
    return {
        "valid": valid,
        "tampered value": tamper(valid),
        "wrong signer": wrong,
        "missing seal": without_seal(valid),
        "comment-split value": comment_split(valid),
    }


def _portal(data: bytes, trust: Path, settings) -> tuple[str, list[tuple]]:
    settings.HOCBASO_TRUST_STORE = trust
    with translation.override("vi"):
        report = verification.verify_upload(data)
        return report.status.value, _rows(report.checks, translation.gettext)


def _offline(data: bytes, trust: Path) -> tuple[str, list[tuple]]:
    report = verify_file(data, TrustStore.from_directory(trust))
    return report.status.value, _rows(report.checks, translator("vi"))


def _rows(checks, gettext) -> list[tuple]:
    """Each check but the registry's; the role binding without its reason."""
    return [
        (c.name, c.ok, c.indeterminate, c.signature_id)
        + (() if c.name == "role_binding" else (gettext(c.reason),))
        for c in checks
        if c.name not in REGISTRY_ONLY
    ]


EXPECTED = {
    "valid": "valid",
    "tampered value": "invalid",
    "wrong signer": "invalid",
    "missing seal": "invalid",
    "comment-split value": "invalid",
}


def test_packets_get_the_portals_verdicts_and_reasons(registry, settings):
    trust = registry.district.trust_dir
    for case, data in _tamper_set(registry).items():
        portal_status, portal_rows = _portal(data, trust, settings)
        offline_status, offline_rows = _offline(data, trust)
        assert offline_rows == portal_rows, case
        assert offline_status == EXPECTED[case], case
        if (
            case != "tampered value"
        ):  # the portal also finds it differs from the registry
            assert portal_status == offline_status, case


def test_an_untrusted_root_cannot_be_determined_in_both(registry, settings, stranger):
    data = _tamper_set(registry)["valid"]
    portal_status, portal_rows = _portal(data, stranger, settings)
    offline_status, offline_rows = _offline(data, stranger)
    assert offline_rows == portal_rows
    assert portal_status == offline_status == "indeterminate"


def test_soft_copies_get_the_portals_verdicts_and_reasons(registry, settings):
    from hocbaso.portal.documents import soft_copy_pdf

    trust = registry.district.trust_dir
    pdf = soft_copy_pdf(registry.primary_transcript)
    at = pdf.index(b"stream", len(pdf) // 3) + 20
    doctored = pdf[:at] + bytes([pdf[at] ^ 1]) + pdf[at + 1 :]
    for data, expected in ((pdf, "valid"), (doctored, "invalid")):
        portal_status, portal_rows = _portal(data, trust, settings)
        offline_status, offline_rows = _offline(data, trust)
        assert offline_rows == portal_rows
        assert portal_status == offline_status == expected
