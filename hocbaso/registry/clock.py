"""The clock every action reads, injectable so tests freeze time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """Now, aware UTC."""
    return timezone.now()


def fixed_clock(moment: dt.datetime) -> Clock:
    """A clock frozen at ``moment`` (aware)."""
    if moment.utcoffset() is None:
        raise ValueError("a clock needs an aware datetime")
    return lambda: moment


def now(clock: Clock | None) -> dt.datetime:
    return (clock or system_clock)()
