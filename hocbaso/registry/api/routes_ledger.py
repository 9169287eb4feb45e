"""The ledger, public: checkpoint, entries, proofs, the verifier key (docs/ledger.md).

Anyone may read these without authenticating: entries hold hashes and opaque ids
only, and whoever verifies a transcript (another school, an admissions office)
needs them. Hashes and entry bytes are base64; the checkpoint is the C2SP signed
note as text, checked with the verifier key (c2sp.org/signed-note).
"""

from __future__ import annotations

import base64
import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from hocbaso.ledger import LedgerError, parse_tile_path, read_entry_bundle, read_tile
from hocbaso.registry import actions, cosigning
from hocbaso.registry.api.errors import ApiError
from hocbaso.registry.api.public import BY_VIEW, IMMUTABLE, LATEST, RENAMEABLE
from hocbaso.registry.api.schemas import (
    LEDGER_ERRORS,
    ConsistencyOut,
    EntriesOut,
    ErrorOut,
    InclusionOut,
    LockCoverageOut,
)
from hocbaso.registry.ledger_locks import lock_coverage
from hocbaso.registry.ledger_log import checkpoint_at
from hocbaso.registry.ledger_log import latest_checkpoint as latest_row
from hocbaso.registry.ledger_store import DatabaseStorage
from hocbaso.registry.models import LedgerCheckpoint

router = Router(tags=["ledger"], auth=None)

# The public ledger's addresses (by view name) and how long a cache may keep their
# answers (api/public.py): everything but the latest checkpoint and the key names
# something that never changes.
CACHING = {
    "latest_checkpoint": LATEST,
    "verifier_key": RENAMEABLE,
    "checkpoint_of_size": IMMUTABLE,
    "entries": IMMUTABLE,
    "inclusion_proof": IMMUTABLE,
    "consistency_proof": IMMUTABLE,
    "lock_submissions": IMMUTABLE,
    "cosigned_checkpoint": LATEST,
    "witnesses": LATEST,
    "tile": BY_VIEW,
}
# c2sp.org/tlog-tiles: a full tile never changes; a partial one is a prefix of the
# full one and never changes either, but a reader should soon ask for the full one.
PARTIAL_TILE = "public, max-age=60"

MAX_ENTRIES = 1000  # per request: a client pages through a long log
Count = Query[int, {"ge": 0}]
TEXT_RESPONSE = {
    "responses": {200: {"description": "text/plain", "content": {"text/plain": {}}}}
}


def _text(value: str) -> HttpResponse:
    return HttpResponse(value, content_type="text/plain; charset=utf-8")


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


@router.get(
    "/ledger/checkpoint",
    response={LEDGER_ERRORS: ErrorOut},
    openapi_extra=TEXT_RESPONSE,
)
def latest_checkpoint(request: HttpRequest):
    """The latest signed checkpoint (c2sp.org/tlog-checkpoint), as text, with the
    witnesses' cosignatures received for it (c2sp.org/tlog-cosignature)."""
    row = latest_row()
    if row is None:
        message = _("The ledger is empty: there is no checkpoint yet.")
        raise ApiError(message, code="LEDGER_EMPTY", status=404)
    return _text(cosigning.cosigned_note(row))


@router.get(
    "/ledger/cosigned/{size}",
    response={LEDGER_ERRORS: ErrorOut},
    openapi_extra=TEXT_RESPONSE,
)
def cosigned_checkpoint(request: HttpRequest, size: int):
    """The checkpoint of tree ``size`` with the cosignatures received for it so far."""
    row = LedgerCheckpoint.objects.filter(size=size).first()
    if row is None:
        message = _("The ledger has no checkpoint of tree size %(size)s.") % {
            "size": size
        }
        raise ApiError(message, code="NOT_FOUND", status=404)
    return _text(cosigning.cosigned_note(row))


@router.get("/ledger/witnesses")
def witnesses(request: HttpRequest):
    """The log's witnesses (their cosignature keys), the policy, and whether the
    latest checkpoint is published under it."""
    policy = cosigning.witness_policy()
    row = latest_row()
    return {
        "witnesses": [
            {"code": w.code, "key": w.key.to_string()} for w in cosigning.witnesses()
        ],
        "policy": {"required": policy.required, "among": policy.among},
        "size": row.size if row else 0,
        "cosigned_by": cosigning.witnesses_behind(row.size) if row else [],
        "published": cosigning.is_published(row.size) if row else False,
    }


