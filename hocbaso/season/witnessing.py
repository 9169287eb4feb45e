"""The witnesses asked by themselves (docs/ledger.md, "Witnesses").

Every ``WITNESS_EVERY`` a worker enqueues ``ask_witnesses`` (once per period
whatever the number of workers: ``engine.run_if_due``, see ``hocbaso worker``).
It asks the configured witnesses that have not cosigned the latest checkpoint to
cosign it, through the function behind ``hocbaso ledger witness``
(``cosigning.request_cosignatures``). Nothing is asked when every witness already
covers the latest checkpoint, so a period with no new checkpoint costs two
queries. A witness that refuses or does not answer is logged and asked again at
the next period; what it answered is checked against its registered key before
it is stored, and a cosignature is stored once per tree size and witness, so a
task run twice stores nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from hocbaso.registry import cosigning
from hocbaso.registry.ledger_log import latest_checkpoint

WITNESS_EVERY = dt.timedelta(minutes=1)
logger = logging.getLogger(__name__)


def waiting_for() -> list[str]:
    """Codes of the configured witnesses that do not cover the latest checkpoint."""
    row = latest_checkpoint()
    if row is None:
        return []
    behind = set(cosigning.witnesses_behind(row.size))
    return [w.code for w in cosigning.witnesses() if w.code not in behind]


def ask() -> dict[str, list[str]]:
    """Ask the witnesses if one is missing; who cosigned and who did not."""
    if not waiting_for():
        return {"cosigned": [], "failed": []}
    outcomes = cosigning.request_cosignatures(timezone.now())
    for outcome in outcomes:
        if not outcome.ok:
            logger.warning(
                "witness %s did not cosign: %s", outcome.witness, outcome.detail
            )
    return {
        "cosigned": [o.witness for o in outcomes if o.ok],
        "failed": [o.witness for o in outcomes if not o.ok],
    }


@task()
def ask_witnesses() -> dict[str, list[str]]:
    """Ask the configured witnesses to cosign the latest checkpoint (periodic)."""
    return ask()


def enqueue_if_due(now: dt.datetime | None = None) -> bool:
    """Enqueue ``ask_witnesses`` if its period came (one worker of many does)."""
    from hocbaso.season import engine

    return engine.run_if_due(
        "ask_witnesses", WITNESS_EVERY, ask_witnesses.enqueue, now=now
    )
