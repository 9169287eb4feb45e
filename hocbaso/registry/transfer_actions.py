"""Transfers of a transcript between schools through the registry's operations:
request, release, acknowledgement and a transfer's state (docs/registry.md,
"Transfers (R15)").

Reached through ``hocbaso.registry.actions``, the registry's public entry.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hocbaso.records.models import School
from hocbaso.registry import (
    lookups,
    transferring,
)
from hocbaso.registry.actors import Actor, may_see
from hocbaso.registry.clock import Clock, now
from hocbaso.registry.errors import (
    NotFoundError,
)
from hocbaso.registry.models import (
    Transfer,
)


def request_transfer(
    *,
    student_code: str,
    level: str,
    to_school: School | str,
    actor: Actor,
    note: str = "",
    clock: Clock | None = None,
    discreet: bool = False,
) -> Transfer:
    """The receiving school asks for a student's transcript (R15). discreet: answer
    an unknown student as a recorded request (transferring.request_discreetly)."""
    step = transferring.request_discreetly if discreet else transferring.request
    return step(
        student_code=student_code,
        level=level,
        to_school=lookups.school(to_school),
        actor=actor,
        note=note,
        at=now(clock),
    )


def release_transfer(
    transfer_id: str, *, school: School | str, actor: Actor, clock: Clock | None = None
) -> Transfer:
    """The sending school releases the transcript."""
    return transferring.release(
        transfer_id, school=lookups.school(school), actor=actor, at=now(clock)
    )


def acknowledge_transfer(
    transfer_id: str, *, school: School | str, actor: Actor, clock: Clock | None = None
) -> Transfer:
    """The receiving school acknowledges: it manages the transcript from now on."""
    return transferring.acknowledge(
        transfer_id, school=lookups.school(school), actor=actor, at=now(clock)
    )


def transfer_status(transfer_id: str, *, actor: Actor) -> Transfer:
    found = (
        Transfer.objects.select_related("from_school", "to_school")
        .filter(public_id=transfer_id)
        .first()
    )
    # The receiving school sees its request once released: before, it would tell
    # which student codes exist in other schools (transferring.request_discreetly).
    receiving = found is not None and found.state != Transfer.State.REQUESTED
    if found is None or not (
        may_see(actor, found.from_school)
        or (receiving and may_see(actor, found.to_school))
    ):
        raise NotFoundError(_("There is no transfer %(id)s.") % {"id": transfer_id})
    return found
