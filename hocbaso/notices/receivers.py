"""What the notices listen to: the registry's lock (``school_locked``), rows of the
access trail and of share-code uses, and corrections saved in a new state.

A receiver only enqueues a task naming the row. On the database backend the task's
row is written in the event's transaction, so it commits or rolls back with it;
on the inline backend (tests, ``HOCBASO_TASKS_BACKEND=immediate``) the task runs
after the commit, so that a rolled-back event sends nothing and a lock's records
are marked locked before they are read. A notice never fails the event itself.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_save

from hocbaso.prepared import PreparedQuery
from hocbaso.season import engine

_TOLD_STATES = ("requested", "approved", "refused", "issued")


def later(task, *args) -> None:
    if engine.can_defer():
        engine.enqueue(task, *args)
    else:
        transaction.on_commit(lambda: engine.enqueue(task, *args), robust=True)


def _confirmed_address():
    from hocbaso.notices.models import Preference

    return (
        Preference.objects.exclude(email="")
        .filter(confirmed=F("email"))
        .values("pk")[:1]
    )


# Asked at every row of the access trail, a public lookup's included: compiled to
# SQL once per process (the ORM's compiling costs more than the query).
_ANY_CONFIRMED = PreparedQuery(_confirmed_address)


def _families_listen() -> bool:
    """Whether any family has a confirmed address: until one has, the lock and the
    reads enqueue nothing (no queue full of tasks with no one to tell)."""
    return bool(_ANY_CONFIRMED())


def _school_locked(sender, school_lock, **kwargs) -> None:
    from hocbaso.notices.tasks import notify_effective

    if _families_listen():
        later(notify_effective, school_lock.pk)


def _access_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    from hocbaso.notices.notifying import is_reader_event
    from hocbaso.notices.tasks import notify_access

    if created and not raw and is_reader_event(instance) and _families_listen():
        later(notify_access, instance.pk)


def _share_used(sender, instance, created=False, raw=False, **kwargs) -> None:
    from hocbaso.notices.tasks import notify_share_use

    if created and not raw and _families_listen():
        later(notify_share_use, instance.pk)


def _correction_saved(sender, instance, raw=False, **kwargs) -> None:
    from hocbaso.notices.tasks import notify_correction

    if not raw and instance.state in _TOLD_STATES:
        later(notify_correction, instance.public_id, str(instance.state))


def _review_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    from hocbaso.notices.tasks import notify_review

    state = str(instance.state)
    if not raw and ((created and state == "open") or state == "declined"):
        later(notify_review, instance.pk, state)


def connect() -> None:
    from hocbaso.portal.citizen.models import ParentRequest, ShareUse
    from hocbaso.portal.models import AccessEvent
    from hocbaso.registry.locking import school_locked
    from hocbaso.registry.models import Correction

    school_locked.connect(_school_locked, dispatch_uid="notices-effective")
    post_save.connect(_access_saved, sender=AccessEvent, dispatch_uid="notices-access")
    post_save.connect(_share_used, sender=ShareUse, dispatch_uid="notices-share")
    post_save.connect(
        _correction_saved, sender=Correction, dispatch_uid="notices-correction"
    )
    post_save.connect(
        _review_saved, sender=ParentRequest, dispatch_uid="notices-review"
    )
