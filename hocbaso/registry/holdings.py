"""What the registry holds of a transcript: the one read side (docs/registry.md).

Every page, the API, the citizen pages, the documents and the national role ask
here, never the registry's tables. What is held is built from the signed packets
the registry stored (the submissions' bytes), never from the school side's rows:

    transcript, holding = holdings().held(code)  # by lookup code, this role's source
    holding = holdings().of_transcript(t)        # staff pages: a transcript row
    standings(records)                           # each record's Standing (citizen)
    current_packets(transcripts)                 # the bytes of the current records

Every value is frozen and carries no words: a page's status text, a signer's role
and a proof's problem are put into words when they are read (the reader's
language), so one derived value serves every reader. What is derived (packets
parsed, the ledger proof verified against the signed checkpoint) is kept in the
deployment's cache (settings.CACHES, ``HOLDINGS_CACHE``) under a key made of what
can change it: the transcript's latest ledger entry (accept, replace, revoke, lock),
the latest checkpoint's size and root, and the cosignatures stored for it. Any change
in the registry appends an entry, so the next lookup reads a new key: a revocation
or a lock shows at once.

The source is chosen from HOCBASO_ROLE (``IMPLEMENTATIONS``): a department reads its
registry (``RegistryHoldings``), the national repository the records the
departments sent (``hocbaso.exchange.lookup.NationalHoldings``), both through the
``Holdings`` protocol.

The parts live beside this module: the cache and its keys (``holding_cache``),
building a holding from submissions (``holding_pages``), the parsed packets
(``holding_packets``), the ledger proofs (``holding_proofs``) and the standings of
many records at once (``holding_standings``); readers import them from here.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any, Protocol

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils.module_loading import import_string

from hocbaso.prepared import PreparedQuery
from hocbaso.records.models import School, Student, Transcript
from hocbaso.registry.holding_cache import (
    HOLDINGS_CACHE,
    checkpoint_state,
    holding_key,
    kept,
    latest_event,
    version_columns,
    version_of,
)
from hocbaso.registry.holding_packets import (
    Packet,
    ParsedPacket,
    held_packets,
    packet_of,
    parsed_packet,
)
from hocbaso.registry.holding_pages import build, from_pages
from hocbaso.registry.holding_standings import (
    current_packets,
    standings,
    transcripts_released_to,
)
from hocbaso.registry.holding_values import (
    HeldSubmission,
    Holding,
    LedgerProof,
    Problem,
    RecordPage,
    RecordStanding,
    Standing,
)

__all__ = [
    "HOLDINGS_CACHE",
    "HeldSubmission",
    "Holding",
    "Holdings",
    "LedgerProof",
    "ParsedPacket",
    "Problem",
    "RecordPage",
    "RecordStanding",
    "RegistryHoldings",
    "Standing",
    "current_packets",
    "find_transcript",
    "from_pages",
    "held_packets",
    "holdings",
    "packet_of",
    "parsed_packet",
    "standings",
    "transcripts_released_to",
]

# Parsed packets kept in a shared cache (database, Redis) by an earlier version
# were pickled as this module's _Packet and ParsedPacket; the names stay here so
# those entries read until their time in the cache runs out.
_Packet = Packet

# The role → the implementation of Holdings; strings, so the registry does not
# import the exchange (docs/architecture.md: dependencies point one way).
IMPLEMENTATIONS = {
    "department": "hocbaso.registry.holdings.RegistryHoldings",
    "national": "hocbaso.exchange.lookup.NationalHoldings",
}


class Holdings(Protocol):
    """What an installation holds of transcripts, whatever its tables."""

    def held(self, code: str | None) -> tuple[Transcript | None, Holding | None]:
        """The transcript with this code (None when not a row here) and what is
        held of it (None when nothing)."""
        ...

    def of_transcript(self, transcript: Transcript) -> Holding | None:
        """What is held of a transcript row of this installation."""
        ...


def holdings() -> Holdings:
    """The implementation for this installation's role (HOCBASO_ROLE)."""
    return _implementation(settings.HOCBASO_ROLE)


@functools.cache
def _implementation(role: str) -> Holdings:
    implementation: Holdings = import_string(IMPLEMENTATIONS[role])()
    return implementation


def find_transcript(code: str | None) -> Transcript | None:
    """The transcript with this code, with its student and school, or None. One
    indexed query either way: a malformed code costs what an unknown one does."""
    rows = _BY_CODE(code or "0" * 32)
    return _transcript_of(rows[0]) if rows else None


# What select_related("student", "school") reads, compiled once (prepared.py):
# building the ORM's query cost twenty times running it.
_RELATED = {"": Transcript, "student__": Student, "school__": School}


def _related_columns() -> list[str]:
    return [
        prefix + f.attname
        for prefix, model in _RELATED.items()
        for f in model._meta.concrete_fields
    ]


_BY_CODE = PreparedQuery(
    lambda code: Transcript.objects.filter(lookup_code=code).values(
        *_related_columns()
    )[:1],
    str,
)
# The lookup's one read of the registry: the transcript and what its holding's
# key is made of (holding_cache.version_columns), in one statement.
_HELD_BY_CODE = PreparedQuery(
    lambda code: (
        Transcript.objects.filter(lookup_code=code)
        .order_by()
        .values(*_related_columns(), **version_columns())[:1]
    ),
    str,
)


def _transcript_of(row: dict[str, Any]) -> Transcript:
    def instance(prefix: str, model: type) -> Any:
        names = [f.attname for f in model._meta.concrete_fields]
        return model.from_db(DEFAULT_DB_ALIAS, names, [row[prefix + n] for n in names])

    transcript = instance("", Transcript)
    transcript.student = instance("student__", Student)
    transcript.school = instance("school__", School)
    return transcript


class RegistryHoldings:
    """A department's registry as the source."""

    def held(self, code: str | None) -> tuple[Transcript | None, Holding | None]:
        """One query whatever the code (a malformed one reads the all-zero
        code): the transcript with the version of what is held of it."""
        rows = _HELD_BY_CODE(code or "0" * 32)
        if not rows:
            return None, None
        transcript = _transcript_of(rows[0])
        key = version_of(transcript.pk, rows[0])
        return transcript, (self._kept(transcript, key) if key else None)

    def of_transcript(self, transcript: Transcript | None) -> Holding | None:
        """None when the registry holds nothing. With None (a code that matched
        nothing) the same version query runs and finds nothing, so an unknown code
        and a transcript without submissions cost alike."""
        pk = transcript.pk if transcript is not None else 0
        event, count = latest_event(pk)
        if transcript is None or not count:
            return None
        return self._kept(transcript, holding_key(pk, event, checkpoint_state()))

    def _kept(self, transcript: Transcript, key: str) -> Holding | None:
        found = kept(key, transcript.pk, build)
        if found is False:  # held submissions, none readable: shown as nothing
            return None
        return replace(found, transcript=transcript, version=key)
