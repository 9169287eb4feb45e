"""The certificate side of one signature: timestamp, chain, validity, usage, revocation,
and the binding of the signer to the role (domain.md §8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.x509.oid import ExtendedKeyUsageOID

from hocbaso.packet import RecordSnapshot
from hocbaso.signing import xmldsig as X
from hocbaso.signing._parsed import ParsedSignature
from hocbaso.signing.errors import TimestampError
from hocbaso.signing.result import BindingDecision, Check, RoleBinding, RoleContext, _
from hocbaso.signing.timestamp import read_timestamp
from hocbaso.signing.trust import (
    CertificationPath,
    RevocationStatus,
    TrustStore,
    check_issuer,
)

CLOCK_SKEW = timedelta(minutes=5)


class _Context(Protocol):
    trust_store: TrustStore
    at: datetime
    binding: RoleBinding


def check_certificates(
    parsed: ParsedSignature,
    snapshot: RecordSnapshot,
    context: _Context,
    facts: ChainFacts | None = None,
) -> tuple[list[Check], datetime, bool]:
    """The certificate checks, the signing time used, and if a timestamp proves it.

    facts: chain_facts(context.trust_store, parsed.certificates) if already had."""
    sig_id = parsed.signature_id
    checks: list[Check] = []
    signing_time, proven = parsed.signing_time, False
    if parsed.timestamp is not None:
        check, stamped = _check_timestamp(parsed, context.trust_store)
        checks.append(check)
        if stamped is not None:
            if parsed.signing_time > stamped + CLOCK_SKEW:
                checks.append(
                    Check(
                        "timestamp",
                        False,
                        _("the claimed signing time is after the timestamp"),
                        sig_id,
                    )
                )
            signing_time, proven = stamped, True
    if signing_time > context.at + CLOCK_SKEW:
        checks.append(
            Check("validity", False, _("the signing time is in the future"), sig_id)
        )
    if facts is None:
        facts = chain_facts(
            context.trust_store, parsed.certificates, parsed.certificate_der
        )
    checks.append(_with_id(facts.chain, sig_id))
    checks.append(_check_validity_of(facts, signing_time, sig_id))
    checks.append(_with_id(facts.key_usage, sig_id))
    checks.append(
        _check_revocation(facts, context.trust_store, signing_time, proven, sig_id)
    )
    role_context = RoleContext(
        parsed.placed.slot.role, parsed.placed.slot.identifier, snapshot, signing_time
    )
    checks.append(_check_binding(context.binding, parsed, role_context))
    return checks, signing_time, proven


@dataclass(frozen=True)
class ChainFacts:
    """What follows from a signature's certificates and the trust store alone,
    worked out once per chain (TrustStore.chain_facts): the path, its chain and
    key-usage verdicts, the CRLs' word on each certificate, the validity window.
    Whatever depends on the signing time is checked per signature from these."""

    path: CertificationPath
    chain: Check
    key_usage: Check
    revocations: tuple[RevocationStatus, ...]  # of each (certificate, its issuer)
    valid_from: datetime  # the latest notBefore of the path
    valid_until: datetime  # the earliest notAfter of the path
    subject: str  # the signer's certificate's subject (RFC 4514)
    public_key: object  # the signer's key; None if cryptography cannot load it


def _chain_facts(store: TrustStore, chain: tuple[x509.Certificate, ...]) -> ChainFacts:
    path = store.build_path(chain[0], chain[1:])
    pairs = zip(path.certificates, path.certificates[1:], strict=False)
    return ChainFacts(
        path=path,
        chain=_check_chain(path, None),
        key_usage=_check_key_usage(chain[0], None),
        revocations=tuple(store.revocation(cert, issuer) for cert, issuer in pairs),
        valid_from=max(c.not_valid_before_utc for c in path.certificates),
        valid_until=min(c.not_valid_after_utc for c in path.certificates),
        subject=_name(chain[0]),
        public_key=_public_key(chain[0]),
    )


def _public_key(cert: x509.Certificate) -> object:
    try:
        return cert.public_key()
    except (ValueError, UnsupportedAlgorithm):
        return None


def chain_facts(
    store: TrustStore,
    chain: tuple[x509.Certificate, ...],
    der: tuple[bytes, ...] = (),
) -> ChainFacts:
    """The facts of a chain (signer's certificate first), from the store's cache;
    der, the chain's encodings if read, is the cache's key."""
    return store.chain_facts(chain, _chain_facts, der)


def _with_id(check: Check, sig_id: str) -> Check:
    return Check(check.name, check.ok, check.reason, sig_id, check.indeterminate)


def _check_validity_of(facts: ChainFacts, moment: datetime, sig_id: str) -> Check:
    if facts.valid_from <= moment <= facts.valid_until:
        return Check(
            "validity", True, _("every certificate was valid when signing"), sig_id
        )
    return _check_validity(facts.path, moment, sig_id)


def _name(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


def _check_chain(path: CertificationPath, sig_id: str | None) -> Check:
    for issuer in path.certificates[1:]:
        problem = check_issuer(issuer)
        if problem is not None:
            return Check("chain", False, problem, sig_id)
    if not path.trusted:
        reason = _("cannot determine who issued the certificate: {why}").format(
            why=path.problem
        )
        return Check("chain", False, reason, sig_id, indeterminate=True)
    root = _name(path.certificates[-1])
    return Check(
        "chain",
        True,
        _("the certificate chains to the trusted root {root}").format(root=root),
        sig_id,
    )


def _check_validity(path: CertificationPath, moment: datetime, sig_id: str) -> Check:
    """RFC 5280 §6.1.3 (a)(2): each certificate valid at the signing time."""
    for cert in path.certificates:
        if not cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc:
            reason = _(
                "the certificate {name} was not valid when signing ({start} to {end})"
            ).format(
                name=_name(cert),
                start=cert.not_valid_before_utc.date(),
                end=cert.not_valid_after_utc.date(),
            )
            return Check("validity", False, reason, sig_id)
    return Check(
        "validity", True, _("every certificate was valid when signing"), sig_id
    )


def _check_key_usage(cert: x509.Certificate, sig_id: str | None) -> Check:
    """RFC 5280 §4.2.1.3: digitalSignature or nonRepudiation (contentCommitment)."""
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return Check(
            "key_usage",
            False,
            _("the certificate does not state its key usage"),
            sig_id,
        )
    if usage.digital_signature or usage.content_commitment:
        return Check("key_usage", True, _("the certificate allows signing"), sig_id)
    return Check(
        "key_usage",
        False,
        _("the certificate does not allow digital signatures"),
        sig_id,
    )


def _check_revocation(
    facts: ChainFacts,
    store: TrustStore,
    moment: datetime,
    proven: bool,
    sig_id: str,
) -> Check:
    """RFC 5280 §6.3 with CRLs. A certificate revoked after signing still fails unless a
    timestamp proves the signature came first: a stolen key can claim any time."""
    path = facts.path
    pairs = zip(path.certificates, path.certificates[1:], strict=False)
    for index, ((cert, issuer), status) in enumerate(
        zip(pairs, facts.revocations, strict=True)
    ):
        if status.revoked_at is not None and (
            status.revoked_at <= moment or not proven
        ):
            reason = _("the certificate {name} was revoked on {when}").format(
                name=_name(cert), when=status.revoked_at.isoformat()
            )
            return Check("revocation", False, reason, sig_id)
        if index == 0 and not status.known and store.require_revocation_data:
            reason = _("no revocation list from {issuer}").format(issuer=_name(issuer))
            return Check("revocation", False, reason, sig_id, indeterminate=True)
    if len(path.certificates) < 2:
        return Check(
            "revocation",
            False,
            _("no issuer to ask about revocation"),
            sig_id,
            indeterminate=True,
        )
    return Check(
        "revocation", True, _("no certificate of the chain is revoked"), sig_id
    )


def _check_binding(
    binding: RoleBinding, parsed: ParsedSignature, context: RoleContext
) -> Check:
    decision = binding(context.role, parsed.certificates[0], context)
    if isinstance(decision, bool):
        decision = BindingDecision(
            decision,
            _("the role binding accepted the signer")
            if decision
            else _("the role binding refused the signer"),
        )
    return Check("role_binding", decision.bound, decision.reason, parsed.signature_id)


def _check_timestamp(
    parsed: ParsedSignature, store: TrustStore
) -> tuple[Check, datetime | None]:
    """RFC 3161 §2.4.2 and XAdES: the token covers the canonical SignatureValue."""
    sig_id = parsed.signature_id
    value = parsed.element.find(X.ds("SignatureValue"))
    assert value is not None and parsed.timestamp is not None
    try:
        info = read_timestamp(parsed.timestamp, X.canonicalize(value))
    except TimestampError as exc:
        return Check("timestamp", False, str(exc), sig_id), None
    path = store.build_path(info.tsa_certificate, info.certificates)
    if not path.trusted:
        return Check(
            "timestamp",
            False,
            _("the timestamp authority is not trusted"),
            sig_id,
            indeterminate=True,
        ), None
    if not _is_time_stamping(info.tsa_certificate):
        return Check(
            "timestamp",
            False,
            _("the timestamp's certificate is not for time-stamping"),
            sig_id,
        ), None
    if (
        not info.tsa_certificate.not_valid_before_utc
        <= info.time
        <= info.tsa_certificate.not_valid_after_utc
    ):
        return Check(
            "timestamp",
            False,
            _("the timestamp's certificate was not valid then"),
            sig_id,
        ), None
    return Check(
        "timestamp",
        True,
        _("timestamped at {t}").format(t=info.time.isoformat()),
        sig_id,
    ), info.time


def _is_time_stamping(cert: x509.Certificate) -> bool:
    """RFC 3161 §2.3: the TSA certificate's extended key usage is timeStamping."""
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.TIME_STAMPING in eku
