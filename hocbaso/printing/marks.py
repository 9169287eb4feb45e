"""What the printed signature blocks show of a digital signature ("Đã ký số")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.x509.oid import NameOID

from hocbaso.printing.errors import RenderError
from hocbaso.signing import Role


@dataclass(frozen=True, slots=True)
class SignatureMark:
    """One signature of a yearly record as its signature block prints it.

    role is the signer's role; name the signer (a person, or the school for the
    seal); signed_at an aware moment, printed in Vietnam time; issuer the common name
    of the certificate's issuing CA; identifier the personal id (or school code for
    the seal), which ties a subject teacher's mark to the subjects they teach.
    """

    role: Role
    name: str
    signed_at: datetime
    issuer: str = ""
    identifier: str = ""

    def __post_init__(self) -> None:
        if self.signed_at.tzinfo is None:
            raise RenderError(f"the signing time of {self.name!r} has no time zone")

    @classmethod
    def from_certificate(
        cls, role: Role, certificate: x509.Certificate, signed_at: datetime
    ) -> SignatureMark:
        """A mark naming the certificate's subject and issuer by their common names.

        The identifier is the part after the last colon of the subject's UID
        ("CCCD:<12 digits>", "MNS:<code>"), as Vietnamese CAs write it.
        """
        uid = _first(certificate.subject, NameOID.USER_ID)
        return cls(
            role=role,
            name=_first(certificate.subject, NameOID.COMMON_NAME),
            signed_at=signed_at,
            issuer=_first(certificate.issuer, NameOID.COMMON_NAME),
            identifier=uid.rsplit(":", 1)[-1],
        )


def _first(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""
