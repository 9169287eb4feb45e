"""verify_packet: is this packet a complete, correctly signed transcript record?

Steps, each recorded as a Check (names in brackets):
1. [schema] safe parsing and the XSD, then the snapshot; [ids] no duplicate Id;
2. per signature, in slot order: [structure] inside the profile; [integrity] every
   Reference digest and the SignatureValue (XMLDSig §3.2); [coverage] it covers what
   its role must (roles.py) and nothing that contains it; [order] it references every
   earlier signature; [timestamp] when present (RFC 3161); [chain] a path to a trust
   anchor (RFC 5280 §6.1); [validity] every certificate valid at signing time;
   [key_usage] digitalSignature or nonRepudiation (RFC 5280 §4.2.1.3); [revocation]
   CRLs (RFC 5280 §6.3); [role_binding] the certificate belongs to the role's holder;
3. [order] no role signed while an earlier one has not; [complete] every slot signed.
Never touches the network.
"""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from hocbaso.packet import (
    PacketError,
    PacketForbiddenError,
    RecordSnapshot,
    load_packet_tree,
    snapshot_from_tree,
)
from hocbaso.signing import xmldsig as X
from hocbaso.signing._certchecks import ChainFacts, chain_facts, check_certificates
from hocbaso.signing._parsed import (
    MalformedSignatureError,
    ParsedSignature,
    parse_signature,
)
from hocbaso.signing.algorithms import is_valid_signature
from hocbaso.signing.errors import SigningError
from hocbaso.signing.result import (
    Check,
    Reason,
    RoleBinding,
    SignatureReport,
    VerificationResult,
    _,
    bind_by_subject_identifier,
    listing,
    role_name,
    status_of,
)
from hocbaso.signing.roles import PlacedSlot, Role, find_slots
from hocbaso.signing.trust import TrustStore

Element = etree._Element


def verify_packet(
    data: bytes,
    trust_store: TrustStore,
    *,
    at: datetime | None = None,
    role_binding: RoleBinding | None = None,
    require_complete: bool = True,
) -> VerificationResult:
    """Verify every signature of a packet; never raises for a bad packet.

    at is the time of verification (default now): a signing time after it is refused.
    role_binding defaults to bind_by_subject_identifier. With require_complete=False
    a packet still being signed is valid when what is there is valid.
    """
    checks: list[Check] = []
    try:
        root = load_packet_tree(data)
        snapshot = snapshot_from_tree(root)
        ids = X.index_ids(root)
        canonical = X.CanonicalTree(root, ids)
    except (PacketError, SigningError) as exc:
        checks.append(Check("schema", False, _schema_reason(exc)))
        return VerificationResult(status_of(checks), tuple(checks))
    checks.append(Check("schema", True, _("the packet follows the schema")))
    slots = find_slots(root)
    context = _Context(
        trust_store,
        at or datetime.now(UTC),
        role_binding or bind_by_subject_identifier,
        canonical,
    )
    reports = []
    for placed in slots:
        for element in placed.signatures():
            report = _verify_one(element, placed, slots, ids, snapshot, context, checks)
            if report is not None:
                reports.append(report)
    checks += _check_slots_in_order(slots, require_complete)
    return VerificationResult(
        status_of(checks), tuple(checks), tuple(reports), snapshot
    )


# What a reader must be told in its own language (a fixed sentence, translated where
# it is shown); the exception's message keeps the line and the element.
_HIDDEN_NODE_REASONS = {
    "COMMENT": _(
        "the packet holds an XML comment: signatures do not cover comments, and a"
        " value split by one would be read differently than it was signed"
    ),
    "PROCESSING_INSTRUCTION": _(
        "the packet holds an XML processing instruction, which a packet never has:"
        " a value split by one would be read differently than it was signed"
    ),
    "NAMESPACES": _(
        "the packet declares far more XML namespaces than a packet ever does:"
        " checking its signatures would hold the verifier for hours"
    ),
}


def _schema_reason(exc: PacketError | SigningError) -> str:
    code = exc.code if isinstance(exc, PacketForbiddenError) else None
    return _HIDDEN_NODE_REASONS.get(code or "", str(exc))


class _Context:
    def __init__(
        self,
        trust_store: TrustStore,
        at: datetime,
        binding: RoleBinding,
        canonical: X.CanonicalTree,
    ) -> None:
        self.trust_store = trust_store
        self.at = at
        self.binding = binding
        # The whole tree canonicalised once; each element's form is cut from it.
        self.canonical = canonical
        # Digest of each Id's canonical form: later signatures reference the same
        # data and the earlier signatures again, and the tree does not change.
        self.digests: dict[str, bytes] = {}
        self._earlier: dict[int, frozenset[str]] | None = None

    def earlier_ids(self, slots: list[PlacedSlot]) -> dict[int, frozenset[str]]:
        """rank → Ids of the Signatures in slots of a lower rank, read once."""
        if self._earlier is None:
            signed = [
                (placed.slot.role.rank, sig.get(X.ID_ATTR, ""))
                for placed in slots
                for sig in placed.signatures()
            ]
            self._earlier = {
                role.rank: frozenset(i for r, i in signed if r < role.rank)
                for role in Role
            }
        return self._earlier


