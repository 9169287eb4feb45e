"""A throwaway PKI: root and issuing CA, people, organisations, a TSA, and CRLs.

For the tests and the demo (`hocbaso pki demo`). Keys live in memory;
write_trust_directory writes certificates and CRLs only, never a private key. Subjects
follow what Vietnamese CAs issue: the personal id as UID "CCCD:<12 digits>", an
organisation's code as UID "MNS:<code>" (0.9.2342.19200300.100.1.1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey
PERSON_PREFIX = "CCCD:"
ORGANISATION_PREFIX = "MNS:"


@dataclass(frozen=True)
class Credential:
    """A certificate, its private key, and its intermediates (root excluded)."""

    certificate: x509.Certificate
    key: PrivateKey
    intermediates: tuple[x509.Certificate, ...] = ()

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        """The certificate followed by its intermediates, as a signer presents it."""
        return (self.certificate, *self.intermediates)

    def to_pkcs12(self, password: bytes) -> bytes:
        """The credential as PKCS#12 (for tests of KeyFileSigner; never committed)."""
        return pkcs12.serialize_key_and_certificates(
            b"signer",
            self.key,
            self.certificate,
            list(self.intermediates),
            serialization.BestAvailableEncryption(password),
        )


def new_key(kind: str = "ec") -> PrivateKey:
    """A fresh key: "ec" (P-256) or "rsa" (2048 bits)."""
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def _name(
    common_name: str, uid: str | None = None, organisation: str | None = None
) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    if uid:
        attrs.append(x509.NameAttribute(NameOID.USER_ID, uid))
    return x509.Name(attrs)


@dataclass
class CertificateAuthority:
    """A CA that issues certificates and keeps the list of what it revoked."""

    credential: Credential
    now: datetime
    revoked: dict[int, datetime] = field(default_factory=dict)

    @property
    def certificate(self) -> x509.Certificate:
        """The CA's own certificate."""
        return self.credential.certificate

    def issue(
        self,
        subject: x509.Name,
        *,
        key: PrivateKey | None = None,
        ca: bool = False,
        valid_from: datetime | None = None,
        valid_days: int = 365,
        key_usage: str = "signing",
    ) -> Credential:
        """Issue a certificate; key_usage: signing, ca, timestamping or encipherment."""
        key = key or new_key()
        cert = self.certify(
            subject,
            key.public_key(),
            ca=ca,
            valid_from=valid_from,
            valid_days=valid_days,
            key_usage=key_usage,
        )
        chain = () if _is_self_signed(self.certificate) else self.credential.chain
        return Credential(cert, key, chain)

    def certify(
        self,
        subject: x509.Name,
        public_key: PublicKey,
        *,
        ca: bool = False,
        valid_from: datetime | None = None,
        valid_days: int = 365,
        key_usage: str = "signing",
    ) -> x509.Certificate:
        """A certificate for a public key whose private key lives on a token."""
        start = valid_from or self.now - timedelta(days=30)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + timedelta(days=valid_days))
            .add_extension(
                x509.BasicConstraints(ca=ca, path_length=0 if ca else None),
                critical=True,
            )
            .add_extension(_key_usage(key_usage), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(public_key),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.credential.key.public_key()
                ),
                critical=False,
            )
        )
        if key_usage == "timestamping":
            eku = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING])
            builder = builder.add_extension(eku, critical=True)
        return builder.sign(self.credential.key, hashes.SHA256())

    def revoke(self, certificate: x509.Certificate, when: datetime) -> None:
        """Revoke a certificate as of when (it appears in the next CRL)."""
        self.revoked[certificate.serial_number] = when

    def crl(self) -> x509.CertificateRevocationList:
        """A CRL signed by this CA listing every revoked serial (RFC 5280 §5)."""
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(self.now - timedelta(days=1))
            .next_update(self.now + timedelta(days=30))
        )
        for serial, when in self.revoked.items():
            entry = (
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(when)
                .build()
            )
            builder = builder.add_revoked_certificate(entry)
        return builder.sign(self.credential.key, hashes.SHA256())


