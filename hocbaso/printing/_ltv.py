"""Long-term validation of a soft copy's signature (ETSI EN 319 102-1 §5.6.3).

A signature whose certificates have expired at the validation time is still valid
when the copy proves it was valid before: document timestamps (PAdES B-LTA) over
the validation data in the DSS. pyHanko's ades_lta_validation walks that chain:
the last document timestamp is validated at the validation time, each earlier one
at the time of the next, the signature at the oldest; the revocation data come
from the DSS and from the verifier's trust store (offline, nothing fetched).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asn1crypto import crl as asn1_crl
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.sign.validation import ades, async_validate_pdf_timestamp
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.policy_decl import (
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.path import ValidationPath
from pyhanko_certvalidator.policy_decl import (
    LEGACY_POLICY_MAP,
    REQUIRE_REVINFO,
    CertRevTrustPolicy,
)
from pyhanko_certvalidator.registry import SimpleTrustManager
from pyhanko_certvalidator.revinfo.archival import CRLContainer

from hocbaso.printing import _sync
from hocbaso.printing.longterm import (
    store_crls,
    store_intermediates,
    timestamps_in,
    to_asn1,
    with_roots,
)
from hocbaso.signing import Check, Reason, TrustStore

# Reasons are marked for translation and worded where they are shown (verify.py).
_ = Reason
Roots = TrustStore | Sequence[x509.Certificate]


def _anchor_alone_issues_its_crl() -> None:
    """Let a CRL signed by a path's trust anchor itself find its issuer's path.

    The past validation of an expired timestamp (ETSI EN 319 102-1 §5.6.2.4,
    pyHanko's _find_revinfo_data_for_leaf_in_past) looks for the TSA's CRLs on a
    path whose anchor is the TSA's issuing CA; ValidationPath's
    truncate_to_issuer_and_append then looks for that CA's own issuer in the path,
    finds none (only a self-signed anchor is handled) and drops every CRL, so a
    first timestamp renewed by a second one was refused once its TSA's
    certificate had expired. The path of a CRL signed by the anchor is the anchor
    alone: its signature is still checked with the anchor's key.
    """
    original = ValidationPath.truncate_to_issuer_and_append
    if getattr(original, "hocbaso_anchor_alone", False):
        return

    def truncate(path: ValidationPath, cert: Any) -> ValidationPath:
        anchor = getattr(path.trust_anchor.authority, "certificate", None)
        if anchor is not None and anchor.sha256 == getattr(cert, "sha256", None):
            return ValidationPath(path.trust_anchor, interm=[], leaf=None)
        return original(path, cert)

    truncate.hocbaso_anchor_alone = True  # type: ignore[attr-defined]
    ValidationPath.truncate_to_issuer_and_append = truncate  # type: ignore[method-assign]


_anchor_alone_issues_its_crl()


@dataclass(frozen=True)
class LongTermAnswer:
    """What the long-term validation found: passed, and the proven time."""

    passed: bool
    proven_at: datetime | None
    reason: str


def validate_long_term(
    signature: EmbeddedPdfSignature,
    *,
    roots: Sequence[x509.Certificate],
    others: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList],
    require_revocation: bool,
    at: datetime | None,
) -> LongTermAnswer:
    """Validate the signature at `at` (now) through its document timestamps."""
    when = (at or datetime.now(UTC)).astimezone(UTC)
    spec = _spec(roots, others, crls, require_revocation)
    timing = ValidationTimingInfo(
        validation_time=when, best_signature_time=when, point_in_time_validation=True
    )
    try:
        result = _sync.run(
            ades.ades_lta_validation, signature, spec, timing_info=timing
        )
    except Exception as exc:  # pyHanko raises many kinds on a malformed chain
        return LongTermAnswer(False, None, f"long-term validation failed: {exc}")
    name = getattr(result.ades_subindic, "name", str(result.ades_subindic))
    if name != "OK" or result.oldest_evidence_record_timestamp is None:
        return LongTermAnswer(False, None, name)
    return LongTermAnswer(True, result.best_signature_time, name)


def _spec(
    roots: Sequence[x509.Certificate],
    others: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList],
    require_revocation: bool,
) -> PdfSignatureValidationSpec:
    revocation = (
        REQUIRE_REVINFO if require_revocation else LEGACY_POLICY_MAP["soft-fail"]
    )
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=[to_asn1(c) for c in roots]),
        revinfo_policy=CertRevTrustPolicy(revocation),
    )
    knowledge = LocalKnowledge(
        known_crls=[
            CRLContainer(asn1_crl.CertificateList.load(c.public_bytes(Encoding.DER)))
            for c in crls
        ],
        known_certs=[to_asn1(c) for c in others],
    )
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
            local_knowledge=knowledge,
        )
    )


def document_timestamp_check(stamp: EmbeddedPdfSignature, trust_roots: Roots) -> Check:
    """A document timestamp (PAdES B-LTA) is intact and its token verifies; whether
    its authority is trusted is the long-term validation's to say."""
    try:
        context = ValidationContext(
            trust_roots=[to_asn1(c) for c in with_roots(trust_roots)],
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        status = _sync.run(async_validate_pdf_timestamp, stamp, context)
    except Exception as exc:  # a malformed timestamp dictionary or token
        return _fail(
            "document_timestamp",
            _("the timestamp cannot be read: {error}").format(error=exc),
        )
    if status.intact and status.valid:
        moment = status.timestamp.astimezone(UTC).isoformat()
        reason = _("the document was timestamped at {moment}").format(moment=moment)
        return Check("document_timestamp", True, reason, stamp.field_name)
    reason = _("the document timestamp does not verify")
    return _fail("document_timestamp", reason, stamp.field_name)


def long_term_checks(
    signature: EmbeddedPdfSignature,
    checks: list[Check],
    trust_roots: Roots,
    at: datetime | None,
    intermediates: Sequence[x509.Certificate],
) -> tuple[list[Check], datetime | None]:
    """Where the chain fails at the validation time (expired certificates), the
    document timestamps may prove it was valid before: then the chain and the
    signature timestamp pass, dated by the proven time (returned too, else None)."""
    chain = next((c for c in checks if c.name == "chain"), None)
    if chain is None or chain.ok or "revoked" in chain.reason:
        return checks, None
    store = trust_roots if isinstance(trust_roots, TrustStore) else None
    answer = validate_long_term(
        signature,
        roots=with_roots(trust_roots),
        others=[*intermediates, *(store_intermediates(store) if store else ())],
        crls=store_crls(store) if store else (),
        require_revocation=bool(store and store.require_revocation_data),
        at=at,
    )
    if not answer.passed or answer.proven_at is None:
        return _lapse_named(signature, checks, at), None
    return _proven_checks(signature.field_name, checks, answer.proven_at), (
        answer.proven_at
    )


def _proven_checks(name: str, checks: list[Check], proven: datetime) -> list[Check]:
    moment = proven.astimezone(UTC).isoformat()
    kept = [c for c in checks if c.name not in ("chain", "timestamp")]
    return [
        *kept,
        Check(
            "chain",
            True,
            _(
                "the certificate chained to a trusted root at {moment} "
                "(proven by the document timestamps)"
            ).format(moment=moment),
            name,
        ),
        Check(
            "timestamp",
            True,
            _("the signature existed at {moment}").format(moment=moment),
            name,
        ),
    ]


def _lapse_named(
    signature: EmbeddedPdfSignature, checks: list[Check], at: datetime | None
) -> list[Check]:
    """When the last document timestamp's authority certificate has expired, the
    chain's failure says so: the copy lost its protection because nobody renewed
    it in time (longterm.retimestamp_pdf), not because its seal was bad."""
    when = (at or datetime.now(UTC)).astimezone(UTC)
    try:
        stamps = timestamps_in(signature.reader)
    except Exception:  # an unreadable timestamp is reported by its own check
        return checks
    if not stamps or stamps[-1][1].not_valid_after_utc > when:
        return checks
    expired = stamps[-1][1].not_valid_after_utc.date().isoformat()
    reason = _(
        "the copy is no longer protected: the certificate of the authority of its"
        " last document timestamp expired on {date} and no later timestamp renewed"
        " it"
    ).format(date=expired)
    name = signature.field_name
    return [
        Check("chain", False, reason, name, indeterminate=True)
        if c.name == "chain"
        else c
        for c in checks
    ]


def _fail(name: str, reason: str, signature: str | None = None) -> Check:
    return Check(name, False, reason, signature)
