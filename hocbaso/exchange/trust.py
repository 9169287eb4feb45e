"""What this installation trusts of each peer: its keys over time and its CAs.

- Keys: ``register_peer`` keeps every exchange and ledger key a peer has had
  (``PeerKey``), closing the previous key's period when a new one is registered,
  so a checkpoint received before a key rotation still verifies with the key that
  was valid when it was received (``ledger_key_at``).
- CAs: a department's CA certificates go to a trust store of their own,
  ``$HOCBASO_DATA_DIR/exchange/trust/<code>/``: a packet sent by department X is
  verified only against X's CAs (``department_trust_store``), so one department's
  CA never vouches for another department's schools. On a department's
  installation they are also copied into ``HOCBASO_TRUST_STORE`` (prefixed
  ``peer-<code>-``), where the transfers across provinces look for them.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hocbaso.exchange.errors import UnknownPeerError
from hocbaso.exchange.models import Peer, PeerKey
from hocbaso.signing import TrustStore

# one store per department's directory and its files' times (the registry's
# trust_store() keeps a single store, which alternating departments would reload)
_stores: dict[tuple, TrustStore] = {}


def register_peer(peer: dict, *, at: dt.datetime) -> Peer:
    """Register or update a peer; a changed key starts a new validity period."""
    start = peer.get("valid_from") or at
    if isinstance(start, str):
        start = dt.datetime.fromisoformat(start)
    with transaction.atomic():
        found, _created = Peer.objects.update_or_create(
            code=peer["code"],
            defaults={
                "kind": peer["kind"],
                "name": peer.get("name", ""),
                "exchange_key": peer["key"],
                "ledger_key": peer.get("ledger_key", ""),
                "witness_key": peer.get("witness_key", ""),
                "url": peer.get("url", ""),
            },
        )
        _keep_key(found.code, PeerKey.Kind.EXCHANGE, peer["key"], start)
        if peer.get("ledger_key"):
            _keep_key(found.code, PeerKey.Kind.LEDGER, peer["ledger_key"], start)
    for pem in peer.get("ca", []):
        _copy_ca(found, Path(pem))
    return found


def _keep_key(code: str, kind: str, key: str, start: dt.datetime) -> None:
    keys = PeerKey.objects.select_for_update().filter(peer=code, kind=kind)
    current = keys.filter(valid_until__isnull=True).order_by("-valid_from").first()
    if current is not None and current.key == key:
        return
    keys.filter(valid_until__isnull=True).update(valid_until=start)
    PeerKey.objects.create(peer=code, kind=kind, key=key, valid_from=start)


def ledger_key_at(code: str, at: dt.datetime) -> str | None:
    """The ledger verifier key department ``code`` had at ``at``, if any."""
    found = (
        PeerKey.objects.filter(peer=code, kind=PeerKey.Kind.LEDGER, valid_from__lte=at)
        .exclude(valid_until__lte=at)
        .order_by("-valid_from")
        .values_list("key", flat=True)
        .first()
    )
    if found is None and not PeerKey.objects.filter(peer=code).exists():
        # a peer registered before keys had periods: its only key
        peer = Peer.objects.filter(code=code).first()
        return peer.ledger_key if peer and peer.ledger_key else None
    return found


def ledger_keys(code: str) -> list[str]:
    """Every ledger key department ``code`` has had (for earlier checkpoints)."""
    keys = list(
        PeerKey.objects.filter(peer=code, kind=PeerKey.Kind.LEDGER).values_list(
            "key", flat=True
        )
    )
    peer = Peer.objects.filter(code=code).first()
    if peer is not None and peer.ledger_key and peer.ledger_key not in keys:
        keys.append(peer.ledger_key)
    return keys


def department_dir(code: str) -> Path:
    return Path(settings.DATA_DIR) / "exchange" / "trust" / code


def department_trust_store(code: str) -> TrustStore:
    """The CAs registered for department ``code`` only."""
    path = department_dir(code)
    if not path.is_dir():
        raise UnknownPeerError(
            _("No CA certificate is registered for department %(code)s.")
            % {"code": code}
        )
    files = tuple((f.name, f.stat().st_mtime_ns) for f in sorted(path.iterdir()))
    key = (str(path), files)
    if key not in _stores:
        _stores[key] = TrustStore.from_directory(path)
    return _stores[key]


def _copy_ca(peer: Peer, pem: Path) -> None:
    own = department_dir(peer.code)
    own.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pem, own / pem.name)
    if settings.HOCBASO_ROLE != "national":
        shared = Path(settings.HOCBASO_TRUST_STORE)
        shared.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pem, shared / f"peer-{peer.code}-{pem.name}")