def _is_self_signed(cert: x509.Certificate) -> bool:
    return cert.issuer == cert.subject


def _key_usage(kind: str) -> x509.KeyUsage:
    flags = dict.fromkeys(
        [
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ],
        False,
    )
    if kind == "ca":
        flags.update(key_cert_sign=True, crl_sign=True, digital_signature=True)
    elif kind == "encipherment":
        flags.update(key_encipherment=True)
    else:
        flags.update(digital_signature=True, content_commitment=kind == "signing")
    return x509.KeyUsage(**flags)


def create_root(
    common_name: str, now: datetime, *, key: PrivateKey | None = None
) -> CertificateAuthority:
    """A self-signed root CA valid ten years around now."""
    key = key or new_key()
    name = _name(common_name, organisation=common_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=365))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_key_usage("ca"), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(Credential(cert, key), now)


@dataclass
class DemoPki:
    """A root CA, an issuing CA under it, and helpers to issue a school's people."""

    root: CertificateAuthority
    issuing: CertificateAuthority

    def person(
        self, name: str, personal_id: str, *, kind: str = "ec", **options: object
    ) -> Credential:
        """A personal signing certificate: CN the full name, UID "CCCD:<id>"."""
        subject = _name(name, uid=PERSON_PREFIX + personal_id)
        return self.issuing.issue(subject, key=new_key(kind), **options)  # type: ignore[arg-type]

    def person_certificate(
        self, name: str, personal_id: str, public_key: PublicKey
    ) -> x509.Certificate:
        """A personal certificate for a key held on a token."""
        return self.issuing.certify(
            _name(name, uid=PERSON_PREFIX + personal_id), public_key
        )

    def organisation(
        self, name: str, code: str, *, kind: str = "rsa", valid_days: int = 365
    ) -> Credential:
        """An organisation certificate (the seal): O and CN the name, UID the code."""
        subject = _name(name, uid=ORGANISATION_PREFIX + code, organisation=name)
        return self.issuing.issue(subject, key=new_key(kind), valid_days=valid_days)

    def organisation_certificate(
        self, name: str, code: str, public_key: PublicKey
    ) -> x509.Certificate:
        """An organisation certificate (the seal) for a key held on a token."""
        subject = _name(name, uid=ORGANISATION_PREFIX + code, organisation=name)
        return self.issuing.certify(subject, public_key)

    def timestamping(self, name: str) -> Credential:
        """A time-stamping authority certificate (EKU timeStamping, RFC 3161 §2.3)."""
        return self.issuing.issue(
            _name(name, organisation=name), key_usage="timestamping"
        )

    def write_trust_directory(self, path: Path) -> None:
        """Write the root, the issuing CA and both CRLs as PEM; never a private key."""
        path.mkdir(parents=True, exist_ok=True)
        pem = serialization.Encoding.PEM
        (path / "root.pem").write_bytes(self.root.certificate.public_bytes(pem))
        (path / "issuing-ca.pem").write_bytes(
            self.issuing.certificate.public_bytes(pem)
        )
        (path / "root.crl").write_bytes(
            self.root.crl().public_bytes(serialization.Encoding.DER)
        )
        (path / "issuing-ca.crl.pem").write_bytes(self.issuing.crl().public_bytes(pem))


def create_demo_pki(
    root_name: str = "Hocbaso Demo Root CA",
    issuing_name: str = "Hocbaso Demo Issuing CA",
    *,
    now: datetime | None = None,
) -> DemoPki:
    """A two-level demo PKI; now fixes the validity windows (defaults to the clock)."""
    now = now or datetime.now(UTC)
    root = create_root(root_name, now)
    subject = _name(issuing_name, organisation=root_name)
    issuing_cred = root.issue(
        subject,
        ca=True,
        key_usage="ca",
        valid_days=3650,
        valid_from=now - timedelta(days=365),
    )
    return DemoPki(root, CertificateAuthority(issuing_cred, now))
