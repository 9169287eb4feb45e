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

from asn1crypto import crl as asn1_crl
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.sign.validation import ades
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.policy_decl import (
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    LEGACY_POLICY_MAP,
    REQUIRE_REVINFO,
    CertRevTrustPolicy,
)
from pyhanko_certvalidator.registry import SimpleTrustManager
from pyhanko_certvalidator.revinfo.archival import CRLContainer

from hocbaso.printing import _sync
from hocbaso.printing.longterm import to_asn1


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
