"""The local trust store: trust anchors, known intermediates, CRLs; path building.

Never touches the network (verifiers work offline): the store is loaded once from
files and keeps the parsed certificates, so verifying many packets parses no
anchor twice.
Path validation follows RFC 5280 §6.1 in the parts that matter here: names chain, each
signature verifies, each issuer is a CA allowed to sign certificates (§4.2.1.9,
§4.2.1.3), and each certificate is valid at the time checked (§6.1.3 (a)(2)).
Revocation uses CRLs (§5, §6.3).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes

from hocbaso.signing.errors import TrustStoreError
from hocbaso.signing.result import _

MAX_PATH_LENGTH = 8
_MAX_CHAIN_FACTS = 20_000
_T = TypeVar("_T")
_PEM_CERT = b"-----BEGIN CERTIFICATE-----"
_PEM_CRL = b"-----BEGIN X509 CRL-----"
_PEM_CRL_BLOCK = re.compile(
    rb"-----BEGIN X509 CRL-----.+?-----END X509 CRL-----", re.DOTALL
)


@dataclass(frozen=True)
class CertificationPath:
    """The path from a signer's certificate up; trusted when it ends at an anchor."""

    certificates: tuple[x509.Certificate, ...]
    trusted: bool
    problem: str = ""


@dataclass(frozen=True)
class RevocationStatus:
    """What the CRLs say about one certificate."""

    known: bool  # a valid CRL from its issuer was found
    revoked_at: datetime | None = None


class TrustStore:
    """Trust anchors (roots), intermediates to help build paths, and CRLs."""

    def __init__(
        self,
        anchors: Iterable[x509.Certificate],
        *,
        intermediates: Iterable[x509.Certificate] = (),
        crls: Iterable[x509.CertificateRevocationList] = (),
        require_revocation_data: bool = True,
    ) -> None:
        self.anchors = tuple(anchors)
        self._anchor_prints = {_print(c) for c in self.anchors}
        self._by_subject: dict[bytes, list[x509.Certificate]] = {}
        for cert in (*self.anchors, *intermediates):
            self._by_subject.setdefault(cert.subject.public_bytes(), []).append(cert)
        self._crls: dict[bytes, list[x509.CertificateRevocationList]] = {}
        for crl in crls:
            self._crls.setdefault(crl.issuer.public_bytes(), []).append(crl)
        self.require_revocation_data = require_revocation_data
        self._issued_by: dict[tuple[bytes, bytes], bool] = {}
        self._crl_signed_by: dict[tuple[int, bytes], bool] = {}
        # SHA-256 prints by certificate (certificates hash and compare by their DER,
        # which is cheaper than a SHA-256): each packet brings the same few again.
        self._prints: dict[x509.Certificate, bytes] = {}
        # What verification worked out once per certificate chain (path, issuers,
        # CRL entries, key usage): the store never changes, so neither do these.
        self._chain_facts: dict[tuple[object, ...], object] = {}

    def chain_facts(
        self,
        chain: tuple[x509.Certificate, ...],
        compute: Callable[[TrustStore, tuple[x509.Certificate, ...]], _T],
        der: tuple[bytes, ...] = (),
    ) -> _T:
        """compute(self, chain), worked out once per chain for this store.

        The store's anchors, intermediates and CRLs are fixed at construction (a
        changed trust directory makes a new store), so whatever follows from them
        and from the certificates alone may be kept; anything that depends on a
        time (validity, a revocation date against a signing time) must not be.
        The key is the chain's DER (der, the certificates' encodings in order,
        when the caller has them; else the certificate objects, which compare by
        the same bytes): a certificate with the same names and serial but any
        other byte is another key. Bounded: a flood of unknown certificates
        empties it rather than grows it.
        """
        key: tuple[object, ...] = der if len(der) == len(chain) else chain
        found = self._chain_facts.get(key)
        if found is None:
            found = compute(self, chain)
            if len(self._chain_facts) >= _MAX_CHAIN_FACTS:
                self._chain_facts.clear()
            self._chain_facts[key] = found
        return found  # type: ignore[return-value]

    def intermediates(self) -> tuple[x509.Certificate, ...]:
        """The certificates of the store that are not anchors."""
        found = (c for certs in self._by_subject.values() for c in certs)
        return tuple(c for c in found if _print(c) not in self._anchor_prints)

    def crls(self) -> tuple[x509.CertificateRevocationList, ...]:
        """Every CRL of the store (what a long-term copy embeds, docs/printing.md)."""
        return tuple(c for crls in self._crls.values() for c in crls)

    @classmethod
    def from_directory(cls, path: Path | str, **options: bool) -> TrustStore:
        """Load every PEM certificate (self-signed ones become anchors) and every CRL
        (PEM or DER) from the files of a directory. Raises TrustStoreError."""
        certs: list[x509.Certificate] = []
        crls: list[x509.CertificateRevocationList] = []
        try:
            for file in sorted(Path(path).iterdir()):
                if file.is_file():
                    _load_file(file.read_bytes(), certs, crls)
        except (OSError, ValueError) as exc:
            raise TrustStoreError(f"cannot load the trust store {path}: {exc}") from exc
        anchors = [c for c in certs if c.issuer == c.subject]
        others = [c for c in certs if c.issuer != c.subject]
        return cls(anchors, intermediates=others, crls=crls, **options)

    def _print(self, cert: x509.Certificate) -> bytes:
        found = self._prints.get(cert)
        if found is None:
            found = self._prints[cert] = _print(cert)
        return found

    def is_anchor(self, cert: x509.Certificate) -> bool:
        """Whether cert is one of the trust anchors (compared by fingerprint)."""
        return self._print(cert) in self._anchor_prints

    def build_path(
        self, leaf: x509.Certificate, untrusted: Sequence[x509.Certificate]
    ) -> CertificationPath:
        """The path from leaf to an anchor, using untrusted certificates as helpers."""
        helpers: dict[bytes, list[x509.Certificate]] = {}
        for cert in untrusted:
            helpers.setdefault(cert.subject.public_bytes(), []).append(cert)
        path = [leaf]
        while len(path) <= MAX_PATH_LENGTH:
            current = path[-1]
            if self.is_anchor(current):
                return CertificationPath(tuple(path), True)
            issuer = self._find_issuer(current, helpers)
            if issuer is None:
                return CertificationPath(tuple(path), False, _dead_end(current))
            if issuer in path:
                return CertificationPath(
                    tuple(path), False, "the certificates form a loop"
                )
            path.append(issuer)
        return CertificationPath(
            tuple(path), False, "the certification path is too long"
        )

    def _find_issuer(
        self, cert: x509.Certificate, helpers: dict[bytes, list[x509.Certificate]]
    ) -> x509.Certificate | None:
        name = cert.issuer.public_bytes()
        # Anchors first: a look-alike root with the same name must not win.
        candidates = [*self._by_subject.get(name, []), *helpers.get(name, [])]
        for candidate in candidates:
            if candidate is not cert and self.is_issued_by(cert, candidate):
                return candidate
        return None

    def is_issued_by(self, cert: x509.Certificate, issuer: x509.Certificate) -> bool:
        """Whether issuer's key signed cert (cached: each pair is checked once)."""
        key = (self._print(cert), self._print(issuer))
        if key not in self._issued_by:
            try:
                cert.verify_directly_issued_by(issuer)
                self._issued_by[key] = True
            except (ValueError, TypeError, InvalidSignature):
                self._issued_by[key] = False
        return self._issued_by[key]

    def revocation(
        self, cert: x509.Certificate, issuer: x509.Certificate
    ) -> RevocationStatus:
        """The revocation status of cert from its issuer's CRLs (RFC 5280 §6.3)."""
        known = False
        for crl in self._crls.get(cert.issuer.public_bytes(), ()):
            if not self._is_crl_signed_by(crl, issuer):
                continue
            known = True
            entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
            if entry is not None:
                return RevocationStatus(True, entry.revocation_date_utc)
        return RevocationStatus(known)

    def _is_crl_signed_by(
        self, crl: x509.CertificateRevocationList, issuer: x509.Certificate
    ) -> bool:
        """Whether issuer signed crl (cached: the store keeps its CRLs unchanged)."""
        key = (id(crl), self._print(issuer))
        if key not in self._crl_signed_by:
            self._crl_signed_by[key] = crl.is_signature_valid(issuer.public_key())  # type: ignore[arg-type]
        return self._crl_signed_by[key]


