"""Optional RFC 3161 timestamps over the SignatureValue, in process and over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from lxml import etree

from hocbaso.packet import issue_packet
from hocbaso.packet.examples import ISSUANCE
from hocbaso.signing import (
    HttpTimestampAuthority,
    Role,
    Status,
    TimestampError,
    TrustStore,
    sign_packet,
    verify_packet,
)
from hocbaso.signing.pki import DemoPki
from hocbaso.signing.tests.conftest import (
    NOW,
    SIGNED_AT,
    People,
    sign_until_leader,
    signer,
)
from hocbaso.signing.tests.tsa import HttpTimestampServer, LocalTimestampAuthority

XADES = "http://uri.etsi.org/01903/v1.3.2#"


@pytest.fixture(scope="module")
def tsa(pki: DemoPki) -> LocalTimestampAuthority:
    return LocalTimestampAuthority(
        pki.timestamping("Hocbaso Demo TSA"), SIGNED_AT + timedelta(seconds=2)
    )


def seal(people: People, authority: object, leader: object = None) -> bytes:
    packet = issue_packet(sign_until_leader(people, leader), ISSUANCE)  # type: ignore[arg-type]
    return sign_packet(
        packet,
        signer(people.seal),
        Role.SEAL,
        signing_time=SIGNED_AT,
        timestamp_authority=authority,
    )  # type: ignore[arg-type]


def test_a_timestamped_seal_is_valid_and_reports_the_proven_time(
    people: People, tsa: LocalTimestampAuthority, trust_store: TrustStore
) -> None:
    packet = seal(people, tsa)
    stamp = etree.fromstring(packet).find(
        f".//{{{XADES}}}SignatureTimeStamp/{{{XADES}}}EncapsulatedTimeStamp"
    )
    assert stamp is not None and stamp.text
    result = verify_packet(packet, trust_store, at=NOW)
    assert result.status is Status.VALID, result.failures
    seal_report = result.signatures[-1]
    assert seal_report.timestamped and seal_report.signing_time == tsa.at


def test_a_timestamp_over_another_signature_value_is_invalid(
    people: People, tsa: LocalTimestampAuthority, trust_store: TrustStore
) -> None:
    packet = seal(people, tsa)
    other = seal(people, tsa)
    root = etree.fromstring(packet)
    path = f".//{{{XADES}}}EncapsulatedTimeStamp"
    root.find(path).text = etree.fromstring(other).find(path).text
    result = verify_packet(etree.tostring(root), trust_store, at=NOW)
    assert result.status is Status.INVALID
    assert any(
        c.name == "timestamp" and "other data" in c.reason for c in result.failures
    )


def complete(people: People, leader_tsa: LocalTimestampAuthority | None) -> bytes:
    packet = sign_until_leader(people, people.late_revoked_leader, leader_tsa)
    packet = issue_packet(packet, ISSUANCE)
    return sign_packet(packet, signer(people.seal), Role.SEAL, signing_time=SIGNED_AT)


def test_a_key_revoked_after_a_timestamped_signature_still_verifies(
    people: People, tsa: LocalTimestampAuthority, trust_store: TrustStore
) -> None:
    result = verify_packet(complete(people, tsa), trust_store, at=NOW)
    assert result.status is Status.VALID, result.failures


def test_a_key_revoked_after_an_untimestamped_signature_is_invalid(
    people: People, trust_store: TrustStore
) -> None:
    # Without a timestamp the claimed signing time proves nothing (backdating).
    result = verify_packet(complete(people, None), trust_store, at=NOW)
    assert [c.name for c in result.failures] == ["revocation"]


def test_the_timestamp_can_come_over_http_from_a_local_server(
    people: People, tsa: LocalTimestampAuthority, trust_store: TrustStore
) -> None:
    with HttpTimestampServer(tsa) as server:
        packet = seal(people, HttpTimestampAuthority(server.url))
    assert verify_packet(packet, trust_store, at=NOW).status is Status.VALID


def test_an_unreachable_authority_fails_the_signing(people: People) -> None:
    with pytest.raises(TimestampError, match="did not answer"):
        seal(people, HttpTimestampAuthority("http://127.0.0.1:9/tsa", timeout=2))
    with pytest.raises(TimestampError, match="http or https"):
        HttpTimestampAuthority("file:///etc/passwd")
