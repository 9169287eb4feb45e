"""The cache of kept holdings and the key each is kept under (docs/portal.md,
"What the lookup shows"; docs/registry.md).

A holding is kept in the deployment's cache (settings.CACHES, ``HOLDINGS_CACHE``)
under a key made of what can change it: the transcript's latest ledger entry
(accept, replace, revoke, lock), the latest checkpoint's size and root, and the
cosignatures stored for it. Any change in the registry appends an entry, so the
next lookup reads a new key. Each process also keeps the holdings it read last as
objects (``kept``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.core.cache import caches
from django.db.models import Count, F, Func, Max, OuterRef, QuerySet, Subquery

from hocbaso.prepared import PreparedQuery
from hocbaso.registry.holding_values import Holding
from hocbaso.registry.models import LedgerCheckpoint, LedgerCosignature, Submission

HOLDINGS_CACHE = "default"
# Long enough to matter, short enough that a cache nobody invalidates (the key
# changes instead) does not hold values for days.
TTL = 3600

# The holdings this process read last, as objects: unpickling one from the cache
# cost a tenth of a cached lookup. A value never changes under its key; one is
# used only while the cache still has its key, so clearing the cache clears it.
_RECENT: OrderedDict[str, Holding | bool] = OrderedDict()
_RECENT_SIZE = 128
_RECENT_LOCK = threading.Lock()


def kept(
    key: str, transcript_id: int, build: Callable[[int], Holding | bool]
) -> Holding | bool:
    """The holding kept under key, built by build(transcript_id) when no cache
    has it."""
    cache = caches[HOLDINGS_CACHE]
    with _RECENT_LOCK:
        found = _RECENT.get(key)
    if found is None or not cache.has_key(key):
        found = cache.get(key)
        if found is None:
            found = build(transcript_id)
            cache.set(key, found, TTL)
    with _RECENT_LOCK:
        _RECENT[key] = found
        _RECENT.move_to_end(key)
        while len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)
    return found


def latest_event(transcript_id: int) -> tuple[int, int]:
    """The index of the transcript's latest ledger entry (its submissions accepted,
    withdrawn or locked) and how many submissions it has: one query."""
    rows = _LATEST_EVENT(transcript_id)
    if not rows:
        return -1, 0
    row = rows[0]
    indexes = [
        row[k] for k in ("accepted", "withdrawn", "locked") if row[k] is not None
    ]
    return max(indexes, default=-1), row["count"]


_LATEST_EVENT = PreparedQuery(
    lambda transcript_id: (
        Submission.objects.filter(record__transcript_id=transcript_id)
        .order_by()
        .values("record__transcript_id")
        .annotate(
            accepted=Max("ledger_index"),
            withdrawn=Max("withdraw_ledger_index"),
            locked=Max("lock__ledger_index"),
            count=Count("pk"),
        )
    ),
    int,
)


def checkpoint_state() -> str:
    """The latest checkpoint's size and root: every registry transaction appends
    and signs a new one (docs/registry.md), and the root tells apart two logs of
    the same size (one whose last appends were rolled back and made again). With
    them, the count and latest id of the cosignatures covering it, in the same
    query: a witness cosigning after the page was kept shows at the next lookup
    (the proof's witness count, docs/ledger.md)."""
    rows = _CHECKPOINT_STATE()
    if not rows:
        return "none"
    row = rows[0]
    cosigned = f"w{row['cosigned'] or 0}.{row['cosigned_last'] or 0}"
    return f"{row['size']}-{bytes(row['root']).hex()}-{cosigned}"


def _latest_checkpoint_state() -> QuerySet:
    covering = LedgerCosignature.objects.filter(size__gte=OuterRef("size")).order_by()
    return (
        LedgerCheckpoint.objects.order_by("-size")
        .annotate(
            cosigned=Subquery(covering.annotate(n=_COUNT).values("n")[:1]),
            cosigned_last=Subquery(covering.annotate(m=_MAX).values("m")[:1]),
        )
        .values("size", "root", "cosigned", "cosigned_last")[:1]
    )


# Aggregates written as plain functions: inside the subquery they must not group
# by anything (every cosignature covering the checkpoint is one group).
_COUNT = Func(F("pk"), function="COUNT")
_MAX = Func(F("pk"), function="MAX")
_CHECKPOINT_STATE = PreparedQuery(_latest_checkpoint_state)
