"""How far a long task got, for the page that waits for it (``Job``).

A task writes its progress with plain UPDATEs outside the work's own
transaction, so the page sees each step as it happens; the final state is
written in the transaction of the work itself where the work has one (the
import), so a task run again after its worker died finds it done or not done.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.utils import timezone

from hocbaso.season.models import Job

State = Job.State


def new_job(kind: str, *, user=None, school=None, params=None, file="") -> Job:
    """A job waiting for its task (written in the caller's transaction)."""
    return Job.objects.create(
        public_id=uuid.uuid4().hex,
        kind=kind,
        user=user if user is not None and user.is_authenticated else None,
        school=school,
        params=params or {},
        file=file,
        created_at=timezone.now(),
    )


def job(public_id: str) -> Job | None:
    return Job.objects.filter(public_id=public_id).first()


def begin(found: Job, *, total: int, step: str = "") -> None:
    _set(found, state=State.RUNNING, total=total, done=0, step=step)


def advance(found: Job, done: int, *, step: str | None = None) -> None:
    fields: dict = {"done": min(done, found.total) if found.total else done}
    if step is not None:
        fields["step"] = step
    _set(found, **fields)


def finish(found: Job, *, result: dict, errors: Iterable = (), failed=False) -> None:
    """The job's end: done (or failed) with what a page shows of it."""
    _set(
        found,
        state=State.FAILED if failed else State.DONE,
        done=found.done if failed else found.total,
        step="",
        result=result,
        errors=list(errors),
        finished_at=timezone.now(),
    )


def percent(found: Job) -> int:
    return found.done * 100 // found.total if found.total else 0


def _set(found: Job, **fields) -> None:
    for name, value in fields.items():
        setattr(found, name, value)
    Job.objects.filter(pk=found.pk).update(**fields)
