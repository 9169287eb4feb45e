"""The notices' tasks (Django's tasks API, as ``hocbaso.season.tasks``).

Arguments are plain JSON values naming the event's row; each body finds the
recipients when it runs and sends each notice once under its unique key
(``sending``), so a task run again after its worker died sends nothing new.
"""

from __future__ import annotations

from django_tasks import task

from hocbaso.notices import notifying


@task()
def notify_effective(school_lock_id: int) -> dict:
    """A school's round locked: its records became effective."""
    return notifying.effective(school_lock_id)


@task()
def notify_access(event_id: int) -> dict:
    """Someone holding the lookup code read the transcript."""
    return notifying.access(event_id)


@task()
def notify_share_use(use_id: int) -> dict:
    """A share code was used."""
    return notifying.share_use(use_id)


@task()
def notify_review(request_id: int, state: str) -> dict:
    """A family asked the school to review a locked record, or was declined."""
    return notifying.review(request_id, state)


@task()
def send_confirmation(account_id: int, email: str) -> dict:
    """Mail the code that confirms a family's new address."""
    from hocbaso.notices.confirming import send_code

    return send_code(account_id, email)


@task()
def notify_correction(correction_id: str, state: str) -> dict:
    """A correction was requested, decided or issued."""
    return notifying.correction(correction_id, state)
