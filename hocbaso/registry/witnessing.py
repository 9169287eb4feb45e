"""This installation as a witness of its peers' logs (c2sp.org/tlog-witness).

Every installation answers ``POST /api/v1/witness/add-checkpoint``: a department's
log asks it to cosign a new checkpoint. The logs it witnesses are those of its
trusted peers (hocbaso.exchange's peer registry): a checkpoint of origin O is
checked against every ledger key a peer has had under the name O. The latest
checkpoint cosigned per origin (``WitnessedLog``) is read under a row lock and
updated in the same transaction as the check, so two requests never roll a log
back, and a restart forgets nothing.

The witness key is an Ed25519 key of its own (HOCBASO_WITNESS_KEY, default
``witness.key`` beside the ledger key), named HOCBASO_WITNESS_NAME (default: the
ledger origin's host with ``/witness``); ``witness_key()`` is its cosignature
verifier key (c2sp.org/tlog-cosignature), which peers register.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from hocbaso.ledger import (
    AddCheckpoint,
    Ed25519NoteSigner,
    KeyFormatError,
    VerifierKey,
    WitnessedHead,
    check_add_checkpoint,
    cosign_checkpoint,
    cosigning_key,
    parse_add_checkpoint,
)
from hocbaso.registry.ledger_log import key_file_signer, ledger_origin
from hocbaso.registry.models import WitnessedLog


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None) or os.environ.get(name, "")
    return str(value).strip() or default


def witness_name() -> str:
    """The witness's name: HOCBASO_WITNESS_NAME, or the ledger's host + /witness."""
    default = ledger_origin().split("/", 1)[0] + "/witness"
    return _setting("HOCBASO_WITNESS_NAME", default)


def witness_signer() -> Ed25519NoteSigner:
    """The witness key (its own file, generated at first use, mode 0600)."""
    default = str(Path(settings.HOCBASO_LEDGER_KEY).with_name("witness.key"))
    return key_file_signer(
        Path(_setting("HOCBASO_WITNESS_KEY", default)), witness_name()
    )


def witness_key() -> str:
    """This witness's cosignature verifier key string, for peers to register."""
    return cosigning_key(witness_signer()).to_string()


def trusted_log_keys(origin: str) -> list[VerifierKey]:
    """Every ledger key a trusted peer has had under the name ``origin``."""
    from hocbaso.exchange.models import Peer, PeerKey

    texts = set(
        PeerKey.objects.filter(kind=PeerKey.Kind.LEDGER).values_list("key", flat=True)
    )
    texts |= set(
        Peer.objects.exclude(ledger_key="").values_list("ledger_key", flat=True)
    )
    keys = []
    for text in sorted(texts):
        try:
            key = VerifierKey.from_string(text)
        except KeyFormatError:
            continue  # a malformed registration trusts nothing
        if key.name == origin:
            keys.append(key)
    return keys


def add_checkpoint(body: bytes, now: datetime) -> str:
    """Check an add-checkpoint request and answer the cosignature line.

    Raises the core's WitnessError (its ``status`` is the HTTP status to answer).
    """
    request = parse_add_checkpoint(body)
    keys = trusted_log_keys(request.origin)
    with transaction.atomic():
        state = _locked_state(request, keys)
        latest = WitnessedHead(state.size, bytes(state.root)) if state.note else None
        checkpoint = check_add_checkpoint(request, keys, latest)
        state.size, state.root, state.note = (
            checkpoint.size,
            checkpoint.root_hash,
            request.note,
        )
        state.updated_at = now
        state.save()
    return cosign_checkpoint(checkpoint, witness_signer(), int(now.timestamp()))


def _locked_state(request: AddCheckpoint, keys: list[VerifierKey]) -> WitnessedLog:
    if not keys:  # unknown origin: no row is made for it
        check_add_checkpoint(request, keys, None)
    rows = WitnessedLog.objects.select_for_update()
    state = rows.filter(origin=request.origin).first()
    if state is None:
        # Two first requests race to create the row: one insert wins, both lock it.
        WitnessedLog.objects.bulk_create(
            [WitnessedLog(origin=request.origin, root=b"", updated_at=_epoch())],
            ignore_conflicts=True,
        )
        state = rows.get(origin=request.origin)
    return state


def _epoch() -> datetime:
    return datetime.fromtimestamp(0).astimezone()
