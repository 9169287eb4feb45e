"""Certificates registered to people and schools: rows from X.509, lookups by print.

A certificate is known by the SHA-256 fingerprint of its DER encoding, lowercase hex,
which is what ``Certificate.fingerprint_sha256`` holds.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

from hocbaso.records.models import Certificate, Person, School


def fingerprint_of(certificate: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, 64 lowercase hex digits."""
    return certificate.fingerprint(hashes.SHA256()).hex()


def certificate_row(
    certificate: x509.Certificate,
    *,
    person: Person | None = None,
    school: School | None = None,
) -> Certificate:
    """An unsaved Certificate row for person or school (exactly one of them)."""
    return Certificate(
        person=person,
        school=school,
        subject_dn=certificate.subject.rfc4514_string()[:500],
        issuer_dn=certificate.issuer.rfc4514_string()[:500],
        serial=format(certificate.serial_number, "x"),
        fingerprint_sha256=fingerprint_of(certificate),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        pem=certificate.public_bytes(Encoding.PEM).decode("ascii"),
    )


def register_certificate(
    certificate: x509.Certificate,
    *,
    person: Person | None = None,
    school: School | None = None,
) -> Certificate:
    """Register certificate to its owner; the same certificate twice is one row."""
    row = registered_certificate(certificate)
    if row is not None:
        return row
    row = certificate_row(certificate, person=person, school=school)
    row.full_clean()
    row.save()
    return row


def registered_certificate(certificate: x509.Certificate) -> Certificate | None:
    """The registration of certificate, with its owner, or None."""
    return (
        Certificate.objects.select_related("person", "school")
        .filter(fingerprint_sha256=fingerprint_of(certificate))
        .first()
    )
