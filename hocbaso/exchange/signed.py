"""This installation's exchange key and the signed JSON documents it sends.

A manifest, a receipt, a transfer message or a consent token is a JSON object
written canonically (sorted keys, ASCII) as the text of a c2sp.org/signed-note,
signed with the installation's Ed25519 exchange key (``hocbaso.ledger.note``, the
same format as the ledger's checkpoints). The key is generated at first use in
``$HOCBASO_DATA_DIR/exchange/<code>.key`` (mode 0600), never committed; a peer
registers the verifier key (``hocbaso exchange key``) in its ``Peer`` table.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from hocbaso.exchange.errors import ExchangeError, SignatureError, UnknownPeerError
from hocbaso.exchange.models import Identity, Peer
from hocbaso.ledger import (
    Ed25519NoteSigner,
    LedgerError,
    VerifierKey,
    open_note,
    sign_note,
)
from hocbaso.records.models import Department

NATIONAL = "national"
_signers: dict[tuple[str, str], Ed25519NoteSigner] = {}


def identity_code() -> str:
    """This installation's code: its Identity row, else its only department."""
    row = Identity.objects.first()
    if row is not None:
        return row.code
    if settings.HOCBASO_ROLE == NATIONAL:
        return NATIONAL
    codes = list(Department.objects.values_list("code", flat=True)[:2])
    if len(codes) != 1:
        raise ExchangeError(
            _("Say which department this installation is: hocbaso exchange init.")
        )
    return codes[0]


def key_path(code: str) -> Path:
    return Path(settings.DATA_DIR) / "exchange" / f"{code}.key"


def signer() -> Ed25519NoteSigner:
    """The exchange key of this installation, generated at first use."""
    code = identity_code()
    path = key_path(code)
    cached = _signers.get((str(path), code))
    if cached is not None:
        return cached
    name = f"hocbaso-exchange-{code}"
    if path.exists():
        found = Ed25519NoteSigner.from_private_key_string(path.read_text().strip())
        if found.name != name:
            raise ExchangeError(
                _("The exchange key in %(path)s belongs to %(name)s, not %(code)s.")
                % {"path": path, "name": found.name, "code": code}
            )
    else:
        found = Ed25519NoteSigner.generate(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(found.private_key_string() + "\n")
    _signers[(str(path), code)] = found
    return found


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data).hexdigest()


def sign_document(document: dict) -> str:
    """The signed note of a JSON document, with this installation's key."""

    return sign_note(canonical(document) + "\n", signer())


def open_document(note: str, peer: Peer) -> dict:
    """The JSON document of a note signed by ``peer``; raises SignatureError."""
    try:
        key = VerifierKey.from_string(peer.exchange_key)
        text = open_note(note, key)
        document = json.loads(text)
    except (LedgerError, ValueError) as exc:
        raise SignatureError(
            _("The document is not signed by %(peer)s's exchange key.")
            % {"peer": peer.code}
        ) from exc
    if not isinstance(document, dict):
        raise SignatureError(_("The signed document is not a JSON object."))
    return document


def peer(code: str, kind: str | None = None) -> Peer:
    found = Peer.objects.filter(code=code).first()
    if found is None or (kind and found.kind != kind):
        raise UnknownPeerError(
            _("%(code)s is not a trusted peer of this installation.") % {"code": code}
        )
    return found
