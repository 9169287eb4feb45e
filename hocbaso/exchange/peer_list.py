"""The peers ``hocbaso exchange trust`` registers, checked before any is: a bad
entry in a list leaves the trusted peers as they were (docs/exchange.md). Each
refusal is a ``CommandError`` naming the entry and the field, in the reader's
language."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from hocbaso.exchange.models import Peer

# A peer's code names its directory of CA certificates (trust.department_dir):
# letters, digits, "-" and "_" only, so no code reaches outside it.
_PEER_CODE = re.compile(r"[A-Za-z0-9_-]{1,20}")
_TEXT_FIELDS = ("name", "ledger_key", "witness_key", "url", "valid_from")


def read_text(name: str) -> str:
    """The text of a file named on the command line (UTF-8)."""
    try:
        return Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(
            _("cannot read %(file)s: %(error)s") % {"file": name, "error": exc.strerror}
        ) from None
    except UnicodeDecodeError:
        raise CommandError(_("%(file)s is not UTF-8 text.") % {"file": name}) from None


def read_peers(name: str) -> list:
    """The JSON list of peers in the file, not yet checked (``check_peers``)."""
    try:
        peers = json.loads(read_text(name))
    except ValueError as exc:
        raise CommandError(
            _("%(file)s is not JSON: %(error)s") % {"file": name, "error": exc}
        ) from None
    if not isinstance(peers, list) or not peers:
        raise CommandError(
            _("%(file)s must hold a JSON list of peers.") % {"file": name}
        )
    return peers


def _check_peer(peer, number: int) -> None:
    """Refuse, naming the entry and the field, what register_peer would take
    half-way or crash on."""
    if not isinstance(peer, dict):
        raise CommandError(_("Peer %(n)s is not a JSON object.") % {"n": number})
    for field in ("code", "kind", "key"):
        if not isinstance(peer.get(field), str) or not peer[field]:
            raise CommandError(
                _("Peer %(n)s: %(field)s is missing.") % {"n": number, "field": field}
            )
    code = peer["code"]
    if not _PEER_CODE.fullmatch(code):
        raise CommandError(
            _(
                "Peer %(n)s: the code %(code)r may hold only letters, digits, - and _ "
                "(at most 20)."
            )
            % {"n": number, "code": code}
        )
    if peer["kind"] not in Peer.Kind.values:
        raise CommandError(
            _("Peer %(code)s: the kind is department or national, not %(kind)r.")
            % {"code": code, "kind": peer["kind"]}
        )
    for field in _TEXT_FIELDS:
        if not isinstance(peer.get(field, ""), str | None):
            raise CommandError(
                _("Peer %(code)s: %(field)s must be text.")
                % {"code": code, "field": field}
            )
    _check_start(code, peer.get("valid_from"))
    _check_cas(code, peer.get("ca") or [])


def _check_start(code: str, start: str | None) -> None:
    try:
        moment = dt.datetime.fromisoformat(start) if start else None
    except ValueError:
        moment = None
    if start and (moment is None or moment.utcoffset() is None):
        raise CommandError(
            _(
                "Peer %(code)s: valid_from %(value)r is not an ISO 8601 time with its "
                "offset, such as 2026-09-05T00:00:00+07:00."
            )
            % {"code": code, "value": start}
        )


def _check_cas(code: str, files) -> None:
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise CommandError(
            _("Peer %(code)s: ca must be a list of file names.") % {"code": code}
        )
    for name in files:
        try:
            Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Peer %(code)s: cannot read the CA certificate %(file)s: %(error)s")
                % {"code": code, "file": name, "error": exc.strerror}
            ) from None


def check_peers(peers: list) -> None:
    """Refuse the list unless every peer is whole and no code comes twice."""
    for number, peer in enumerate(peers, start=1):
        _check_peer(peer, number)
    codes = [peer["code"] for peer in peers]
    if len(set(codes)) < len(codes):
        twice = next(c for c in codes if codes.count(c) > 1)
        raise CommandError(_("Peer %(code)s is listed twice.") % {"code": twice})
