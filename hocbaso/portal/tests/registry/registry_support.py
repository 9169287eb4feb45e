"""A small registry for the portal's tests, on the registry tests' signed district.

primary class:   record 0 submitted, replaced (corrected), then locked: the
                 replaced version is listed as replaced; records 1-2 locked.
secondary class: record 0 submitted and pending (not locked); record 1
                 submitted then revoked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hocbaso.records.models import Round, Transcript, YearlyRecord
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.tests.district import District


@dataclass
class Registry:
    district: District
    effective: YearlyRecord  # locked, replaced once
    pending: YearlyRecord  # submitted, not locked
    revoked: YearlyRecord
    locked_at: dt.datetime

    @property
    def primary_transcript(self) -> Transcript:
        return self.effective.transcript

    @property
    def secondary_transcript(self) -> Transcript:
        return self.pending.transcript


def fill(district: District) -> Registry:
    clock = fixed_clock(district.open_at)
    primary = district.records(district.primary, Round.MAIN)
    secondary = district.records(district.secondary, Round.MAIN)
    clerk_p = Actor.of_user(district.user(district.primary.school))
    clerk_s = Actor.of_user(district.user(district.secondary.school))
    for record in primary:
        _accepted(
            actions.submit(
                district.packet(record),
                school=record.school,
                actor=clerk_p,
                clock=clock,
            )
        )
    first = primary[0]
    _accepted(
        actions.replace(
            district.replacement[first.pk],
            school=first.school,
            actor=clerk_p,
            reason="Sửa nhận xét của giáo viên chủ nhiệm",
            clock=fixed_clock(district.open_at + dt.timedelta(hours=2)),
        )
    )
    for record in secondary:
        _accepted(
            actions.submit(
                district.packet(record),
                school=record.school,
                actor=clerk_s,
                clock=clock,
            )
        )
    revoked = secondary[1]
    actions.revoke(
        _current_id(revoked),
        school=revoked.school,
        actor=clerk_s,
        reason="Nộp nhầm hồ sơ",
        clock=fixed_clock(district.open_at + dt.timedelta(hours=3)),
    )
    locked_at = district.open_at + dt.timedelta(days=1)
    actions.lock_round(
        district.year.name,
        "main",
        scope=district.primary.school,
        actor=Actor.system("tests"),
        at=locked_at,
        clock=fixed_clock(locked_at),
    )
    return Registry(district, first, secondary[0], revoked, locked_at)


def _current_id(record: YearlyRecord) -> str:
    from hocbaso.registry.models import Submission

    return Submission.objects.get(record=record, state="accepted").public_id


def _accepted(receipt) -> None:
    assert not receipt.rejected, [r.problems for r in receipt.rejected]
    assert receipt.accepted
