"""Certificates registered to people and schools: rows from X.509, lookups by print.

A certificate is known by the SHA-256 fingerprint of its DER encoding, lowercase hex,
which is what ``Certificate.fingerprint_sha256`` holds.

A certificate is registered only to whoever its own subject names
(docs/security.md, "Who may do what"): a person by the personal id Vietnamese CAs
write as UID or serialNumber "CCCD:<12 digits>" (older ones "CMND:") and by the
common name, a school (its seal) by its code, "MNS:<code>" or "MST:<code>".
``owner_problems`` says what does not match; the model's ``clean`` and the role
binding at verification both ask it, so a row edited behind the forms is still
refused when a signature is judged.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from django.utils.translation import gettext

from hocbaso.records import identifiers
from hocbaso.records.models import Certificate, Person, School

PERSONAL_ID_PREFIXES = frozenset({"CCCD", "CMND"})
ORGANISATION_PREFIXES = frozenset({"MNS", "MST"})
_IDENTIFIER_OIDS = (x509.NameOID.USER_ID, x509.NameOID.SERIAL_NUMBER)

# Stable codes of owner_problems, with their parameters.
SUBJECT_NAMES_NO_ONE = "CERTIFICATE_SUBJECT_NAMES_NO_ONE"
SUBJECT_NAMES_SEVERAL = "CERTIFICATE_SUBJECT_NAMES_SEVERAL"
SUBJECT_NAMES_ANOTHER = "CERTIFICATE_SUBJECT_NAMES_ANOTHER"
SUBJECT_NAME_DIFFERS = "CERTIFICATE_SUBJECT_NAME_DIFFERS"


def fingerprint_of(certificate: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, 64 lowercase hex digits."""
    return certificate.fingerprint(hashes.SHA256()).hex()


def subject_identifiers(
    certificate: x509.Certificate, prefixes: frozenset[str]
) -> set[str]:
    """The identifiers the subject gives after one of ``prefixes`` ("CCCD:...")."""
    found = set()
    for oid in _IDENTIFIER_OIDS:
        for attribute in certificate.subject.get_attributes_for_oid(oid):
            prefix, colon, value = str(attribute.value).partition(":")
            if colon and prefix.upper() in prefixes:
                found.add(value)
    return found


def subject_common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return identifiers.normalise_name(str(names[0].value)) if names else ""


def owner_problems(
    certificate: x509.Certificate,
    *,
    person: Person | None = None,
    school: School | None = None,
    check_name: bool = True,
) -> list[tuple[str, dict[str, str]]]:
    """(code, parameters) for each way the subject does not name its owner.

    Exactly one identifier of the owner's kind must be in the subject (two
    different ones would let one certificate stand for two owners), equal to
    the person's personal id or the school's code; for a person the common
    name must also be their name (``check_name``), compared in NFC, ignoring case.
    """
    if person is not None:
        expected, found = (
            person.personal_id,
            subject_identifiers(certificate, PERSONAL_ID_PREFIXES),
        )
    else:
        assert school is not None
        expected, found = (
            school.code,
            subject_identifiers(certificate, ORGANISATION_PREFIXES),
        )
    if not found:
        return [(SUBJECT_NAMES_NO_ONE, {})]
    if len(found) > 1:
        return [(SUBJECT_NAMES_SEVERAL, {"found": ", ".join(sorted(found))})]
    (named,) = found
    if named != expected:
        return [(SUBJECT_NAMES_ANOTHER, {"found": named, "expected": expected})]
    if person is not None and check_name:
        name = subject_common_name(certificate)
        if name.casefold() != identifiers.normalise_name(person.full_name).casefold():
            return [
                (SUBJECT_NAME_DIFFERS, {"found": name, "expected": person.full_name})
            ]
    return []


_MESSAGES = {
    SUBJECT_NAMES_NO_ONE: "The certificate's subject gives no personal id or "
    "organisation code of its owner.",
    SUBJECT_NAMES_SEVERAL: "The certificate's subject names several owners "
    "(%(found)s); it cannot be registered to one of them.",
    SUBJECT_NAMES_ANOTHER: "The certificate's subject names %(found)s, not "
    "%(expected)s: a certificate is registered only to whoever it names.",
    SUBJECT_NAME_DIFFERS: "The certificate's subject names %(found)s, not "
    "%(expected)s: a certificate is registered only to whoever it names.",
}


def describe_owner_problem(code: str, params: dict[str, str]) -> str:
    """The translated sentence of one of ``owner_problems``' codes."""
    return gettext(_MESSAGES[code]) % params


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
    """Register certificate to its owner; the same certificate twice is one row.

    Raises ``django.core.exceptions.ValidationError`` when the subject does not
    name the owner (``Certificate.clean``). This is the unaudited path of the
    seeding and the tests; people register through ``appointing.register``.
    """
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
