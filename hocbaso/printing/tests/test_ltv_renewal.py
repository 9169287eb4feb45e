"""A B-LTA copy renewed before its first timestamp's authority expired keeps
verifying after that expiry; stripped of the renewal, it says it is no longer
protected, in the reader's language.

The clock is the validation time given to the verifier (pyHanko validates at that
moment), not the host's: the first TSA certificate lives 400 days from NOW, the
renewal comes at day 300 from a second TSA, the copy is checked at day 430 and four
years on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from hocbaso.printing import sign_pdf, verify_pdf
from hocbaso.printing.longterm import document_timestamps, is_due, retimestamp_pdf
from hocbaso.printing.tests.helpers import NOW, Rendered
from hocbaso.printing.tests.test_long_term import data_at, store_at, tsa_at
from hocbaso.printing.tests.test_softcopy import packets_of
from hocbaso.signing import KeyFileSigner, Status
from hocbaso.signing.pki import DemoPki, create_demo_pki
from hocbaso.signing.tests.tsa import LocalTimestampAuthority
from hocbaso.verifier.messages import translator

RENEWAL = NOW + timedelta(days=300)


@dataclass(frozen=True)
class Renewed:
    pki: DemoPki
    first: bytes  # the copy as signed, one document timestamp
    renewed: bytes  # the same with the second document timestamp
    first_expires: datetime  # the first TSA certificate's end


@pytest.fixture(scope="module")
def renewal(secondary: Rendered) -> Renewed:
    pki = create_demo_pki(now=NOW)
    seal = pki.organisation("Sở Giáo dục và Đào tạo Hà Nội", "01")
    first_tsa = LocalTimestampAuthority(tsa_at(pki, "TSA 1", NOW, 400), NOW)
    first = sign_pdf(
        secondary.pdf,
        KeyFileSigner(seal.key, seal.chain),
        attachments=packets_of(secondary),
        reason="Bản sao điện tử học bạ",
        location="Hà Nội",
        timestamp_authority=first_tsa,
        validation=data_at(pki, NOW),
        signing_time=NOW,
    )
    assert is_due(first, now=RENEWAL, within_days=180)
    second_tsa = LocalTimestampAuthority(tsa_at(pki, "TSA 2", RENEWAL, 3000), RENEWAL)
    renewed = retimestamp_pdf(first, second_tsa, data_at(pki, RENEWAL), moment=RENEWAL)
    expires = first_tsa.credential.certificate.not_valid_after_utc
    return Renewed(pki, first, renewed, expires)


@pytest.mark.parametrize("days_after_expiry", [30, 4 * 365])
def test_a_renewed_copy_verifies_after_its_first_timestamps_authority_expired(
    renewal: Renewed, days_after_expiry: int
) -> None:
    assert [t for t, _ in document_timestamps(renewal.renewed)] == [NOW, RENEWAL]
    checked = renewal.first_expires + timedelta(days=days_after_expiry)
    result = verify_pdf(renewal.renewed, store_at(renewal.pki, checked), at=checked)
    assert result.status is Status.VALID, result.failures
    stamps = [c for c in result.checks if c.name == "document_timestamp"]
    assert len(stamps) == 2 and all(c.ok for c in stamps)
    chain = next(c for c in result.checks if c.name == "chain")
    assert NOW.isoformat() in chain.reason  # proven at the signing, by the chain


def test_stripped_of_its_renewal_the_copy_says_it_is_no_longer_protected(
    renewal: Renewed,
) -> None:
    # The renewal is an incremental update: cutting the file at the first copy's
    # end removes it and leaves a copy that verified until the first TSA expired.
    stripped = renewal.renewed[: len(renewal.first)]
    assert stripped == renewal.first
    before = renewal.first_expires - timedelta(days=10)
    still = verify_pdf(stripped, store_at(renewal.pki, before), at=before)
    assert still.status is Status.VALID, still.failures
    checked = renewal.first_expires + timedelta(days=30)
    result = verify_pdf(stripped, store_at(renewal.pki, checked), at=checked)
    assert result.status is not Status.VALID
    (chain,) = [c for c in result.failures if c.name == "chain"]
    expiry = renewal.first_expires.date().isoformat()
    assert "no longer protected" in chain.reason and expiry in chain.reason
    vietnamese = chain.reason.in_language(translator("vi"))
    assert vietnamese.startswith("bản sao không còn được bảo vệ lâu dài")
    assert expiry in vietnamese