def _verify_one(
    element: Element,
    placed: PlacedSlot,
    slots: list[PlacedSlot],
    ids: dict[str, Element],
    snapshot: RecordSnapshot,
    context: _Context,
    checks: list[Check],
) -> SignatureReport | None:
    sig_id = element.get(X.ID_ATTR)
    try:
        parsed = parse_signature(element, placed, context.canonical)
    except MalformedSignatureError as exc:
        checks.append(Check("structure", False, str(exc), sig_id))
        return None
    checks.append(
        Check("structure", True, _("the signature follows the profile"), sig_id)
    )
    facts = chain_facts(
        context.trust_store, parsed.certificates, parsed.certificate_der
    )
    checks.append(_check_integrity(parsed, facts, ids, context))
    earlier = context.earlier_ids(slots)
    checks.append(_check_coverage(parsed, ids, earlier))
    checks.append(_check_references_earlier(parsed, earlier))
    cert_checks, signing_time, timestamped = check_certificates(
        parsed, snapshot, context, facts
    )
    checks.extend(cert_checks)
    return SignatureReport(
        parsed.signature_id,
        placed.slot.role,
        placed.slot.identifier,
        facts.subject,
        signing_time,
        timestamped,
    )


def _check_integrity(
    parsed: ParsedSignature,
    facts: ChainFacts,
    ids: dict[str, Element],
    context: _Context,
) -> Check:
    """XMLDSig §3.2: reference validation, then signature validation over SignedInfo."""
    name, sig_id = "integrity", parsed.signature_id
    digests = context.digests
    for reference in parsed.references:
        target = ids.get(reference.target)
        if target is None:
            return Check(
                name,
                False,
                _("reference #{id} points to nothing").format(id=reference.target),
                sig_id,
            )
        if reference.target not in digests:
            digests[reference.target] = context.canonical.digest(target)
        if digests[reference.target] != reference.digest:
            return Check(
                name,
                False,
                _("the content of #{id} was changed after signing").format(
                    id=reference.target
                ),
                sig_id,
            )
    signed_info = parsed.signed_info or context.canonical.canonical(
        X.signed_info_of(parsed.element)
    )
    key = facts.public_key
    if key is None or not is_valid_signature(
        key,  # type: ignore[arg-type]
        parsed.algorithm,
        signed_info,
        parsed.value,
    ):
        return Check(
            name,
            False,
            _("the signature value does not match the signer's certificate"),
            sig_id,
        )
    if parsed.subject_name is not None and parsed.subject_name != facts.subject:
        return Check(
            name,
            False,
            _("X509SubjectName does not name the certificate's subject"),
            sig_id,
        )
    return Check(name, True, _("the signed content is unchanged"), sig_id)


def _check_coverage(
    parsed: ParsedSignature,
    ids: dict[str, Element],
    earlier_ids: dict[int, frozenset[str]],
) -> Check:
    """The role's targets and its own signing time are referenced; nothing else but
    earlier signatures is (the profile's references, docs/packet.md); no ancestor."""
    sig_id = parsed.signature_id
    needed = {*parsed.placed.covers, sig_id + X.SIGNING_TIME_SUFFIX}
    # Sorted only to be named: a valid signature leaves both sets empty.
    missing = needed - parsed.targets
    if missing:
        return Check(
            "coverage",
            False,
            _("the signature does not cover {ids}").format(
                ids=", ".join(sorted(missing))
            ),
            sig_id,
        )
    unexpected = parsed.targets - needed - earlier_ids[parsed.placed.slot.role.rank]
    if unexpected:
        return Check(
            "coverage",
            False,
            _("the signature references {ids}, which its role does not sign").format(
                ids=", ".join(sorted(unexpected))
            ),
            sig_id,
        )
    # Ids are unique (index_ids): a target contains the signature iff it is the
    # Id of one of its few ancestors.
    ancestor_ids = {a.get(X.ID_ATTR) for a in parsed.element.iterancestors()}
    if not ancestor_ids.isdisjoint(parsed.targets):
        return Check(
            "coverage",
            False,
            _("the signature references an element that contains it"),
            sig_id,
        )
    return Check(
        "coverage", True, _("the signature covers what its role signs"), sig_id
    )


def _check_references_earlier(
    parsed: ParsedSignature, earlier_ids: dict[int, frozenset[str]]
) -> Check:
    """Each later signature references every earlier-rank Signature (domain.md §6.2).

    earlier_ids: rank → the Ids of every Signature in a slot of a lower rank."""
    earlier = earlier_ids[parsed.placed.slot.role.rank]
    missing = earlier - parsed.targets
    if missing:
        reason = _("signed without covering the earlier signatures {ids}").format(
            ids=", ".join(sorted(missing))
        )
        return Check("order", False, reason, parsed.signature_id)
    return Check(
        "order",
        True,
        _("the signature covers every earlier signature"),
        parsed.signature_id,
    )


def _check_slots_in_order(
    slots: list[PlacedSlot], require_complete: bool
) -> list[Check]:
    """No role signed while an earlier slot is empty; every slot signed if required."""
    checks = []
    empty = [not p.signatures() for p in slots]
    highest = max(
        (p.slot.role.rank for p, e in zip(slots, empty, strict=True) if not e),
        default=-1,
    )
    empty_earlier = [
        p for p, e in zip(slots, empty, strict=True) if p.slot.role.rank < highest and e
    ]
    for placed in empty_earlier:
        reason = _("the {role} {who} has not signed, yet a later role has").format(
            role=role_name(placed.slot.role), who=placed.slot.identifier
        )
        checks.append(Check("order", False, reason))
    if require_complete:
        unsigned = [
            Reason("{role} {who}", role=role_name(p.slot.role), who=p.slot.identifier)
            for p, e in zip(slots, empty, strict=True)
            if e
        ]
        if unsigned:
            checks.append(
                Check(
                    "complete",
                    False,
                    _("not signed yet by: {who}").format(who=listing(unsigned)),
                )
            )
        else:
            checks.append(Check("complete", True, _("every signer has signed")))
    return checks
