"""The rounds' deadlines, kept by themselves (docs/registry.md, "Deadlines").

When a school year is saved (its calendar set or edited), ``schedule_year`` enqueues
for each round a lock task at the lock deadline (the end of 30/6 and 15/8 by default,
Vietnam time, ``rounds.lock_deadline``) and a reminder task the configured days
before (settings.HOCBASO_REMINDER_DAYS). Each is stored with its time
(``DeadlineSchedule``); a deadline moved is scheduled again and the task left at the
old time, when it runs, finds its time no longer stored and does nothing. Deadlines
already passed are not scheduled: a round whose deadline passed unlocked is locked
by the department (``hocbaso registry`` or the rollout pages).

At the deadline ``lock_due`` locks every accepted current submission of the round in
the whole registry through the registry's own lock action, as the system
("system:deadline"): the ledger entries, the audit event and the lists of missing
records (``signals``) are written in that one transaction.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction

from hocbaso.records.models import Round, SchoolYear
from hocbaso.registry import actions, rounds
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import now
from hocbaso.registry.models import Receipt
from hocbaso.season import engine
from hocbaso.season.faults import pause_point
from hocbaso.season.models import DeadlineSchedule

logger = logging.getLogger(__name__)
Kind = DeadlineSchedule.Kind
SCHEDULER = Actor.system("deadline")


def planned(year: SchoolYear) -> list[tuple[str, str, int, dt.datetime]]:
    """(round, kind, days before, run at) of every deadline task of the year."""
    plan = []
    for round_name in rounds.ROUNDS:
        deadline = rounds.lock_deadline(year, round_name)
        plan.append((round_name.value, Kind.LOCK.value, 0, deadline))
        for days in settings.HOCBASO_REMINDER_DAYS:
            remind_at = deadline - dt.timedelta(days=days)
            plan.append((round_name.value, Kind.REMIND.value, days, remind_at))
    return plan


def schedule_year(year: SchoolYear) -> int:
    """Enqueue the year's future deadline tasks whose time changed; how many."""
    if not engine.can_defer():
        return 0  # the immediate backend cannot wait for a deadline
    current = now(None)
    stored = {
        (s.round, s.kind, s.days_before): s
        for s in DeadlineSchedule.objects.filter(school_year=year)
    }
    enqueued = 0
    for round_name, kind, days, run_at in planned(year):
        row = stored.get((round_name, kind, days))
        if run_at <= current or (row is not None and row.run_at == run_at):
            continue
        _enqueue(year, round_name, kind, days, run_at)
        enqueued += 1
    return enqueued


def _enqueue(year, round_name: str, kind: str, days: int, run_at) -> None:
    from hocbaso.season import tasks

    task = tasks.lock_at_deadline if kind == Kind.LOCK else tasks.remind_before
    args = (year.pk, round_name, days, run_at.isoformat())
    queued = engine.enqueue(task.using(run_after=run_at), *args)
    DeadlineSchedule.objects.update_or_create(
        school_year=year,
        round=round_name,
        kind=kind,
        days_before=days,
        defaults={"run_at": run_at, "task_id": str(queued.id)},
    )


def _answer_received_before(deadline: dt.datetime) -> None:
    """Answer the receipts received before the deadline and not answered yet, so
    that what a school sent in time is locked with the round, not refused."""
    from hocbaso.season.tasks import answer

    waiting = Receipt.objects.select_related("school").filter(
        status=Receipt.Status.RECEIVED, received_at__lt=deadline
    )
    for receipt in waiting.order_by("received_at", "pk"):
        answer(receipt)


def still_scheduled(year_id: int, round_name: str, kind: str, days, run_at) -> bool:
    """Whether this task's time is still the stored one (not moved since)."""
    return DeadlineSchedule.objects.filter(
        school_year_id=year_id,
        round=round_name,
        kind=kind,
        days_before=days,
        run_at=dt.datetime.fromisoformat(run_at),
    ).exists()


def lock_due(year_id: int, round_name: str, run_at: str) -> dict:
    """Lock the round at its deadline; a summary (the task's return value)."""
    if not still_scheduled(year_id, round_name, Kind.LOCK, 0, run_at):
        return {"skipped": "deadline moved"}
    year = SchoolYear.objects.get(pk=year_id)
    deadline = rounds.lock_deadline(year, Round(round_name))
    if now(None) < deadline:  # a worker's clock behind the queue's: once more
        _enqueue(year, round_name, Kind.LOCK, 0, deadline)
        return {"skipped": "not yet"}
    _answer_received_before(deadline)
    with transaction.atomic():
        result = actions.lock_round(year, round_name, actor=SCHEDULER, at=deadline)
        pause_point("lock")
    logger.info(
        "deadline lock %s %s: %s locked, %s missing",
        year.name,
        round_name,
        result.locked,
        result.missing,
    )
    return {"lock": result.lock_id, "locked": result.locked, "missing": result.missing}
