"""Small helpers shared by the registry's tests."""

from __future__ import annotations

from hocbaso.registry import actions
from hocbaso.registry.models import LedgerHead, Submission


def tamper(packet: bytes) -> bytes:
    """The packet with one letter of the student's name changed after signing."""
    marker = b"<hovaten>"
    at = packet.index(marker) + len(marker)
    return packet[:at] + b"X" + packet[at:]


def ledger_size() -> int:
    head = LedgerHead.objects.filter(pk=1).first()
    return head.size if head else 0


def codes(outcome) -> set[str]:
    return {p.code for p in outcome.problems}


def submit(district, record, actor, clock, data=None, **options):
    """Submit one record's packet as its school; the receipt view."""
    return actions.submit(
        data if data is not None else district.packet(record),
        school=record.school if "school" not in options else options.pop("school"),
        actor=actor,
        clock=clock,
        **options,
    )


def current(record) -> Submission | None:
    return Submission.objects.filter(
        record=record, state=Submission.State.ACCEPTED
    ).first()