@router.get("/ledger/tile/{path:rest}", response={LEDGER_ERRORS: ErrorOut})
def tile(request: HttpRequest, rest: str):
    """A tile of the log (c2sp.org/tlog-tiles): ``<L>/<N>[.p/<W>]`` for hashes,
    ``entries/<N>[.p/<W>]`` for entries, 256 wide, N in x-prefixed digit groups."""
    storage = DatabaseStorage()
    try:
        wanted = parse_tile_path("tile/" + rest)
        size = storage.tree_size()
        if wanted.level is None:
            data = read_entry_bundle(storage, wanted, size)
        else:
            data = read_tile(storage, wanted, size)
    except LedgerError as exc:
        message = _("The ledger has no tile %(path)s.") % {"path": rest[:80]}
        raise ApiError(message, code="NOT_FOUND", status=404) from exc
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Cache-Control"] = IMMUTABLE if wanted.is_full else PARTIAL_TILE
    return response


@router.get(
    "/ledger/checkpoints/{size}",
    response={LEDGER_ERRORS: ErrorOut},
    openapi_extra=TEXT_RESPONSE,
)
def checkpoint_of_size(request: HttpRequest, size: int):
    """The signed checkpoint of tree ``size`` as it was stored, as text.

    A checkpoint signed before the log's origin changed still names the old origin
    and is checked with the key under that name (docs/ledger.md).
    """
    note = checkpoint_at(size)
    if note is None:
        message = _("The ledger has no checkpoint of tree size %(size)s.") % {
            "size": size
        }
        raise ApiError(message, code="NOT_FOUND", status=404)
    return _text(note)


@router.get("/ledger/key", openapi_extra=TEXT_RESPONSE)
def verifier_key(request: HttpRequest):
    """The verifier key of the checkpoints (c2sp.org/signed-note), as text."""
    return _text(actions.ledger_verifier_key() + "\n")


@router.get("/ledger/entries", response={200: EntriesOut, LEDGER_ERRORS: ErrorOut})
def entries(request: HttpRequest, start: Count, end: Count):
    """Entries [start, end), at most 1000 at a time."""
    if not start <= end <= start + MAX_ENTRIES:
        message = _("Ask for entries with start ≤ end ≤ start + %(max)s.") % {
            "max": MAX_ENTRIES
        }
        raise ApiError(message, code="LEDGER_RANGE", status=400)
    rows = actions.ledger_entries(start, end)
    return {
        "start": start,
        "end": end,
        "entries": [
            {
                "index": start + i,
                "data": base64.b64encode(b).decode(),
                "entry": json.loads(b),
            }
            for i, b in enumerate(rows)
        ],
    }


@router.get(
    "/ledger/proofs/inclusion", response={200: InclusionOut, LEDGER_ERRORS: ErrorOut}
)
def inclusion_proof(request: HttpRequest, index: Count, size: Count):
    """The RFC 6962 §2.1.1 audit path of entry ``index`` in the tree of ``size``."""
    proof = actions.inclusion_proof(index, size)
    return {"index": index, "size": size, "hashes": _b64(proof)}


@router.get(
    "/ledger/proofs/consistency",
    response={200: ConsistencyOut, LEDGER_ERRORS: ErrorOut},
)
def consistency_proof(request: HttpRequest, size1: Count, size2: Count):
    """The RFC 6962 §2.1.2 proof that tree ``size2`` extends tree ``size1``."""
    proof = actions.consistency_proof(size1, size2)
    return {"size1": size1, "size2": size2, "hashes": _b64(proof)}


@router.get(
    "/ledger/locks/{index}", response={200: LockCoverageOut, LEDGER_ERRORS: ErrorOut}
)
def lock_submissions(
    request: HttpRequest, index: int, start: Count = 0, end: Query[int | None] = None
):
    """The submissions behind the lock of entry ``index``, sorted, at most 1000 a page.

    The SHA-256 of every page's lines ``<submission_id> <packet_sha256>\\n`` put
    together is the digest of the lock's entry.
    """
    coverage = lock_coverage(index)
    if coverage is None:
        message = _("Ledger entry %(index)s is not a lock.") % {"index": index}
        raise ApiError(message, code="NOT_A_LOCK", status=404)
    count = len(coverage.submissions)
    end = min(count, start + MAX_ENTRIES) if end is None else end
    if not start <= end <= min(count, start + MAX_ENTRIES):
        message = _(
            "Ask for submissions with start ≤ end ≤ start + %(max)s, "
            "and end at most %(count)s."
        ) % {"max": MAX_ENTRIES, "count": count}
        raise ApiError(message, code="LEDGER_RANGE", status=400)
    return {
        "index": index,
        "lock_id": coverage.lock_id,
        "digest": coverage.digest,
        "count": count,
        "start": start,
        "end": end,
        "submissions": coverage.submissions[start:end],
    }