def _print(cert: x509.Certificate) -> bytes:
    return cert.fingerprint(hashes.SHA256())


def _dead_end(cert: x509.Certificate) -> str:
    if cert.issuer == cert.subject:
        return _("the root {name} is not trusted").format(
            name=cert.subject.rfc4514_string()
        )
    return _("the issuer {name} is unknown").format(name=cert.issuer.rfc4514_string())


def _load_file(
    data: bytes,
    certs: list[x509.Certificate],
    crls: list[x509.CertificateRevocationList],
) -> None:
    """PEM files may hold several certificates and CRLs; other files are DER."""
    if _PEM_CERT in data:
        certs.extend(x509.load_pem_x509_certificates(data))
    if _PEM_CRL in data:
        for block in _PEM_CRL_BLOCK.findall(data):
            crls.append(x509.load_pem_x509_crl(block))
    if _PEM_CERT in data or _PEM_CRL in data:
        return
    try:
        crls.append(x509.load_der_x509_crl(data))
    except ValueError:
        certs.append(x509.load_der_x509_certificate(data))


def check_issuer(cert: x509.Certificate) -> str | None:
    """Why cert may not issue certificates, or None (RFC 5280 §4.2.1.9, §4.2.1.3)."""
    name = cert.subject.rfc4514_string()
    try:
        constraints = cert.extensions.get_extension_for_class(
            x509.BasicConstraints
        ).value
    except x509.ExtensionNotFound:
        return _("{name} is not a CA (no basic constraints)").format(name=name)
    if not constraints.ca:
        return _("{name} is not a CA").format(name=name)
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None
    return (
        None
        if usage.key_cert_sign
        else _("{name} may not sign certificates").format(name=name)
    )
