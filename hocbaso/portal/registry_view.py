"""The transcript as the registry holds it, for the portal's pages and API.

The portal does not read the registry's tables: what is held comes from the
registry's one read side (hocbaso.registry.holdings), from the source this
installation's role names (its registry, or on the national repository the records
the departments sent). This module adds what only the portal needs, the reading of
a code as a person typed it:

    code = normalise_code(text)              # None unless 32 hex digits
    transcript, view = held_transcript(code) # both, from the source of this role
    view = registry_transcript(transcript)   # a transcript row of this installation
"""

from __future__ import annotations

import re

from hocbaso.records.models import Transcript
from hocbaso.registry.holdings import (
    Holding,
    LedgerProof,
    RecordPage,
    Standing,
    find_transcript,
    held_packets,
    holdings,
)

# The names the portal's modules use for the held values.
TranscriptView = Holding

__all__ = [
    "LedgerProof",
    "RecordPage",
    "Standing",
    "TranscriptView",
    "find_transcript",
    "held_packets",
    "held_transcript",
    "normalise_code",
    "registry_transcript",
]

_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_SEPARATORS = re.compile(r"[\s\-]")


def normalise_code(text: str | None) -> str | None:
    """The lookup code as stored (32 lowercase hex) from what a person typed:
    spaces and hyphens (the UUID form) are dropped, case is ignored. None if it is
    not a lookup code."""
    value = _SEPARATORS.sub("", text or "").lower()
    return value if _HEX32.match(value) else None


def held_transcript(code: str | None) -> tuple[Transcript | None, Holding | None]:
    """The transcript with this code and what this installation holds of it; the
    transcript is None when it is not a row here (held by the national role)."""
    return holdings().held(code)


def registry_transcript(transcript: Transcript | None) -> Holding | None:
    """What this installation holds of one of its transcript rows; None if nothing."""
    if transcript is None:
        return holdings().held(None)[1]
    return holdings().of_transcript(transcript)
