"""The time the school pages sign and submit at: now, unless a test freezes it.

The registry's actions take a clock (registry/clock.py); the pages pass this one,
so a test can set the day (a round's deadline not yet passed) for the signing
time, the issue date and the registry alike.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """Aware UTC now, or the frozen moment."""
    return _frozen or timezone.now()


def registry_clock():
    """The clock to hand to hocbaso.registry.actions (None: the system clock)."""
    moment = _frozen
    return None if moment is None else (lambda: moment)


def freeze(moment: dt.datetime | None) -> None:
    """Freeze the pages' clock at an aware moment; None thaws it."""
    global _frozen
    if moment is not None and moment.utcoffset() is None:
        raise ValueError("the clock needs an aware datetime")
    _frozen = moment
