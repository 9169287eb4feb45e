"""A family's request that the school review a yearly record (the data subject's
right to have their data corrected: Decree 13/2023/NĐ-CP, Art. 9 and 15; the Law
on Personal Data Protection 2025), and the school's answer.

A locked record is never edited (docs/registry.md, "Correction after the lock"):
the family's request does not change anything by itself. It appears on the
school's correction page of that record as a request to review, with the
family's reason; the school then either requests the correction by the legal
procedure (``forward``, called when the school files its correction request) or
declines with a reason (``decline``), which the family reads on its page.

    ask(account, record, reason)
    open_for(record)                     # the school's page
    forward(record, correction_id, by)   # the school filed the correction
    decline(row, reason, by)
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.portal.citizen.models import (
    CitizenAccount,
    ParentRequest,
    visible_transcripts,
)
from hocbaso.portal.citizen.registry import Standing, standings
from hocbaso.records.models import YearlyRecord

MAX_REASON = 2000
MAX_OPEN = 3  # open requests per account and record: enough, and no flood


class ReviewError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def ask(
    account: CitizenAccount,
    record: YearlyRecord,
    reason: str,
    *,
    at: dt.datetime | None = None,
) -> ParentRequest:
    reason = (reason or "").strip()
    visible = visible_transcripts(account.personal_id)
    if not visible.filter(pk=record.transcript_id).exists():
        raise ReviewError(_("You may not ask about this record."))
    if not reason:
        raise ReviewError(_("Say what is wrong in the record, and what it should be."))
    (standing,) = standings([record])
    if standing.standing is not Standing.EFFECTIVE:
        # before the lock the school replaces the record itself, and a revoked
        # or unsent one is not in force: the procedure is for locked records
        raise ReviewError(
            _(
                "This school year is not locked in the registry: ask the school "
                "directly; until the lock it corrects the record itself."
            )
        )
    if len(reason) > MAX_REASON:
        raise ReviewError(
            _("The reason is %(n)s characters long; at most %(max)s are taken.")
            % {"n": len(reason), "max": MAX_REASON}
        )
    mine = ParentRequest.objects.filter(
        account=account, record=record, state=ParentRequest.State.OPEN
    )
    if mine.count() >= MAX_OPEN:
        raise ReviewError(
            _(
                "You already have %(n)s requests about this record awaiting the "
                "school's review; wait for its answer."
            )
            % {"n": mine.count()}
        )
    return ParentRequest.objects.create(
        account=account, record=record, reason=reason, asked_at=at or timezone.now()
    )


def _same_pupil_year(record: YearlyRecord):
    """The pupil-year's versions: a request about the locked record still applies
    to the corrected version the school's page shows, and the other way round."""
    return YearlyRecord.objects.filter(
        transcript_id=record.transcript_id, school_year_id=record.school_year_id
    )


def open_for(record: YearlyRecord) -> list[ParentRequest]:
    return list(
        ParentRequest.objects.filter(
            record__in=_same_pupil_year(record), state=ParentRequest.State.OPEN
        )
        .select_related("account")
        .order_by("asked_at", "pk")
    )


def forward(record: YearlyRecord, correction_id: str, by: str, *, at=None) -> int:
    """The school requested a correction of the pupil-year: every open request
    about it is answered with the correction's id."""
    return ParentRequest.objects.filter(
        record__in=_same_pupil_year(record), state=ParentRequest.State.OPEN
    ).update(
        state=ParentRequest.State.FORWARDED,
        correction_id=correction_id,
        answered_at=at or timezone.now(),
        answered_by=by[:200],
    )


def decline(row_id: int, record: YearlyRecord, reason: str, by: str, *, at=None):
    """Decline an open request about this pupil-year, with the reason the family
    reads."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Give the family the reason for declining."))
    with transaction.atomic():
        row = (
            ParentRequest.objects.select_for_update()
            .filter(pk=row_id, record__in=_same_pupil_year(record))
            .first()
        )
        if row is None:
            raise ReviewError(_("There is no such request about this record."))
        if row.state != ParentRequest.State.OPEN:
            raise ReviewError(_("This request has been answered already."))
        row.state = ParentRequest.State.DECLINED
        row.answer = reason[:MAX_REASON]
        row.answered_at = at or timezone.now()
        row.answered_by = by[:200]
        row.save()
    return row
