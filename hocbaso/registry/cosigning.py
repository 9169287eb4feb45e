"""This log's witnesses: asking them to cosign, publishing, counting (docs/ledger.md).

The department's witnesses are its trusted peers with a witness key (other
departments and the national repository, hocbaso.exchange's peer registry). After
checkpoints are made, ``request_cosignatures`` sends each witness the latest
checkpoint with a consistency proof from the last one it cosigned
(c2sp.org/tlog-witness), checks the cosignature it answers against the witness's
registered key (c2sp.org/tlog-cosignature) and stores it. A published checkpoint
is the stored note with the cosignature lines appended (a signed note that any
verifier of the log's key still accepts).

HOCBASO_WITNESS_POLICY says what counts as published: ``<k>`` (any k of the
configured witnesses) or ``<k> of <code>,<code>,…`` (k of those peers); empty means
0, nothing required. A witness counts for a checkpoint if it cosigned that one or a
later one: a later cosignature covers every earlier tree it extends.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction

from hocbaso.ledger import (
    CosignatureKey,
    KeyFormatError,
    LedgerError,
    add_signature_lines,
    verify_cosignatures,
)
from hocbaso.ledger.witness import AddCheckpoint
from hocbaso.registry.ledger_log import (
    latest_checkpoint,
    reading_ledger,
    verify_stored_checkpoint,
)
from hocbaso.registry.models import LedgerCheckpoint, LedgerCosignature

ADD_CHECKPOINT = "/api/v1/witness/add-checkpoint"
_POLICY = re.compile(r"\s*([0-9]{1,3})\s*(?:of\s+([A-Za-z0-9_.,\s-]+))?\s*")
Transport = Callable[[str, bytes], tuple[int, bytes]]


@dataclass(frozen=True)
class Witness:
    code: str
    url: str
    key: CosignatureKey


@dataclass(frozen=True)
class Policy:
    required: int
    among: tuple[str, ...] | None  # peer codes; None: any configured witness


@dataclass(frozen=True)
class Outcome:
    witness: str
    ok: bool
    detail: str


def witnesses() -> list[Witness]:
    """Trusted peers with a witness key (a malformed key is skipped, not trusted)."""
    from hocbaso.exchange.models import Peer

    found = []
    for peer in Peer.objects.exclude(witness_key="").order_by("code"):
        try:
            key = CosignatureKey.from_string(peer.witness_key)
        except KeyFormatError:
            continue
        found.append(Witness(peer.code, peer.url.rstrip("/"), key))
    return found


def witness_policy() -> Policy:
    """HOCBASO_WITNESS_POLICY parsed; ValueError naming the expected form."""
    raw = getattr(settings, "HOCBASO_WITNESS_POLICY", None)
    text = str(raw if raw is not None else os.environ.get("HOCBASO_WITNESS_POLICY", ""))
    if not text.strip():
        return Policy(0, None)
    match = _POLICY.fullmatch(text)
    if match is None:
        raise ValueError(
            f"HOCBASO_WITNESS_POLICY {text!r} is '<k>' or '<k> of <code>,<code>'"
        )
    among = match.group(2)
    codes = tuple(c.strip() for c in among.split(",") if c.strip()) if among else None
    if codes is not None and int(match.group(1)) > len(codes):
        raise ValueError(
            f"HOCBASO_WITNESS_POLICY asks more than {len(codes)} witnesses"
        )
    return Policy(int(match.group(1)), codes)


def witnesses_behind(size: int) -> list[str]:
    """Codes of the configured witnesses that cosigned tree ``size`` or a later one."""
    known = {w.key.name: w.code for w in witnesses()}
    names = LedgerCosignature.objects.filter(size__gte=size).values_list(
        "witness", flat=True
    )
    return sorted({known[n] for n in names if n in known})


def is_published(size: int) -> bool:
    """Whether tree ``size`` has the cosignatures the policy asks for."""
    policy = witness_policy()
    behind = witnesses_behind(size)
    if policy.among is not None:
        behind = [code for code in behind if code in policy.among]
    return len(behind) >= policy.required


def cosigned_note(row: LedgerCheckpoint) -> str:
    """The stored checkpoint with the cosignature lines received for it."""
    lines = "".join(
        LedgerCosignature.objects.filter(size=row.size)
        .order_by("witness")
        .values_list("line", flat=True)
    )
    return add_signature_lines(row.note, lines) if lines else row.note


def request_cosignatures(now: datetime, post: Transport | None = None) -> list[Outcome]:
    """Ask every configured witness to cosign the latest checkpoint."""
    row = latest_checkpoint()
    if row is None:
        return []
    return [_ask(w, row, now, post or _http_post) for w in witnesses()]


def _ask(witness: Witness, row: LedgerCheckpoint, now: datetime, post: Transport):
    old = (
        LedgerCosignature.objects.filter(witness=witness.key.name, size__lte=row.size)
        .order_by("-size")
        .values_list("size", flat=True)
        .first()
    ) or 0
    try:
        status, body = _send(witness, row, old, post)
        if status == 409:  # the witness knows another size: prove from that one
            status, body = _send(witness, row, _known_size(body, row.size), post)
        if status != 200:
            return Outcome(witness.code, False, f"{status} {body[:200]!r}")
        _store(witness, row, body.decode("utf-8"), now)
    except (LedgerError, OSError, UnicodeDecodeError, ValueError) as exc:
        return Outcome(witness.code, False, str(exc))
    return Outcome(witness.code, True, "")


def _send(witness: Witness, row: LedgerCheckpoint, old: int, post: Transport):
    proof = tuple(reading_ledger().consistency_proof(old, row.size))
    body = AddCheckpoint(old, proof, row.note).to_bytes()
    return post(witness.url + ADD_CHECKPOINT, body)


def _known_size(body: bytes, limit: int) -> int:
    text = body.decode("ascii", "replace").strip()
    if not re.fullmatch(r"0|[1-9][0-9]{0,18}", text) or int(text) > limit:
        raise ValueError(f"the witness's 409 names no usable size: {text[:40]!r}")
    return int(text)


def _store(witness: Witness, row: LedgerCheckpoint, lines: str, now: datetime):
    note = add_signature_lines(row.note, lines)
    found = verify_cosignatures(note, [witness.key])
    if not found:
        raise ValueError(
            f"the answer of {witness.code} holds no cosignature by its key"
        )
    verify_stored_checkpoint(row.note)  # what was cosigned is this log's checkpoint
    cosignature = found[0]
    try:
        with transaction.atomic():
            LedgerCosignature.objects.create(
                size=row.size,
                witness=witness.key.name,
                line=cosignature.line,
                timestamp=cosignature.timestamp,
                created_at=now,
            )
    except IntegrityError:
        pass  # already stored for this size: the first one stands


def _http_post(url: str, body: bytes) -> tuple[int, bytes]:
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"a witness answers over HTTP(S), not at {url[:60]!r}")
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310
    request.add_header("Content-Type", "text/plain; charset=utf-8")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(64 * 1024)


def witness_command(command, what: str) -> None:
    """``hocbaso ledger witness`` and ``witness-key`` (docs/operations.md)."""
    from django.core.management.base import CommandError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from hocbaso.registry.witnessing import witness_key

    if what == "witness-key":
        command.stdout.write(witness_key())
        return
    for outcome in request_cosignatures(timezone.now()):
        if outcome.ok:
            command.stdout.write(_("%(code)s cosigned.") % {"code": outcome.witness})
        else:
            command.stderr.write(
                _("%(code)s did not cosign: %(detail)s")
                % {"code": outcome.witness, "detail": outcome.detail}
            )
    row = latest_checkpoint()
    if row is not None and not is_published(row.size):
        raise CommandError(
            _("Checkpoint %(size)s does not have the cosignatures the policy asks for.")
            % {"size": row.size}
        )
