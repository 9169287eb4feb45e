"""Correction of a locked record through the registry's operations: the school's
request, the competent level's decision and the signed packet that supersedes the
locked one (docs/registry.md, "Correction after the lock"); the steps themselves
are in ``correcting``.

Reached through ``hocbaso.registry.actions``, the registry's public entry.
"""

from __future__ import annotations

from hocbaso.records.models import School
from hocbaso.registry import (
    correcting,
    lookups,
)
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import Clock, now
from hocbaso.registry.models import (
    Correction,
)
from hocbaso.registry.verification import InProcessVerifier, Verifier


def request_correction(
    submission_id: str,
    *,
    school: School | str,
    actor: Actor,
    reason: str,
    evidence: bytes,
    evidence_name: str,
    identity: dict[str, str] | None = None,
    clock: Clock | None = None,
) -> Correction:
    """The school asks to correct a locked record, with its reason and evidence."""
    return correcting.request(
        submission_id,
        school=lookups.school(school),
        actor=actor,
        reason=reason,
        evidence=evidence,
        evidence_name=evidence_name,
        identity=identity,
        at=now(clock),
    )


def decide_correction(
    correction_id: str, *, actor: Actor, approve: bool, clock: Clock | None = None, **d
) -> Correction:
    """The competent level approves (``number``, ``date``, ``signer``) or refuses
    (``reason``); an approval makes the record's next version, a draft."""
    return correcting.decide(
        correction_id, actor=actor, approve=approve, at=now(clock), **d
    )


def issue_correction(
    correction_id: str,
    data: bytes,
    *,
    school: School | str,
    actor: Actor,
    clock: Clock | None = None,
    verifier: Verifier | None = None,
) -> Correction:
    """The signed packet of the approved version supersedes the locked one."""
    return correcting.issue(
        correction_id,
        data,
        school=lookups.school(school),
        actor=actor,
        verifier=verifier or InProcessVerifier(),
        at=now(clock),
    )
