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
from django.db.models import (
    BigIntegerField,
    Count,
    F,
    Func,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest

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


def holding_key(transcript_id: int, event: int, state: str) -> str:
    """The key a transcript's holding is kept under: its latest ledger entry and
    the checkpoint's state (``latest_event``, ``checkpoint_state``)."""
    return f"holdings:registry:{transcript_id}:{event}:{state}"


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
    return _state_text(rows[0]) if rows else "none"


def _state_text(row: dict) -> str:
    if row["size"] is None:  # no checkpoint yet
        return "none"
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


# --- the version in the transcript's own query ----------------------------------
#
# The lookup finds the transcript and reads what its key is made of in one
# statement: the same latest entry, count and checkpoint state as
# ``latest_event`` and ``checkpoint_state``, as columns of the transcript's row
# (scalar subqueries, the transcript's id as OuterRef("pk")). Three round trips
# through the database driver cost more than the statement's own work.


def version_columns() -> dict[str, Subquery]:
    """Columns to select beside a transcript (``OuterRef("pk")``): what
    ``version_of`` turns into the holding's key."""
    submissions = Submission.objects.filter(
        record__transcript_id=OuterRef("pk")
    ).order_by()
    latest = LedgerCheckpoint.objects.order_by("-size")
    covering = LedgerCosignature.objects.filter(
        size__gte=Subquery(latest.values("size")[:1])
    ).order_by()
    return {
        "version_event": Subquery(submissions.annotate(e=_LATEST).values("e")[:1]),
        "version_count": Subquery(submissions.annotate(n=_COUNT).values("n")[:1]),
        "version_size": Subquery(latest.values("size")[:1]),
        "version_root": Subquery(latest.values("root")[:1]),
        "version_cosigned": Subquery(covering.annotate(n=_COUNT).values("n")[:1]),
        "version_cosigned_last": Subquery(covering.annotate(m=_MAX).values("m")[:1]),
    }


def version_of(transcript_id: int, row: dict) -> str | None:
    """The holding's key from ``version_columns``' values (the key
    ``latest_event`` and ``checkpoint_state`` give), None without submissions."""
    if not row["version_count"]:
        return None
    state = {k: row["version_" + k] for k in ("size", "root", "cosigned")}
    state["cosigned_last"] = row["version_cosigned_last"]
    return holding_key(transcript_id, row["version_event"], _state_text(state))


def _greatest_of(*names: str) -> Greatest:
    # NULL (no such entry) counts as -1, as in latest_event; SQLite's MAX(a, b)
    # would be NULL if any were
    return Greatest(
        *(Coalesce(Func(F(n), function="MAX"), -1) for n in names),
        output_field=BigIntegerField(),
    )


_LATEST = _greatest_of("ledger_index", "withdraw_ledger_index", "lock__ledger_index")
